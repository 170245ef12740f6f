#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""PAWS as Linux applies it, side by side with native TCP (mib.sh).

  mib.py --sut NS --peer NS --sut-mac MAC --peer-mac MAC [-x N]
         [--combos tcp:4,xtcp:4,...] [CASE...]

RFC 7323 5.3 with the tolerances of Linux's tcp_validate_incoming(), on
an established connection to a SUT listener (peer.py's scripted peer):

  paws-window	a data segment whose TSval is one tick behind TS.Recent
		is accepted (TCP_PAWS_WINDOW), PAWSEstab stays; one far
		behind is dropped and counted
  paws-dupack	a reordered duplicate ACK with an older TSval (within an
		RTO's worth of ticks) passes silently (tcp_disordered_ack)
  paws-rst	an RST with an old TSval and the exact sequence number
		resets the connection (RSTs are not judged by PAWS)
  paws-syn	a SYN with an old TSval draws a challenge ACK counted as
		TCPSYNChallenge, not as PAWSEstab

  bad-input	(xtcp only) segments with malformed options and data beyond
		the window are dropped and counted (XtcpBadOptions,
		XtcpOutOfWindow)

A clean transfer used to raise xtcp's PAWSEstab (segments one tick
behind, reordered across CPUs on the veth): mib.sh checks it stays 0.
Every case must pass against native TCP too.
"""
import argparse
import os
import socket
import sys
import time

sys.dont_write_bytecode = True	# the checkout is shared with the host
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# pylint: disable=wrong-import-position
from peer import (IPPROTO_XTCP, TCP, Env, Fail, Peer, T, fmt,
                  handshake_in, read_exact, run_case, u32)


def counter(proto, key):
    """A counter of the SUT namespace's stack: native from
    /proc/net/netstat or /proc/net/snmp, xtcp from /proc/net/xtcp/snmp
    (both "Group: names" / "Group: values" line pairs)."""
    files = (['/proc/net/xtcp/snmp'] if proto == IPPROTO_XTCP else
             ['/proc/net/netstat', '/proc/net/snmp'])
    for path in files:
        with open(path) as f:
            lines = f.read().splitlines()
        for i in range(0, len(lines) - 1, 2):
            names, vals = lines[i].split(), lines[i + 1].split()
            if key in names[1:]:
                return int(vals[names.index(key)])
    raise Fail('no counter %s in %s' % (key, files))


def recv_ack(p, want_ack, timeout=1.0):
    """The first segment from the SUT that acks @want_ack, else the last."""
    end = time.time() + timeout
    last = None
    while time.time() < end:
        seg = p.recv(max(end - time.time(), 0.01))
        if seg is None:
            break
        last = seg
        if seg[TCP].ack == u32(want_ack):
            return seg
    return last


def setup(env, fam, proto):
    p = Peer(env, fam, proto)
    ls, a, _ = handshake_in(p)
    return p, ls, a


def send_data(p, pay, tsval=None):
    """Data at snd_nxt; with @tsval, that TSval (peer.py's build()
    increments p.tsval before use, and it goes back afterwards)."""
    cur = p.tsval
    if tsval is not None:
        p.tsval = u32(tsval - 1)
    p.send('PA', payload=pay)
    if tsval is not None:
        p.tsval = cur
    return p.tsval


def close(p, ls, a):
    a.close()
    ls.close()
    p.send('R', opts=[])


def case_paws_window(env, fam, proto):
    p, ls, a = setup(env, fam, proto)
    t = send_data(p, b'one')
    p.snd_nxt = u32(p.snd_nxt + 3)
    ack = recv_ack(p, p.snd_nxt)
    T.ok(ack is not None and ack[TCP].ack == p.snd_nxt,
         'data with a current TSval is ACKed', fmt(ack))
    before = counter(proto, 'PAWSEstab')
    send_data(p, b'two', tsval=u32(t - 1))
    ack = recv_ack(p, p.snd_nxt + 3)
    ok = ack is not None and ack[TCP].ack == u32(p.snd_nxt + 3)
    p.snd_nxt = u32(p.snd_nxt + 3)
    T.ok(ok, 'TSval one tick behind TS.Recent: accepted', fmt(ack))
    mid = counter(proto, 'PAWSEstab')
    T.ok(mid == before, 'PAWSEstab unchanged (%d -> %d)' % (before, mid))
    send_data(p, b'old', tsval=u32(t - 100000))
    rep = p.recv(0.5)
    T.ok(rep is not None and rep[TCP].ack == p.snd_nxt,
         'TSval far behind: dropped, duplicate ACK', fmt(rep))
    after = counter(proto, 'PAWSEstab')
    T.ok(after == mid + 1, 'PAWSEstab counts it (%d -> %d)' % (mid, after))
    got = read_exact(a, 6)
    T.ok(got == b'onetwo', 'reader sees "onetwo" (%r)' % got)
    close(p, ls, a)


def case_paws_dupack(env, fam, proto):
    p, ls, a = setup(env, fam, proto)
    t = send_data(p, b'data')
    p.snd_nxt = u32(p.snd_nxt + 4)
    ack = recv_ack(p, p.snd_nxt)
    T.ok(ack is not None and ack[TCP].ack == p.snd_nxt,
         'data ACKed', fmt(ack))
    # A pure ACK with a current TSval (it sets SND.WL1 and TS.Recent),
    # then the same duplicate ACK stamped 20 ticks before the data: one
    # overtaken on the way.
    p.send('A')
    rep = p.recv(0.2)
    before = counter(proto, 'PAWSEstab')
    cur = p.tsval
    p.tsval = u32(t - 21)
    p.send('A')
    p.tsval = cur
    rep = p.recv(0.3)
    after = counter(proto, 'PAWSEstab')
    T.ok(after == before,
         'reordered duplicate ACK with an older TSval passes PAWS '
         '(PAWSEstab %d -> %d)' % (before, after))
    T.ok(rep is None, 'and draws no ACK', fmt(rep))
    a.sendall(b'x')
    seg = p.recv(1.0)
    T.ok(seg is not None and len(seg[TCP].payload) == 1,
         'connection still sends', fmt(seg))
    close(p, ls, a)


def case_paws_rst(env, fam, proto):
    p, ls, a = setup(env, fam, proto)
    t = send_data(p, b'data')
    p.snd_nxt = u32(p.snd_nxt + 4)
    recv_ack(p, p.snd_nxt)
    read_exact(a, 4)
    before = counter(proto, 'PAWSEstab')
    cur = p.tsval
    p.tsval = u32(t - 100000)
    p.send('R')
    p.tsval = cur
    a.settimeout(2)
    try:
        d = a.recv(10)
        err = 'read %r' % d
    except OSError as e:
        err = e.errno
    T.ok(err == 104, 'RST at RCV.NXT with an old TSval resets '
         '(ECONNRESET; got %s)' % err)
    after = counter(proto, 'PAWSEstab')
    T.ok(after == before, 'PAWSEstab unchanged (%d -> %d)' % (before, after))
    a.close()
    ls.close()


def case_paws_syn(env, fam, proto):
    p, ls, a = setup(env, fam, proto)
    t = send_data(p, b'data')
    p.snd_nxt = u32(p.snd_nxt + 4)
    recv_ack(p, p.snd_nxt)
    paws = counter(proto, 'PAWSEstab')
    chal = counter(proto, 'TCPSYNChallenge')
    cur = p.tsval
    p.tsval = u32(t - 100000)
    p.send('S', seq=u32(p.snd_nxt + 1000), ack=0)
    p.tsval = cur
    rep = p.recv(0.5)
    T.ok(rep is not None and str(rep[TCP].flags) == 'A' and
         rep[TCP].ack == p.snd_nxt,
         'SYN with an old TSval: challenge ACK', fmt(rep))
    paws2 = counter(proto, 'PAWSEstab')
    chal2 = counter(proto, 'TCPSYNChallenge')
    T.ok(chal2 == chal + 1 and paws2 == paws,
         'counted as TCPSYNChallenge (%d -> %d), not PAWSEstab (%d -> %d)' %
         (chal, chal2, paws, paws2))
    close(p, ls, a)


BAD_OPTS = [
    b'\x01\x01\x01\x08',				# TS kind, no length
    b'\x08\x09' + b'\x00' * 7 + b'\x01\x01\x01',	# TS of length 9
    b'\x1e\x00\x01\x01',				# length 0
]


def case_bad_input(env, fam, proto):
    """xtcp's own drop counters (Linux has none for these: it parses
    options up to a bad one and keeps the segment, and drops
    out-of-window data with only a drop reason): XtcpBadOptions counts
    each segment with malformed options, XtcpOutOfWindow one beyond the
    receive window."""
    p = Peer(env, fam, proto)
    ls, a, _ = handshake_in(p, 'no-ts')
    bad = counter(proto, 'XtcpBadOptions')
    for raw in BAD_OPTS:
        seg = p.build('PA', opts=[], payload=raw + b'zzzz')
        seg[TCP].dataofs = (20 + len(raw)) // 4
        p.env.pkt.send(bytes(seg))
    rep = p.recv(0.3)
    bad2 = counter(proto, 'XtcpBadOptions')
    T.ok(rep is None and bad2 == bad + len(BAD_OPTS),
         'malformed options: dropped unanswered, XtcpBadOptions %d -> %d' %
         (bad, bad2), fmt(rep))
    oow = counter(proto, 'XtcpOutOfWindow')
    p.send('PA', seq=u32(p.snd_nxt + (64 << 20)), payload=b'far')
    rep = p.recv(0.5)
    oow2 = counter(proto, 'XtcpOutOfWindow')
    T.ok(rep is not None and rep[TCP].ack == p.snd_nxt and oow2 == oow + 1,
         'data beyond the window: duplicate ACK, XtcpOutOfWindow %d -> %d' %
         (oow, oow2), fmt(rep))
    send_data(p, b'ok')
    p.snd_nxt = u32(p.snd_nxt + 2)
    ack = recv_ack(p, p.snd_nxt)
    T.ok(ack is not None and ack[TCP].ack == p.snd_nxt and
         read_exact(a, 2) == b'ok', 'then in-window data is taken', fmt(ack))
    close(p, ls, a)


CASES = [
    ('paws-window', case_paws_window),
    ('paws-dupack', case_paws_dupack),
    ('paws-rst', case_paws_rst),
    ('paws-syn', case_paws_syn),
    ('bad-input', case_bad_input),
]
XTCP_ONLY = ['bad-input']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sut', required=True)
    ap.add_argument('--peer', required=True)
    ap.add_argument('--sut-mac', required=True)
    ap.add_argument('--peer-mac', required=True)
    ap.add_argument('-x', type=int, default=17)
    ap.add_argument('--combos', default='tcp:4,xtcp:4,tcp:6,xtcp:6')
    ap.add_argument('cases', nargs='*')
    a = ap.parse_args()
    env = Env(a)
    print('TAP version 13')
    for combo in a.combos.split(','):
        pname, fam = combo.split(':')
        proto = IPPROTO_XTCP if pname == 'xtcp' else 0
        for name, fn in CASES:
            if a.cases and name not in a.cases:
                continue
            if proto != IPPROTO_XTCP and name in XTCP_ONLY:
                continue
            run_case(env, 'v%s %s %s: ' % (fam, pname, name), fn,
                     int(fam), proto)
    print('1..%d' % T.n)
    return 1 if T.failed else 0


if __name__ == '__main__':
    sys.exit(main())
