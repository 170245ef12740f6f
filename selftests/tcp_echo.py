#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A long-lived TCP connection that notices any loss or reset.

  tcp_echo.py server ADDR PORT [ADDR PORT]...
                                        echo every byte back, on each
                                        address (one process: python
                                        takes seconds to start under
                                        the debug kernel)
  tcp_echo.py client ADDR PORT STOPFILE send numbered lines until STOPFILE
                                        exists; every echo must match.
Exit status 0 only if the connection survived and every byte came back.
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


def client(addr, port, stopfile):
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    s = None
    for _ in range(100):
        try:
            s = socket.create_connection((addr, port), timeout=10)
            break
        except OSError:
            time.sleep(0.1)
    if s is None:
        print('client: cannot connect', file=sys.stderr)
        return 1
    f = s.makefile('rwb')
    n = 0
    while not os.path.exists(stopfile):
        msg = b'%08d xtcp-echo\n' % n
        f.write(msg)
        f.flush()
        back = f.readline()
        if back != msg:
            print('client: mismatch at %d: %r' % (n, back), file=sys.stderr)
            return 1
        n += 1
        time.sleep(0.05)
    s.close()
    print('client: %d round trips' % n)
    return 0 if n > 0 else 1


if __name__ == '__main__':
    if sys.argv[1] == 'server':
        a = sys.argv[2:]
        server([(a[i], int(a[i + 1])) for i in range(0, len(a) - 1, 2)])
    else:
        sys.exit(client(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
