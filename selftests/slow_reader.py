#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Slow receiver (issue 4): the reader stalls, then drains.

  slow_reader.py -C NS -S NS -x N [--stall S] [--bytes N]
                 [--pairs xtcp:xtcp,xtcp:tcp,tcp:xtcp] [--families 4,6]

One connection per pairing and family, all at once (the stall is shared,
so the case costs one stall, not one per connection).  The client writes
--bytes (more than the send and receive buffers hold, so the writer
blocks and the receiver's window closes); the server accepts, reads
nothing for --stall seconds, then drains.  Each connection must:
  - deliver every byte in order (SHA-256 of what was written equals that
    of what was read) and then EOF;
  - finish within a bounded time of the drain starting (a receiver that
    does not announce its reopened window leaves the sender waiting for
    its next, backed-off, zero-window probe);
  - leave neither end stuck: after close(), no socket of the 4-tuple is
    left but the client's TIME_WAIT.
"""
import argparse
import hashlib
import os
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True	# keep the checkout clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# pylint: disable=wrong-import-position
from nstap import IPPROTO_XTCP, T, setns  # noqa: E402

tap = T.ok
diag = T.diag


def chunk(i, base):
    """64 KiB of the stream: the random base rotated by i (so reordered
    or repeated chunks change the hash)."""
    r = (i * 7919) % len(base)
    return base[r:] + base[:r]


class Conn:
    def __init__(self, a, fam, c, s, port):
        self.a = a
        self.fam = fam
        self.name = 'v%d %s->%s' % (fam, c, s)
        af = socket.AF_INET if fam == 4 else socket.AF_INET6
        self.srv_ip = '10.%d.0.2' % a.x if fam == 4 else 'fd00:%d::2' % a.x
        proto = {'tcp': 0, 'xtcp': IPPROTO_XTCP}
        setns(a.S)
        self.ls = socket.socket(af, socket.SOCK_STREAM, proto[s])
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind((self.srv_ip, port))
        self.ls.listen(1)
        setns(a.C)
        self.cs = socket.socket(af, socket.SOCK_STREAM, proto[c])
        self.cs.settimeout(5)
        self.cs.connect((self.srv_ip, port))
        self.cs.settimeout(None)
        self.ss, _ = self.ls.accept()
        self.ls.close()
        self.sent_hash = None
        self.got_hash = None
        self.got = 0
        self.eof = False
        self.t_done = None
        self.t_wdone = None
        self.err = None
        self.wblocked = False

    def writer(self, nbytes, base):
        h = hashlib.sha256()
        left = nbytes
        i = 0
        try:
            while left > 0:
                d = chunk(i, base)[:left]
                self.cs.sendall(d)
                h.update(d)
                left -= len(d)
                i += 1
            self.t_wdone = time.time()
            self.cs.shutdown(socket.SHUT_WR)
        except OSError as e:
            self.err = 'writer: %r' % e
        self.sent_hash = h.hexdigest()

    def reader(self, stall, t_drain):
        h = hashlib.sha256()
        time.sleep(max(t_drain - time.time(), 0))
        self.ss.settimeout(60)
        try:
            while True:
                d = self.ss.recv(1 << 16)
                if not d:
                    self.eof = True
                    break
                h.update(d)
                self.got += len(d)
        except OSError as e:
            self.err = 'reader: %r' % e
        self.t_done = time.time()
        self.got_hash = h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-C', required=True)
    ap.add_argument('-S', required=True)
    ap.add_argument('-x', type=int, required=True)
    ap.add_argument('--stall', type=float, default=10)
    ap.add_argument('--bytes', type=int, default=16 << 20)
    ap.add_argument('--limit', type=float, default=30,
                    help='seconds from the drain to the last byte')
    ap.add_argument('--pairs', default='xtcp:xtcp,xtcp:tcp,tcp:xtcp')
    ap.add_argument('--families', default='4,6')
    a = ap.parse_args()
    print('TAP version 13')
    base = os.urandom(1 << 16)
    conns = []
    port = 24000
    for fam in [int(f) for f in a.families.split(',')]:
        for p in a.pairs.split(','):
            c, s = p.split(':')
            port += 1
            try:
                conns.append(Conn(a, fam, c, s, port))
            except OSError as e:
                tap(False, 'v%d %s: connection set up' % (fam, p), repr(e))
    t0 = time.time()
    t_drain = t0 + a.stall
    threads = []
    for k in conns:
        threads.append(threading.Thread(target=k.writer,
                                        args=(a.bytes, base)))
        threads.append(threading.Thread(target=k.reader,
                                        args=(a.stall, t_drain)))
    for t in threads:
        t.daemon = True
        t.start()
    # during the stall: every writer is blocked, i.e. flow control holds
    time.sleep(max(a.stall - 1, 0.5))
    for k in conns:
        tap(k.t_wdone is None and k.err is None,
            '%s: the writer is blocked while the reader stalls' % k.name,
            k.err or 'writer finished %.1f s in' % ((k.t_wdone or 0) - t0))
    for t in threads:
        t.join(timeout=max(t_drain + a.limit - time.time(), 0.1))
    for k in conns:
        tap(k.err is None and k.got == a.bytes and k.eof and
            k.sent_hash == k.got_hash,
            '%s: %d bytes after a %.0f s stall, SHA-256 match, EOF' %
            (k.name, a.bytes, a.stall),
            '%s; got %d bytes, eof %s' % (k.err, k.got, k.eof))
        dt = (k.t_done - t_drain) if k.t_done else -1
        tap(0 <= dt <= a.limit,
            '%s: drained within %.0f s of the reader resuming (%.2f s)' %
            (k.name, a.limit, dt))
        if k.t_done:
            diag('%s: drained in %.2f s (%.1f MB/s)' %
                 (k.name, dt, a.bytes / max(dt, 0.001) / 1e6))
    # close: client first; nothing may be left but its TIME_WAIT
    for k in conns:
        k.ss.close()
        k.cs.close()
    time.sleep(0.5)
    for k in conns:
        for ns, who, want in ((a.C, 'client', ('06',)), (a.S, 'server', ())):
            setns(ns)
            left = []
            for path in ('/proc/net/tcp', '/proc/net/tcp6'):
                with open(path) as f:
                    for line in list(f)[1:]:
                        w = line.split()
                        if w[3] != '0A':
                            left.append(w[3])
            # Sockets of every connection of this stack in the namespace:
            # only TIME_WAIT (06) on the client, nothing on the server.
            bad = [st for st in left if st not in want]
            tap(not bad, '%s: %s end closed cleanly (states left: %s)' %
                (k.name, who, ' '.join(sorted(set(left))) or 'none'))
        break	# the namespaces are shared by all connections
    return T.plan()


if __name__ == '__main__':
    sys.exit(main())
