#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""TCP_USER_TIMEOUT and tcp_retries2 on a blackholed connection (issue 4).

  user_timeout.py -C NS -S NS -x N [--stacks tcp,xtcp] [--families 4]
                  [--retries2 R] [--user-timeout MS]

For each client stack (native first: it must pass, which validates the
expectations) and family, two connections to a native server:
  - "retries2": no user timeout; the client namespace's tcp_retries2
    (net.ipv4 or net.xtcp) is lowered to R;
  - "user timeout": TCP_USER_TIMEOUT = MS, well below what R allows.
The server's frames are delayed by 200 ms (netem, set up by the
caller, with static neighbours so that the handshake's RTT sample is
200 ms), so the RTO is about 600 ms, not the 200 ms minimum.  Once all
are established, everything the client sends is dropped (netem loss
100 % on its veth), each client writes 1000 bytes, and the connection
must end with ETIMEDOUT:
  - retries2: Linux's tcp_retries2 is a time, not a count: the
    connection ends at the first RTO expiry at least
    tcp_model_timeout() = (2^(R+1) - 1) * 200 ms (3.0 s for R = 3)
    after the first RTO retransmission (retrans_stamp); with an RTO r
    the expiries after that one come at 2r, 6r, 14r... later, so for
    r = 600 ms the end is 3.6 s after it (counting R retransmissions
    instead would end 14r = 8.4 s after it);
  - user timeout: MS after the first RTO retransmission (Linux clamps
    the RTO to what is left).
