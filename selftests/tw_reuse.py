#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TIME_WAIT reuse on connect, for one stack (tw_reuse.sh drives it).

Run in the client namespace, whose ephemeral port range is a single
port, against a native server that closes after the client does (so the
client holds the TIME_WAIT).  Prints TAP.

  tw_reuse.py PROTO ADDR PORT SYSCTL_DIR LPORT

PROTO is 0 (native TCP) or 253 (xtcp); SYSCTL_DIR is the directory of the
stack's tcp_tw_reuse (/proc/sys/net/ipv4 or /proc/sys/net/xtcp); LPORT
is the one port of the namespace's ephemeral range.  Every socket sets
SO_REUSEADDR, so that its TIME_WAIT does not stop the bind() of the
last case.
Cases:
 - with tcp_tw_reuse=0 the port is taken: connect() fails EADDRNOTAVAIL;
 - with tcp_tw_reuse=1, one second after the last timestamp, connect()
   takes over the TIME_WAIT 4-tuple and the new connection carries data;
 - with tcp_tw_reuse=0, a connect() from the explicitly bound port
   (SO_REUSEADDR) takes it over too, as Linux allows whatever the knob.
"""
import errno
import socket
import sys
import time

PROTO, ADDR, PORT, SYSCTL = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
LPORT = int(sys.argv[5])
FAM = socket.AF_INET6 if ':' in ADDR else socket.AF_INET
n = 0
failed = 0


def tap(good, what):
    global n, failed
    n += 1
    if not good:
        failed += 1
    print('%s %d %s' % ('ok' if good else 'not ok', n, what), flush=True)


def set_reuse(v):
    with open(SYSCTL + '/tcp_tw_reuse', 'w') as f:
        f.write('%d\n' % v)


def tw_here():
    """TIME_WAIT sockets from the single local port (both stacks share
    the table and ss shows both)."""
    tw = 0
    for name in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(name) as f:
                for line in f.readlines()[1:]:
                    fields = line.split()
                    if (fields[3] == '06' and
                            int(fields[1].split(':')[1], 16) == LPORT):
                        tw += 1
        except OSError:
            pass
    return tw


def session(bind=False):
    """Connect, send 4 bytes, read the echo, close first.  Returns the
    errno of a failed connect (0 on success)."""
    s = socket.socket(FAM, socket.SOCK_STREAM, PROTO)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if bind:
            s.bind(('', LPORT))
        try:
            s.connect((ADDR, PORT))
        except OSError as e:
            return e.errno
        s.sendall(b'ping')
        got = b''
        while len(got) < 4:
            chunk = s.recv(4 - len(got))
            if not chunk:
                break
            got += chunk
        if got != b'ping':
            return -1
        return 0
    finally:
        s.close()


def settle():
    """Wait until the server's close has put our side in TIME_WAIT."""
    for _ in range(50):
        if tw_here():
            return True
        time.sleep(0.1)
    return False


print('TAP version 13')
set_reuse(0)
tap(session() == 0, 'first connection from the single ephemeral port')
tap(settle(), 'the client holds the TIME_WAIT (%d)' % tw_here())
err = session()
tap(err == errno.EADDRNOTAVAIL,
    'tcp_tw_reuse=0: connect() fails EADDRNOTAVAIL (%s)' %
    (errno.errorcode.get(err, err) if err else 'succeeded'))

set_reuse(1)
# Reuse waits until the old connection's last timestamp is over a
# second old (tcp_twsk_unique() compares whole seconds).
time.sleep(1.05)
err = session()
tap(err == 0, 'tcp_tw_reuse=1: connect() takes over the TIME_WAIT 4-tuple '
    'and carries data (%s)' % (errno.errorcode.get(err, err) if err else 'ok'))

set_reuse(0)
tap(settle(), 'the new connection left a TIME_WAIT in turn')
time.sleep(1.05)
err = session(bind=True)
tap(err == 0, 'tcp_tw_reuse=0: connect() from the bound port takes over '
    'the TIME_WAIT (%s)' % (errno.errorcode.get(err, err) if err else 'ok'))
print('1..%d' % n)
sys.exit(1 if failed else 0)
