#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Scripted-peer cases for reliable transfer (issue 4), on peer.py.

  recovery_peer.py --sut NS --peer NS --sut-mac MAC --peer-mac MAC [-x N]
                   [--combos tcp:4,xtcp:4,xtcp:6] [CASE...]

Cases: PAWS rejects an old TSval; D-SACK for duplicate data (below and
above RCV.NXT); SACK blocks after holes; zero-window probes back off and
the transfer resumes when the window opens; the peer's window-scale
shift 14 is honoured and the SUT announces 14 with a 1 GiB tcp_rmem; a
malformed-option zoo (truncated, bad, zero and overlong lengths, huge
MSS and window scale, MSS 0 and 1) leaves the SUT working with the byte
stream intact.

Native TCP runs first and must pass; where native and xtcp are meant to
differ (xtcp drops a segment with malformed options, RFC 9293 3.1 and
issue 4; Linux parses up to the bad option and keeps the segment), the
case says which behaviour it expects of which stack.

Counters: read from /proc/net/netstat (native) and /proc/net/xtcp/snmp
(xtcp) in the SUT namespace; where the xtcp file does not exist yet the
counter check is a SKIP that says so.
"""
import os
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True	# the checkout is shared with the host
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# pylint: disable=wrong-import-position
from peer import (IPPROTO_XTCP, TCP, Env, Fail, Peer, T, exit_now,
                  flags_of, fmt, handshake_in, optdict, peer_args, read_exact,
                  run_case, syn_opts, u32, SYN_OFFERS, tcp_state)


def counter(proto, key):
    """A TcpExt/Tcp counter of the SUT's stack, or None if not readable.

    Native: /proc/net/netstat and /proc/net/snmp.  xtcp: its own file,
    /proc/net/xtcp/snmp, in the same "Group: names / Group: values"
    layout (or "Name value" lines)."""
    if proto == IPPROTO_XTCP:
        files = ['/proc/net/xtcp/snmp', '/proc/net/xtcp/netstat']
    else:
        files = ['/proc/net/netstat', '/proc/net/snmp']
    for path in files:
        try:
            with open(path) as f:
                lines = f.read().splitlines()
        except OSError:
            continue
        for i, line in enumerate(lines):
            w = line.split()
            if len(w) == 2 and w[0].rstrip(':') == key:
                return int(w[1])
            if key in w[1:] and i + 1 < len(lines):
                vals = lines[i + 1].split()
                if vals and vals[0] == w[0]:
                    return int(vals[w.index(key)])
    return None


def sacks(seg):
    """SACK blocks of a segment as [(start, end), ...]."""
    if seg is None:
        return None
    v = optdict(seg).get('SAck')
    if v is None:
        return []
    return [(v[i], v[i + 1]) for i in range(0, len(v) - 1, 2)]


def recv_ack(p, want_ack=None, timeout=1.0):
    """The next pure ACK (or the first with ack == want_ack)."""
    end = time.time() + timeout
    last = None
    while time.time() < end:
        seg = p.recv(max(end - time.time(), 0.01))
        if seg is None:
            break
        last = seg
        if want_ack is None or seg[TCP].ack == u32(want_ack):
            return seg
    return last


def setup(env, fam, proto, offer='all'):
    p = Peer(env, fam, proto)
    ls, a, sa = handshake_in(p, offer)
    p.sut_nxt = u32(sa[TCP].seq + 1)
    return p, ls, a


def data(p, off, n, **kw):
    """Send n bytes at p.snd_nxt + off (pattern by stream offset)."""
    base = p.stream_base if hasattr(p, 'stream_base') else p.snd_nxt
    pay = bytes((u32(p.snd_nxt + off - base) + i) & 0xff for i in range(n))
    p.send('PA', seq=u32(p.snd_nxt + off), payload=pay, **kw)
    return pay


def pattern(start, n):
    return bytes((start + i) & 0xff for i in range(n))


def write_all(s, blob):
    """Write @blob from a thread (a blocking sendall(): the send buffer
    may hold less than @blob)."""
    s.setblocking(True)
    t = threading.Thread(target=lambda: s.sendall(blob), daemon=True)
    t.start()
    return t


# ---- cases -----------------------------------------------------------

def case_paws(env, fam, proto):
    """RFC 7323 5.3: a segment whose TSval is older than TS.Recent is
    dropped (and answered with a duplicate ACK); PAWSEstab counts it;
    the same data with a current TSval is then accepted."""
    p, ls, a = setup(env, fam, proto)
    p.send('PA', payload=b'first')
    p.snd_nxt = u32(p.snd_nxt + 5)
    ack = recv_ack(p, p.snd_nxt)
    T.ok(ack is not None and ack[TCP].ack == p.snd_nxt,
         'data with a current TSval is ACKed', fmt(ack))
    before = counter(proto, 'PAWSEstab')
    good = p.tsval
    p.tsval = u32(good - 100000)	# older, well inside 2^31
    p.send('PA', payload=b'stale')
    p.tsval = good
    rep = p.recv(0.5)
    T.ok(rep is not None and rep[TCP].ack == p.snd_nxt and
         len(rep[TCP].payload) == 0,
         'old TSval: segment dropped, duplicate ACK still acks only the '
         'first data', fmt(rep))
    after = counter(proto, 'PAWSEstab')
    if before is None or after is None:
        T.skip('PAWSEstab counter', 'no %s counter file in this build' %
               ('/proc/net/xtcp/snmp' if proto == IPPROTO_XTCP else
                '/proc/net/netstat'))
    else:
        T.ok(after == before + 1, 'PAWSEstab counted it (%d -> %d)' %
             (before, after))
    p.send('PA', payload=b'fresh')
    p.snd_nxt = u32(p.snd_nxt + 5)
    ack = recv_ack(p, p.snd_nxt)
    T.ok(ack is not None and ack[TCP].ack == p.snd_nxt,
         'the same bytes with a current TSval are ACKed', fmt(ack))
    got = read_exact(a, 10)
    T.ok(got == b'firstfresh', 'reader sees "firstfresh" (%r)' % got)
    a.close()
    ls.close()
    p.send('R', opts=[])


def case_dsack(env, fam, proto):
    """RFC 2883: duplicate data draws a D-SACK block: below RCV.NXT the
    first block is the duplicate; above it (a duplicate of out-of-order
    data) the duplicate comes first, then the block containing it."""
    p, ls, a = setup(env, fam, proto)
    s0 = p.snd_nxt
    p.send('PA', payload=pattern(0, 100))
    p.snd_nxt = u32(s0 + 100)
    ack = recv_ack(p, p.snd_nxt)
    T.ok(ack is not None and ack[TCP].ack == p.snd_nxt,
         '100 bytes ACKed', fmt(ack))
    p.send('PA', seq=s0, payload=pattern(0, 100))	# duplicate
    rep = recv_ack(p, p.snd_nxt)
    want = [(s0, u32(s0 + 100))]
    T.ok(rep is not None and rep[TCP].ack == p.snd_nxt and
         sacks(rep)[:1] == want,
         'duplicate below RCV.NXT: ACK with D-SACK %s' % want,
         '%s sacks=%s' % (fmt(rep), sacks(rep)))
    # hole [100, 200), out-of-order [200, 300) twice
    s2 = u32(s0 + 200)
    p.send('PA', seq=s2, payload=pattern(200, 100))
    rep = recv_ack(p, p.snd_nxt)
    T.ok(rep is not None and sacks(rep) == [(s2, u32(s2 + 100))],
         'out-of-order data: SACK block [200, 300)',
         '%s sacks=%s' % (fmt(rep), sacks(rep)))
    time.sleep(0.05)
    p.send('PA', seq=s2, payload=pattern(200, 100))
    rep = recv_ack(p, p.snd_nxt)
    want = [(s2, u32(s2 + 100)), (s2, u32(s2 + 100))]
    T.ok(rep is not None and sacks(rep)[:2] == want,
         'duplicate above RCV.NXT: D-SACK block, then the SACK block',
         '%s sacks=%s' % (fmt(rep), sacks(rep)))
    p.send('PA', seq=u32(s0 + 100), payload=pattern(100, 100))
    p.snd_nxt = u32(s0 + 300)
    rep = recv_ack(p, p.snd_nxt)
    T.ok(rep is not None and rep[TCP].ack == p.snd_nxt and not sacks(rep),
         'hole filled: ACK 300, no SACK blocks',
         '%s sacks=%s' % (fmt(rep), sacks(rep)))
    got = read_exact(a, 300)
    T.ok(got == pattern(0, 300), 'reader sees the 300 bytes in order')
    a.close()
    ls.close()
    p.send('R', opts=[])


def case_sack_holes(env, fam, proto):
    """RFC 2018 4: after holes, each ACK lists the block with the newest
    segment first, then the other blocks most recent first, at most 3
    with timestamps; filling holes drops the blocks that reach RCV.NXT."""
    p, ls, a = setup(env, fam, proto)
    s0 = p.snd_nxt

    def blk(x, y):
        return (u32(s0 + x), u32(s0 + y))

    p.send('PA', payload=pattern(0, 100))
    ack = recv_ack(p, s0 + 100)
    T.ok(ack is not None and ack[TCP].ack == u32(s0 + 100),
         'in-order data ACKed', fmt(ack))
    steps = [
        (200, [blk(200, 300)]),
        (400, [blk(400, 500), blk(200, 300)]),
        (600, [blk(600, 700), blk(400, 500), blk(200, 300)]),
        (800, [blk(800, 900), blk(600, 700), blk(400, 500)]),
    ]
    for off, want in steps:
        p.send('PA', seq=u32(s0 + off), payload=pattern(off, 100))
        rep = recv_ack(p, s0 + 100)
        T.ok(rep is not None and rep[TCP].ack == u32(s0 + 100) and
             sacks(rep) == want,
             'segment [%d, %d) after holes: ack 100, SACK %s' %
             (off, off + 100, [(x - s0 & 0xffffffff, y - s0 & 0xffffffff)
                               for x, y in want]),
             '%s sacks=%s' % (fmt(rep), sacks(rep)))
    # [300, 400) joins [200, 300) and [400, 500) into [200, 500)
    p.send('PA', seq=u32(s0 + 300), payload=pattern(300, 100))
    rep = recv_ack(p, s0 + 100)
    T.ok(rep is not None and sacks(rep) is not None and
         sacks(rep)[:1] == [blk(200, 500)] and
         set(sacks(rep)) == {blk(200, 500), blk(600, 700), blk(800, 900)},
         'filling between two blocks merges them, merged block first',
         '%s sacks=%s' % (fmt(rep), sacks(rep)))
    # fill [100, 200): everything to 500 in order
    p.send('PA', seq=u32(s0 + 100), payload=pattern(100, 100))
    rep = recv_ack(p, s0 + 500)
    T.ok(rep is not None and rep[TCP].ack == u32(s0 + 500) and
         set(sacks(rep)) == {blk(600, 700), blk(800, 900)},
         'first hole filled: ack 500, blocks [600, 700) [800, 900) remain',
         '%s sacks=%s' % (fmt(rep), sacks(rep)))
    for off in (500, 700):
        p.send('PA', seq=u32(s0 + off), payload=pattern(off, 100))
    p.snd_nxt = u32(s0 + 900)
    rep = recv_ack(p, p.snd_nxt)
    T.ok(rep is not None and rep[TCP].ack == p.snd_nxt and not sacks(rep),
         'all holes filled: ack 900, no SACK', '%s sacks=%s' %
         (fmt(rep), sacks(rep)))
    got = read_exact(a, 900)
    T.ok(got == pattern(0, 900), 'reader sees the 900 bytes in order')
    a.close()
    ls.close()
    p.send('R', opts=[])


def receive_all(p, total, start, timeout=10.0):
    """Mini receiver: accept in-order data from the SUT, ACK it with an
    open window, until @total bytes past @start."""
    got = b''
    end = time.time() + timeout
    while len(got) < total and time.time() < end:
        seg = p.recv(0.5)
        if seg is None:
            p.send('A', win=512)	# nudge
            continue
        t = seg[TCP]
        n = len(t.payload)
        if n and t.seq == p.rcv_nxt:
            got += bytes(t.payload)
            p.rcv_nxt = u32(p.rcv_nxt + n)
        if n:
            p.send('A', win=512)
    return got


def case_zero_window(env, fam, proto):
    """RFC 9293 3.8.6.1: with a zero window the sender probes, the
    interval backing off exponentially (Linux: RTO << backoff); the
    transfer resumes in full when the window opens."""
    p, ls, a = setup(env, fam, proto)
    total = 60000
    blob = pattern(0, total)
    a.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    write_all(a, blob)
    start = p.rcv_nxt
    # take the first flight, then close the window
    got = b''
    while True:
        seg = p.recv(0.15)
        if seg is None:
            break
        t = seg[TCP]
        if len(t.payload) and t.seq == p.rcv_nxt:
            got += bytes(t.payload)
            p.rcv_nxt = u32(p.rcv_nxt + len(t.payload))
    T.ok(0 < len(got) < total, 'first flight: %d bytes' % len(got))
    p.send('A', win=0)
    una = p.rcv_nxt
    probes = []
    t0 = time.time()
    while time.time() - t0 < 6.5 and len(probes) < 2:
        seg = p.recv(6.5 - (time.time() - t0))
        if seg is None:
            break
        t = seg[TCP]
        if len(t.payload) and u32(t.seq + len(t.payload) - una) > 1 << 30:
            continue	# a late retransmission of the first flight
        probes.append((time.time() - t0, t.seq, len(t.payload), seg))
        p.send('A', win=0)	# answered, window still zero
    desc = '\n'.join('%.3f s: %s' % (x[0], fmt(x[3])) for x in probes)
    okseq = all((s == u32(una - 1) and n == 0) or (s == una and n <= 1)
                for _, s, n, _ in probes)
    T.ok(len(probes) >= 2 and okseq,
         'zero window: %d probes, each at SND.UNA-1 (or one byte)'
         % len(probes), desc)
    # the timer starts at our zero-window ACK (time 0): two probes give
    # two intervals, RTO and RTO << 1
    when = [0.0] + [x[0] for x in probes]
    gaps = [when[i + 1] - when[i] for i in range(len(when) - 1)]
    backoff = len(gaps) >= 2 and gaps[0] >= 0.15 and all(
        gaps[i + 1] >= 1.5 * gaps[i] for i in range(len(gaps) - 1))
    T.ok(backoff, 'probe intervals back off (%s s)' %
         ', '.join('%.2f' % g for g in gaps), desc)
    T.ok(tcp_state(a) == 'ESTABLISHED', 'still ESTABLISHED while probing')
    # open the window (64 KiB): the rest arrives intact
    p.send('A', win=512)
    got += receive_all(p, total - len(got), start)
    T.ok(got == blob, 'window opens: all %d bytes arrive in order (%d)' %
         (total, len(got)))
    a.close()
    ls.close()
    p.send('R', opts=[])


def case_wscale14(env, fam, proto):
    """RFC 7323 2.3: the peer's shift 14 scales its window field (1 ->
    16384 bytes); and with a 1 GiB tcp_rmem the SUT announces 14."""
    p = Peer(env, fam, proto)
    ls = p.sut_listen()
    offer = [('MSS', p.mss), ('SAckOK', b''), ('Timestamp', None),
             ('NOP', None), ('WScale', 14)]
    opts = syn_opts(p, offer)
    p.send('S', opts=opts, win=65535)
    p.snd_nxt = u32(p.snd_nxt + 1)
    sa = p.recv()
    if sa is None or flags_of(sa) != 'SA':
        raise Fail('no SYN-ACK: %s' % fmt(sa))
    p.rcv_nxt = u32(sa[TCP].seq + 1)
    p.send('A', win=1)	# 1 << 14 = 16384 bytes
    ls.settimeout(3)
    a, _ = ls.accept()
    a.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    blob = pattern(0, 100000)
    write_all(a, blob)
    # flight 1: cwnd (10 segments) < 16384
    got = b''
    while True:
        seg = p.recv(0.4)
        if seg is None:
            break
        t = seg[TCP]
        if len(t.payload) and t.seq == p.rcv_nxt:
            got += bytes(t.payload)
            p.rcv_nxt = u32(p.rcv_nxt + len(t.payload))
    first = len(got)
    p.send('A', win=1)
    # flight 2: the window (16384), not cwnd (now about 20 segments),
    # limits what is in flight beyond our ACK; take it in order, unACKed
    una = p.rcv_nxt
    beyond = 0
    while True:
        seg = p.recv(0.5)
        if seg is None:
            break
        t = seg[TCP]
        e = u32(t.seq + len(t.payload) - una)
        if len(t.payload) and e < 1 << 30:
            beyond = max(beyond, e)
        if len(t.payload) and t.seq == p.rcv_nxt:
            got += bytes(t.payload)
            p.rcv_nxt = u32(p.rcv_nxt + len(t.payload))
    T.ok(first <= 16384, 'first flight within 16384 bytes (%d)' % first)
    # shift 13 would allow 8192 bytes, 15 (invalid) 32768
    T.ok(8192 < beyond <= 16384,
         'window field 1 with shift 14: %d bytes beyond the ACK, more '
         'than 8192 and at most 16384' % beyond)
    # release the rest: window field 4 = 64 KiB
    rest = b''
    p.send('A', win=4)
    end = time.time() + 10
    while len(got) + len(rest) < len(blob) and time.time() < end:
        seg = p.recv(0.5)
        if seg is None:
            p.send('A', win=4)
            continue
        t = seg[TCP]
        n = len(t.payload)
        if n and t.seq == p.rcv_nxt:
            rest += bytes(t.payload)
            p.rcv_nxt = u32(p.rcv_nxt + n)
        p.send('A', win=4)
    T.ok(got + rest == blob, 'all 100000 bytes arrive in order (%d)' %
         (len(got) + len(rest)))
    a.close()
    ls.close()
    p.send('R', opts=[])


def case_wscale14_announce(env, fam, proto):
    """With tcp_rmem[2] = 1 GiB the SUT announces shift 14 (Linux:
    ilog2(max(tcp_rmem[2], rmem_max)) - 15, at most 14)."""
    paths = ['/proc/sys/net/ipv4/tcp_rmem']
    if proto == IPPROTO_XTCP:
        paths.append('/proc/sys/net/xtcp/tcp_rmem')
    saved = {}
    for path in paths:
        try:
            with open(path) as f:
                saved[path] = f.read()
            with open(path, 'w') as f:
                f.write('4096 131072 1073741824')
        except OSError as e:
            T.diag('cannot set %s: %s' % (path, e))
    try:
        p = Peer(env, fam, proto)
        ls = p.sut_listen()
        p.send('S', opts=syn_opts(p, SYN_OFFERS['all'][0]))
        sa = p.recv()
        d = optdict(sa) if sa is not None else {}
        T.ok(sa is not None and d.get('WScale') == 14,
             'SYN-ACK announces window scale 14 (%s)' % d.get('WScale'),
             fmt(sa))
        p.send('R', seq=p.iss + 1, opts=[])
        ls.close()
    finally:
        for path, v in saved.items():
            with open(path, 'w') as f:
                f.write(v)


# Option lists on an established connection (timestamps not negotiated,
# so only the option bytes decide): raw bytes, a multiple of 4, in a data
# segment at RCV.NXT; malformed unless marked good.
ZOO = [
    ('truncated TS (kind, no length byte)', b'\x01\x01\x01\x08', False),
    ('TS with length 9', b'\x08\x09' + b'\x00' * 7 + b'\x01\x01\x01', False),
    ('TS length runs past the option space',
     b'\x01\x01\x08\x28' + b'\x00' * 8, False),
    ('zero-length option (kind 30, length 0)', b'\x1e\x00\x01\x01', False),
    ('length-1 option (kind 30, length 1)', b'\x1e\x01\x01\x01', False),
    ('MSS with length 3 on data', b'\x02\x03\x05\x01', False),
    ('SACK with length 7', b'\x05\x07' + b'\x00' * 5 + b'\x01', False),
    ('SACK with length 3', b'\x05\x03\x00\x01', False),
    ('unknown option of length 255', b'\xfe\xff\x00\x00', False),
    ('unknown option kind 30 length 4 (good: skipped)',
     b'\x1e\x04\x00\x00', True),
    ('options after EOL (good: ignored)', b'\x00\x08\x01\x02', True),
]


def send_raw_opts(p, raw, pay):
    seg = p.build('PA', opts=[], payload=raw + pay)
    seg[TCP].dataofs = (20 + len(raw)) // 4
    p.env.pkt.send(bytes(seg))


def case_option_zoo(env, fam, proto):
    """Malformed options on an established connection: xtcp drops the
    segment (issue 4: truncated options and bad lengths are dropped);
    Linux parses up to the bad option and keeps the data.  Well-formed
    unknown options are skipped by both.  Either way the SUT stays up,
    the stream stays intact once the bytes come again with good
    options, and nothing leaks (kmemleak in the debug run)."""
    p, ls, a = setup(env, fam, proto, 'no-ts')
    stream = b''
    dropped = 0
    for i, (name, raw, good) in enumerate(ZOO):
        pay = pattern(i * 50, 50)
        send_raw_opts(p, raw, pay)
        rep = p.recv(0.3)
        advanced = rep is not None and rep[TCP].ack == u32(p.snd_nxt + 50)
        if good:
            T.ok(advanced, '%s: data accepted' % name, fmt(rep))
        elif proto == IPPROTO_XTCP:
            T.ok(not advanced, '%s: segment dropped (not ACKed)' % name,
                 fmt(rep))
        else:
            T.diag('native, %s: %s' % (name, 'data accepted' if advanced
                                        else 'segment dropped'))
        dropped += not advanced
        if not advanced:	# the same bytes with good options
            p.send('PA', payload=pay)
        p.snd_nxt = u32(p.snd_nxt + 50)
        stream += pay
        ack = rep if advanced else recv_ack(p, p.snd_nxt)
        if not advanced:
            T.ok(ack is not None and ack[TCP].ack == p.snd_nxt,
                 '%s: the same bytes with good options are then ACKed' %
                 name, fmt(ack))
    T.ok(tcp_state(a) == 'ESTABLISHED', 'connection survives the zoo (%s)' %
         tcp_state(a))
    got = read_exact(a, len(stream))
    T.ok(got == stream, 'stream intact after the zoo (%d of %d bytes)' %
         (len(got), len(stream)))
    T.diag('%d of %d segments dropped' % (dropped, len(ZOO)))
    a.close()
    ls.close()
    p.send('R', opts=[])


def case_syn_options(env, fam, proto):
    """Extreme values in a SYN, handled as Linux does: MSS 65535 and
    window scale 255 (used as 14, RFC 7323 2.3) connect; MSS 1 is raised
    to tcp_min_snd_mss (48), MSS 0 means the default (536)."""
    for name, offer, maxseg in [
            ('MSS 65535, WScale 255', [('MSS', 65535), ('NOP', None),
                                       ('WScale', 255)], None),
            ('MSS 1', [('MSS', 1)], 48),
            ('MSS 0', [('MSS', 0)], 536 if fam == 4 else 1220)]:
        p = Peer(env, fam, proto)
        ls = p.sut_listen()
        p.ts = False
        p.send('S', opts=offer, win=65535)
        p.snd_nxt = u32(p.snd_nxt + 1)
        sa = p.recv()
        if not T.ok(sa is not None and flags_of(sa) == 'SA',
                    '%s: SYN-ACK' % name, fmt(sa)):
            ls.close()
            continue
        p.rcv_nxt = u32(sa[TCP].seq + 1)
        p.send('A', win=65535)
        ls.settimeout(3)
        try:
            a, _ = ls.accept()
        except OSError as e:
            T.ok(False, '%s: accept()' % name, repr(e))
            ls.close()
            continue
        a.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        blob = pattern(0, 2000)
        write_all(a, blob)
        got = b''
        lens = []
        end = time.time() + 5
        while len(got) < len(blob) and time.time() < end:
            seg = p.recv(0.5)
            if seg is None:
                continue
            t = seg[TCP]
            if len(t.payload):
                lens.append(len(t.payload))
            if len(t.payload) and t.seq == p.rcv_nxt:
                got += bytes(t.payload)
                p.rcv_nxt = u32(p.rcv_nxt + len(t.payload))
                p.send('A', win=65535)
        okseg = maxseg is None or (lens and max(lens) <= maxseg)
        T.ok(got == blob and okseg,
             '%s: 2000 bytes arrive%s (segments %s)' %
             (name, '' if maxseg is None else
              ' in segments of at most %d' % maxseg, lens[:8]),
             'got %d bytes, segment sizes %s' % (len(got), lens))
        a.close()
        ls.close()
        p.send('R', opts=[])


CASES = [
    ('paws', case_paws),
    ('dsack', case_dsack),
    ('sack-holes', case_sack_holes),
    ('zero-window', case_zero_window),
    ('wscale14', case_wscale14),
    ('wscale14-announce', case_wscale14_announce),
    ('option-zoo', case_option_zoo),
    ('syn-options', case_syn_options),
]

# The cases with no RTO or probe timer to wait for.
QUICK = ['paws', 'dsack', 'sack-holes', 'wscale14-announce', 'option-zoo']


def main():
    ap = peer_args(13)
    ap.add_argument('--combos', default='tcp:4:quick,xtcp:4,xtcp:6:quick',
                    help='stack:family[:quick], quick: %s' % ' '.join(QUICK))
    ap.add_argument('cases', nargs='*')
    a = ap.parse_args()
    env = Env(a)
    # bursts of a whole window must not overflow the packet socket
    env.pkt.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)	# SO_RCVBUFFORCE
    print('TAP version 13')
    for combo in a.combos.split(','):
        pname, fam = combo.split(':')[:2]
        quick = combo.endswith(':quick')
        proto = IPPROTO_XTCP if pname == 'xtcp' else 0
        for name, fn in CASES:
            if a.cases and name not in a.cases:
                continue
            if quick and name not in QUICK:
                continue
            run_case(env, 'v%s %s %s: ' % (fam, pname, name), fn, int(fam),
                     proto, timed=True)
    return T.plan()


if __name__ == '__main__':
    exit_now(main())