The first RTO retransmission is seen as tcpi_retransmits turning 1
(polled every 10 ms); the end must come within -0.3 s / +15 % + 0.5 s
of the prediction (timers run late under emulation).
"""
import argparse
import errno
import os
import socket
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True	# keep the checkout clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# pylint: disable=wrong-import-position
from nstap import (IPPROTO_XTCP, TCP_INFO, T, setns,  # noqa: E402
                   tcp_state_num as tcp_state)

TCP_USER_TIMEOUT = 18
tap = T.ok
skip = T.skip


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-C', required=True)
    ap.add_argument('-S', required=True)
    ap.add_argument('-x', type=int, required=True)
    ap.add_argument('--stacks', default='tcp,xtcp')
    ap.add_argument('--families', default='4')
    ap.add_argument('--retries2', type=int, default=3)
    ap.add_argument('--user-timeout', type=int, default=1500)
    a = ap.parse_args()
    print('TAP version 13')
    model = ((2 << a.retries2) - 1) * 0.2
    want_ut = a.user_timeout / 1000.0
    setns(a.C)
    sysctls = {'tcp': '/proc/sys/net/ipv4/tcp_retries2',
               'xtcp': '/proc/sys/net/xtcp/tcp_retries2'}
    saved = {}
    cases = []
    port = 25000
    for stack in a.stacks.split(','):
        path = sysctls[stack]
        try:
            with open(path) as f:
                saved[path] = f.read()
            with open(path, 'w') as f:
                f.write('%d' % a.retries2)
        except OSError as e:
            tap(False, '%s: set %s to %d' % (stack, path, a.retries2),
                repr(e))
            continue
        for fam in [int(x) for x in a.families.split(',')]:
            af = socket.AF_INET if fam == 4 else socket.AF_INET6
            ip = '10.%d.0.2' % a.x if fam == 4 else 'fd00:%d::2' % a.x
            for kind in ('retries2', 'user-timeout'):
                name = 'v%d %s %s' % (fam, stack, kind)
                port += 1
                setns(a.S)
                ls = socket.socket(af, socket.SOCK_STREAM)
                ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                ls.bind((ip, port))
                ls.listen(1)
                setns(a.C)
                c = socket.socket(af, socket.SOCK_STREAM,
                                  IPPROTO_XTCP if stack == 'xtcp' else 0)
                if kind == 'user-timeout':
                    try:
                        c.setsockopt(socket.IPPROTO_TCP, TCP_USER_TIMEOUT,
                                     a.user_timeout)
                        v = c.getsockopt(socket.IPPROTO_TCP,
                                         TCP_USER_TIMEOUT)
                    except OSError as e:
                        if stack == 'xtcp' and e.errno in (
                                errno.ENOPROTOOPT, errno.EOPNOTSUPP):
                            skip(name, 'xtcp has no TCP_USER_TIMEOUT '
                                 'socket option yet (setsockopt: %s); '
                                 'the timer side is untested' %
                                 os.strerror(e.errno))
                        else:
                            tap(False, '%s: setsockopt TCP_USER_TIMEOUT'
                                % name, repr(e))
                        c.close()
                        ls.close()
                        continue
                    tap(v == a.user_timeout, '%s: TCP_USER_TIMEOUT reads '
                        'back %d (%d)' % (name, a.user_timeout, v))
                c.settimeout(5)
                c.connect((ip, port))
                srv, _ = ls.accept()
                ls.close()
                cases.append({'name': name, 'kind': kind, 'c': c,
                              'srv': srv})
    # from now on the client's frames are dropped (we are in its netns)
    setns(a.C)
    subprocess.run(['tc', 'qdisc', 'replace', 'dev', 'veth0', 'root',
                    'netem', 'loss', '100%'], check=True)
    t0 = time.time()
    rmax = 0
    for k in cases:
        info = k['c'].getsockopt(socket.IPPROTO_TCP, TCP_INFO, 104)
        k['rto'] = struct.unpack_from('I', info, 8)[0] / 1e6	# tcpi_rto
        rmax = max(rmax, k['rto'])
        k['c'].setblocking(False)
        k['c'].send(b'x' * 1000)
        k['t0'] = time.time()
    limit = 3 * max(model, want_ut) + 4 * rmax + 2
    pending = list(cases)
    while pending and time.time() - t0 < limit:
        for k in list(pending):
            info = k['c'].getsockopt(socket.IPPROTO_TCP, TCP_INFO, 104)
            st, retrans = info[0], info[2]	# tcpi_retransmits
            if retrans and 't1' not in k:
                k['t1'] = time.time() - k['t0']
            if st == 7:
                k['t'] = time.time() - k['t0']
                k['err'] = k['c'].getsockopt(socket.SOL_SOCKET,
                                             socket.SO_ERROR)
                pending.remove(k)
        time.sleep(0.01)
    for k in cases:
        r = k['rto']
        t1 = k.get('t1')
        if t1 is None:
            pred = None
        elif k['kind'] == 'retries2':
            # RTO expiries after the first: t1 + 2r, t1 + 6r, ...
            n = 2
            while ((1 << n) - 2) * r < model:
                n += 1
            pred = t1 + ((1 << n) - 2) * r
        else:
            pred = t1 + want_ut	# the RTO is clamped to what is left
        what = ('tcp_retries2 = %d' % a.retries2 if k['kind'] == 'retries2'
                else 'TCP_USER_TIMEOUT = %d ms' % a.user_timeout)
        t = k.get('t')
        err = k.get('err')
        lo, hi = (pred - 0.3, pred * 1.15 + 0.5) if pred else (0, -1)
        tap(t is not None and err == errno.ETIMEDOUT and lo <= t <= hi,
            '%s: blackholed connection ends with ETIMEDOUT after %.1f s '
            '(%s, RTO %.0f ms, first RTO retransmission at %.1f s: '
            'expected %.1f-%.1f s)' %
            (k['name'], t if t is not None else -1, what, r * 1000,
             t1 if t1 is not None else -1, lo, hi),
            'state %d, SO_ERROR %s' % (tcp_state(k['c']),
                                       os.strerror(err) if err else err))
        k['c'].close()
        k['srv'].close()
    setns(a.C)
    for path, v in saved.items():
        with open(path, 'w') as f:
            f.write(v)
    return T.plan()


if __name__ == '__main__':
    sys.exit(main())
