#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A long-lived TCP connection that notices any loss or reset.

  tcp_echo.py server ADDR PORT [ADDR PORT]...
                                        echo every byte back, on each
                                        address (one process: python
                                        takes seconds to start under
                                        the debug kernel)
  tcp_echo.py client STOPFILE SPEC...   until STOPFILE exists, one thread
                                        per SPEC:
      hold,ADDR,PORT    one connection, a numbered line every 50 ms;
                        every echo must match;
      churn,ADDR,PORT   a new connection for every line (connect, echo,
                        close), one every 50 ms.
Prints a line per SPEC; exit status 0 only if every connection survived
(and every churn connection was made) and every byte came back.
"""
import os
import socket
import sys
import threading
import time


def listener(addr, port):
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(8)
    return ls


def server(pairs):
    """Listen on every (addr, port) first, then serve each in a thread."""
    socks = [listener(a, p) for a, p in pairs]
    threads = [threading.Thread(target=serve, args=(ls,), daemon=True)
               for ls in socks[1:]]
    for t in threads:
        t.start()
    serve(socks[0])


def serve(ls):
    while True:
        c, _ = ls.accept()
        while True:
            d = c.recv(65536)
            if not d:
                break
            c.sendall(d)
        c.close()


def connect(addr, port, tries):
    for _ in range(tries):
        try:
            return socket.create_connection((addr, port), timeout=10)
        except OSError:
            time.sleep(0.1)
    return None


def echo(f, msg):
    f.write(msg)
    f.flush()
    return f.readline() == msg


def hold(addr, port, stopfile):
    s = connect(addr, port, 100)
    if s is None:
        return 'cannot connect'
    f = s.makefile('rwb')
    n = 0
    while not os.path.exists(stopfile):
        if not echo(f, b'%08d xtcp-echo\n' % n):
            return 'mismatch at %d' % n
        n += 1
        time.sleep(0.05)
    s.close()
    return '%d round trips' % n if n else 'no round trip'


def churn(addr, port, stopfile):
    n = 0
    while not os.path.exists(stopfile):
        try:
            s = socket.create_connection((addr, port), timeout=10)
            with s, s.makefile('rwb') as f:
                if not echo(f, b'%08d xtcp-churn\n' % n):
                    return 'mismatch on connection %d' % n
        except OSError as e:
            return 'connection %d: %s' % (n, e)
        n += 1
        time.sleep(0.05)
    return '%d connections' % n if n else 'no connection'


def client(stopfile, specs):
    """One thread per spec; a result line for each, in order."""
    results = [None] * len(specs)

    def run(i, kind, addr, port):
        fn = hold if kind == 'hold' else churn
        try:
            results[i] = fn(addr, int(port), stopfile)
        except OSError as e:
            results[i] = str(e)

    threads = [threading.Thread(target=run, args=(i,) + tuple(sp.split(',')))
               for i, sp in enumerate(specs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rc = 0
    for sp, r in zip(specs, results):
        good = r is not None and r.endswith(('round trips', 'connections'))
        print('%s: %s%s' % (sp, '' if good else 'FAIL ', r))
        rc |= 0 if good else 1
    return rc


if __name__ == '__main__':
    if sys.argv[1] == 'server':
        a = sys.argv[2:]
        server([(a[i], int(a[i + 1])) for i in range(0, len(a) - 1, 2)])
    else:
        sys.exit(client(sys.argv[2], sys.argv[3:]))
