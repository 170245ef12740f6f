# SPDX-License-Identifier: GPL-2.0
"""What the Python selftests share, without scapy (whose import costs
seconds under emulation): TAP output and entering a network namespace.

  T.ok(cond, name[, detail])   one result; detail is printed on failure
  T.skip(name, why)            a SKIP, never a pass
  T.diag(msg)                  a comment line
  T.prefix                     prepended to each result's name
  T.plan()                     the closing "1..N"; the exit status
  setns(name)                  move the calling thread to /run/netns/name
  tcp_state_num(sock)          tcpi_state of a TCP or xtcp socket, or -1

The Tap object is safe to call from several threads.

The scripts run as "python3 -S": without the site module, whose work
(scanning site-packages, running .pth files) costs seconds per start
under emulation.  Importing this module puts Debian's package
directories (scapy) back on the path.
"""
import ctypes
import os
import socket
import sys
import threading

if sys.flags.no_site:
    for _d in ('/usr/local/lib/python3.%d/dist-packages' %
               sys.version_info[1], '/usr/lib/python3/dist-packages'):
        if os.path.isdir(_d) and _d not in sys.path:
            sys.path.append(_d)

IPPROTO_XTCP = 253
CLONE_NEWNET = 0x40000000
TCP_INFO = 11

libc = ctypes.CDLL(None, use_errno=True)


def setns(name):
    fd = os.open('/run/netns/' + name, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, 'setns %s: %s' % (name, os.strerror(e)))
    finally:
        os.close(fd)


def tcp_state_num(s):
    try:
        return s.getsockopt(socket.IPPROTO_TCP, TCP_INFO, 104)[0]
    except OSError:
        return -1


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        self.prefix = ''
        self.lock = threading.Lock()

    def ok(self, cond, name, detail=''):
        with self.lock:
            self.n += 1
            if cond:
                print('ok %d %s%s' % (self.n, self.prefix, name))
            else:
                self.failed += 1
                print('not ok %d %s%s' % (self.n, self.prefix, name))
                if detail:
                    for line in str(detail).splitlines():
                        print('# ' + line)
            sys.stdout.flush()
        return cond

    def skip(self, name, why):
        with self.lock:
            self.n += 1
            print('ok %d %s # SKIP %s' % (
                self.n, (self.prefix + name).rstrip(': '), why))
            sys.stdout.flush()

    def diag(self, msg):
        with self.lock:
            for line in str(msg).splitlines():
                print('# ' + line)
            sys.stdout.flush()

    def plan(self):
        """Print the plan; the exit status: 1 if anything failed."""
        print('1..%d' % self.n)
        sys.stdout.flush()
        return 1 if self.failed else 0


T = Tap()
