#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""SYN cookies against a scripted peer (peer.py) and a real client.

  syncookies.py --sut NS --peer NS --sut-mac MAC --peer-mac MAC -x N
                [--protos 0,253] [--families 4,6] [--flood N] [CASE...]

Same link as scripted.sh: the SUT namespace owns 10.N.0.1 / fd00:N::1,
the scripted peer speaks as .9 / ::9 through an AF_PACKET socket in the
peer namespace, which also owns .2 / ::2 for a real (native) client.
Each case runs for native TCP (proto 0, the control: it must pass) and
xtcp (253), in IPv4 and IPv6, with the stack's own tcp_syncookies knob:

  handshake   tcp_syncookies=2: the SYN-ACK comes without a request sock,
              the ACK of its ISN creates the connection, accept() returns
              it, data flows; the cookie carries the MSS (rounded down to
              the cookie table) and, in the TSval, window scale and SACK:
              the server then honours the peer's scale and sends SACK
  no-ts       tcp_syncookies=2, SYN without timestamps: the SYN-ACK offers
              MSS only, and the connection has no scale, SACK or TS
  forged      ACKs with a forged cookie, a cookie of another 4-tuple and
              a wrong sequence number get a RST and count SyncookiesFailed;
              the genuine ACK still works afterwards
  flood       tcp_syncookies=1, listen backlog 2, a flood of SYNs: cookies
              are sent (counted, warned once), a real client still connects
  drop        tcp_syncookies=0, SYN queue full: a SYN gets nothing and is
              counted in TCPReqQFullDrop

Counters come from /proc/net/netstat (TcpExt) for native TCP and from
/proc/net/xtcp/snmp (XtcpExt) for xtcp; where that file does not exist
the counter checks are SKIPped, never passed.
"""
import time
_T0 = time.time()
import errno  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import struct  # noqa: E402
import sys  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer import (IPPROTO_XTCP, TCP, Env, Fail, Peer, T,  # noqa: E402
                  exit_now, flags_of, fmt, optdict, optnames, peer_args,
                  run_case, setns, u32)

ARGS = None

# Cookie MSS tables (Linux's, and xtcp's): the largest entry <= the MSS.
MSSTAB = {4: [536, 1300, 1440, 1460], 6: [1220, 1420, 1440, 8940]}


def table_mss(fam, mss):
    best = MSSTAB[fam][0]
    for m in MSSTAB[fam]:
        if mss >= m:
            best = m
    return best


def knob(proto):
    if proto == IPPROTO_XTCP:
        return '/proc/sys/net/xtcp/tcp_syncookies'
    return '/proc/sys/net/ipv4/tcp_syncookies'


def set_syncookies(proto, val):
    with open(knob(proto), 'w') as f:
        f.write('%d\n' % val)
    with open(knob(proto)) as f:
        if int(f.read()) != val:
            raise Fail('%s did not take %d' % (knob(proto), val))


def counters(proto):
    """The SUT namespace's TcpExt (native) / XtcpExt (xtcp) counters, or
    None when this build has no counter file."""
    path, group = '/proc/net/netstat', 'TcpExt:'
    if proto == IPPROTO_XTCP:
        path, group = '/proc/net/xtcp/snmp', 'XtcpExt:'
    try:
        with open(path) as f:
            lines = [ln.split() for ln in f]
    except FileNotFoundError:
        return None
    rows = [ln for ln in lines if ln and ln[0] == group]
    if len(rows) < 2:
        return None
    return dict(zip(rows[0][1:], (int(v) for v in rows[1][1:])))


def check_counters(proto, before, want, what):
    """want: {name: (min, max)} increase since @before."""
    after = counters(proto)
    if before is None or after is None:
        T.skip('counters: ' + what, 'no counter file for this stack '
               '(/proc/net/xtcp/snmp)')
        return
    got = {k: after.get(k, -1) - before.get(k, 0) for k in want}
    good = all(k in after and lo <= got[k] <= hi
               for k, (lo, hi) in want.items())
    T.ok(good, 'counters: %s (%s)' % (what, ' '.join(
        '%s+%d' % (k, got[k]) for k in sorted(want))),
        'want %s' % want)


def dmesg_has(text):
    """Is @text in the kernel log?  Read from /dev/kmsg: no fork."""
    want = text.encode()
    fd = os.open('/dev/kmsg', os.O_RDONLY | os.O_NONBLOCK)
    try:
        while True:
            try:
                rec = os.read(fd, 8192)
            except BlockingIOError:
                return False
            except BrokenPipeError:	# overwritten while we read
                continue
            if want in rec:
                return True
    finally:
        os.close(fd)


def syn_recv_for(p):
    """A request sock (SYN_RECV, 03) for this 4-tuple in /proc/net/tcp*?"""
    if p.fam == 4:
        raw = socket.inet_pton(socket.AF_INET, p.sut_ip)
        loc = '%08X:%04X' % (struct.unpack('=I', raw)[0], p.dport)
        raw = socket.inet_pton(socket.AF_INET, p.peer_ip)
        rem = '%08X:%04X' % (struct.unpack('=I', raw)[0], p.sport)
        path = '/proc/net/tcp'
    else:
        raw = socket.inet_pton(socket.AF_INET6, p.sut_ip)
        loc = ''.join('%08X' % w for w in struct.unpack('=4I', raw)) + \
            ':%04X' % p.dport
        raw = socket.inet_pton(socket.AF_INET6, p.peer_ip)
        rem = ''.join('%08X' % w for w in struct.unpack('=4I', raw)) + \
            ':%04X' % p.sport
        path = '/proc/net/tcp6'
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) > 3 and w[1] == loc and w[2] == rem and w[3] == '03':
                return True
    return False


def full_opts(p, mss):
    p.tsval += 1
    return [('MSS', mss), ('SAckOK', b''), ('Timestamp', (p.tsval, 0)),
            ('NOP', None), ('WScale', 7)]


def recv_data(p, want, timeout=1.0):
    """Data segments from the SUT until @want bytes or a quiet @timeout."""
    segs, seen = [], set()
    while sum(len(s[TCP].payload) for s in segs) < want:
        s = p.recv(timeout)
        if s is None:
            break
        if len(s[TCP].payload) and s[TCP].seq not in seen:
            seen.add(s[TCP].seq)
            segs.append(s)
    return segs


def recv_pure_ack(p, timeout=1.5):
    """The next segment without payload (skipping data retransmissions)."""
    end = time.time() + timeout
    while time.time() < end:
        s = p.recv(end - time.time())
        if s is None:
            return None
        if not len(s[TCP].payload):
            return s
    return None


def cookie_synack(p, opts):
    """Send a SYN, return the SYN-ACK (a cookie one, with the knob at 2)."""
    p.send('S', opts=opts, win=40)
    p.snd_nxt = u32(p.iss + 1)
    sa = p.recv()
    if sa is None or flags_of(sa) != 'SA':
        raise Fail('no SYN-ACK to our SYN: got %s' % fmt(sa))
    return sa


def accept_now(ls, timeout):
    ls.settimeout(timeout)
    try:
        a, _ = ls.accept()
        return a
    except (socket.timeout, BlockingIOError):
        return None


# ---- cases -------------------------------------------------------------

def case_handshake(env, fam, proto):
    set_syncookies(proto, 2)
    p = Peer(env, fam, proto)
    ls = p.sut_listen()
    c0 = counters(proto)
    mss = table_mss(fam, 1400)	# 1300 (v4), 1220 (v6): not what we sent
    sa = cookie_synack(p, full_opts(p, 1400))
    T.ok(sa[TCP].ack == p.snd_nxt, 'SYN-ACK acks ISS+1', fmt(sa))
    T.ok(optnames(sa) == ['MSS', 'SAckOK', 'Timestamp', 'NOP', 'WScale'],
         'a cookie SYN-ACK still offers MSS, SACK, TS, WS',
         'got %s' % sa[TCP].options)
    T.ok(not syn_recv_for(p), 'no request sock is kept for it')
    check_counters(proto, c0, {'SyncookiesSent': (1, 1),
                               'SyncookiesRecv': (0, 0)}, 'cookie sent')

    c1 = counters(proto)
    p.rcv_nxt = u32(sa[TCP].seq + 1)
    p.send('A', win=40)
    a = accept_now(ls, 3)
    if not T.ok(a is not None, 'the ACK of the cookie completes the '
                'handshake: accept() returns'):
        ls.close()
        return
    p.check_proto(a)
    check_counters(proto, c1, {'SyncookiesRecv': (1, 1),
                               'SyncookiesFailed': (0, 0)}, 'cookie taken')

    p.send('PA', payload=b'hello', win=40)
    p.snd_nxt = u32(p.snd_nxt + 5)
    ack = recv_pure_ack(p)
    T.ok(ack is not None and ack[TCP].ack == p.snd_nxt, 'data is ACKed',
         fmt(ack))
    a.settimeout(2)
    T.ok(a.recv(100) == b'hello', 'and read by the server')

    # The peer's window scale (7) survived: a window field of 40 means
    # 5120 bytes (half of which, 2560, still exceeds the MSS: senders
    # bound segments to half the largest window seen).  The MSS is the
    # table's.
    a.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    a.send(b'x' * 20000)
    # Stop once the window is full to within a segment (a sender need
    # not send the last, short one).
    segs = recv_data(p, 5120 - (mss - 12) + 1, 1.0)
    lens = [len(s[TCP].payload) for s in segs]
    T.ok(segs and max(lens) == mss - 12,
         'MSS from the cookie: %d, less timestamps' % mss,
         'segment sizes %s' % lens)
    T.ok(mss - 12 < sum(lens) <= 5120,
         "peer's window scale survived: %d bytes in a window of 40 << 7"
         % sum(lens), 'segment sizes %s' % lens)
    T.ok(segs and all('Timestamp' in optdict(s) for s in segs),
         'timestamps on every data segment')
    w = segs[0][TCP].window if segs else -1
    T.ok(0 < w < 65535 >> 6, 'server window field is scaled (%d)' % w)

    # SACK-permitted survived: a hole draws a SACK block.  (After the
    # data above, so that no SACK option shortens those segments.)
    p.send('PA', seq=p.snd_nxt + 100, payload=b'y' * 50, win=40)
    dup = recv_pure_ack(p)
    blk = optdict(dup).get('SAck') if dup is not None else None
    T.ok(dup is not None and dup[TCP].ack == p.snd_nxt and
         blk == (u32(p.snd_nxt + 100), u32(p.snd_nxt + 150)),
         'SACK survived the cookie: out-of-order data is SACKed',
         fmt(dup))
    a.close()
    ls.close()
    p.send('R', seq=p.snd_nxt, opts=[])


def case_no_ts(env, fam, proto):
    set_syncookies(proto, 2)
    p = Peer(env, fam, proto)
    ls = p.sut_listen()
    p.ts = False
    opts = [('MSS', p.mss), ('NOP', None), ('NOP', None), ('SAckOK', b''),
            ('NOP', None), ('WScale', 7)]
    sa = cookie_synack(p, opts)
    T.ok(optnames(sa) == ['MSS'],
         'without timestamps a cookie SYN-ACK offers MSS only',
         'got %s' % sa[TCP].options)
    p.rcv_nxt = u32(sa[TCP].seq + 1)
    p.send('A', win=20000)
    a = accept_now(ls, 3)
    if not T.ok(a is not None, 'accept() returns'):
        ls.close()
        return
    p.send('PA', seq=p.snd_nxt + 100, payload=b'y' * 50, win=20000)
    dup = recv_pure_ack(p)
    T.ok(dup is not None and dup[TCP].ack == p.snd_nxt and
         'SAck' not in optdict(dup),
         'no SACK: out-of-order data draws a plain duplicate ACK', fmt(dup))
    a.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    a.send(b'x' * 3000)
    segs = recv_data(p, 3000, 1.0)
    lens = [len(s[TCP].payload) for s in segs]
    T.ok(segs and max(lens) == table_mss(fam, p.mss) and
         all('Timestamp' not in optdict(s) for s in segs),
         'data in full-MSS segments without timestamps',
         'segment sizes %s' % lens)
    w = segs[0][TCP].window if segs else -1
    T.ok(w > 10000, 'server window field is unscaled (%d)' % w)
    a.close()
    ls.close()
    p.send('R', seq=p.snd_nxt, opts=[])


def case_forged(env, fam, proto):
    set_syncookies(proto, 2)
    p = Peer(env, fam, proto)
    ls = p.sut_listen()
    ls.setblocking(False)
    sa = cookie_synack(p, full_opts(p, p.mss))
    cookie = sa[TCP].seq
    p.rcv_nxt = u32(cookie + 1)

    def refused(what, seg_kw, sport=None):
        c0 = counters(proto)
        q = p
        if sport is not None:
            q = Peer(env, fam, proto, sport=sport, dport=p.dport)
            q.tsval, q.ts_recent = p.tsval, p.ts_recent
        q.send('A', **seg_kw)
        rst = q.recv(1.0)
        T.ok(rst is not None and flags_of(rst) == 'R' and
             rst[TCP].seq == seg_kw['ack'],
             '%s: RST with seq = its ACK' % what, fmt(rst))
        check_counters(proto, c0, {'SyncookiesFailed': (1, 1),
                                   'SyncookiesRecv': (0, 0)}, what)
        T.ok(accept_now(ls, 0.05) is None, '%s: nothing to accept' % what)

    refused('forged cookie', dict(seq=p.snd_nxt, ack=u32(cookie + 1 +
                                                         0x1000)))
    refused('cookie of another 4-tuple', dict(seq=p.snd_nxt,
                                              ack=u32(cookie + 1)),
            sport=env.next_port())
    refused('wrong sequence number', dict(seq=u32(p.snd_nxt + 0x10000),
                                          ack=u32(cookie + 1)))
    p.send('A', ack=u32(cookie + 1))
    a = accept_now(ls, 3)
    T.ok(a is not None, 'the genuine ACK still completes the handshake')
    if a is not None:
        a.close()
    ls.close()
    p.send('R', seq=p.snd_nxt, opts=[])


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def flood(p, n):
    """@n SYNs to the SUT port from random ports of the scripted address,
    built from one scapy template by patching port, seq and checksum."""
    tmpl = bytearray(bytes(p.build('S', opts=full_opts(p, p.mss))))
    l3 = 14 + (20 if p.fam == 4 else 40)
    tcp_len = len(tmpl) - l3
    if p.fam == 4:
        pseudo = bytes(tmpl[26:34]) + struct.pack('!BBH', 0, 6, tcp_len)
    else:
        pseudo = bytes(tmpl[22:54]) + struct.pack('!IxxxB', tcp_len, 6)
    ports = random.sample(range(20000, 60000), n)
    for port in ports:
        struct.pack_into('!H', tmpl, l3, port)
        struct.pack_into('!I', tmpl, l3 + 4, random.randrange(1 << 32))
        struct.pack_into('!H', tmpl, l3 + 16, 0)
        struct.pack_into('!H', tmpl, l3 + 16,
                         csum(pseudo + bytes(tmpl[l3:])))
        p.env.pkt.send(bytes(tmpl))


def peer_socket(fam):
    """A native socket in the peer namespace (the real client)."""
    setns(ARGS.peer)
    try:
        return socket.socket(socket.AF_INET if fam == 4 else socket.AF_INET6,
                             socket.SOCK_STREAM)
    finally:
        setns(ARGS.sut)


def case_flood(env, fam, proto):
    set_syncookies(proto, 1)
    p = Peer(env, fam, proto)
    ls = p.sut_socket()
    ls.bind((p.sut_ip, p.dport))
    ls.listen(2)
    c0 = counters(proto)
    n = ARGS.flood
    t0 = time.time()
    flood(p, n)
    time.sleep(0.3)
    T.diag('%d SYNs sent in %.2f s' % (n, time.time() - t0))
    check_counters(proto, c0, {'SyncookiesSent': (n // 2, n),
                               'TCPReqQFullDoCookies': (n // 2, n)},
                   'the flood is answered with cookies')
    if fam == 4:
        where = '%s:%d' % (p.sut_ip, p.dport)
    else:
        where = '[%s]:%d' % (p.sut_ip, p.dport)
    T.ok(dmesg_has('Possible SYN flooding on port %s. Sending cookies.'
                   % where), 'warned: Possible SYN flooding on port %s. '
         'Sending cookies.' % where)

    c1 = counters(proto)
    client_ip = ('10.%d.0.2' if fam == 4 else 'fd00:%d::2') % env.x
    c = peer_socket(fam)
    c.settimeout(5)
    try:
        c.connect((p.sut_ip, p.dport))
        err = None
    except OSError as e:
        err = e
    T.ok(err is None, 'a real client connects during the flood', repr(err))
    a = accept_now(ls, 5) if err is None else None
    T.ok(a is not None, 'and is accepted')
    if a is not None:
        T.ok(a.getpeername()[0] == client_ip, 'from %s' % client_ip,
             a.getpeername())
        msg = os.urandom(30000)
        c.sendall(msg)
        a.settimeout(5)
        got = b''
        while len(got) < len(msg):
            d = a.recv(65536)
            if not d:
                break
            got += d
        a.sendall(got[::-1])
        back = b''
        while len(back) < len(msg):
            d = c.recv(65536)
            if not d:
                break
            back += d
        T.ok(got == msg and back == msg[::-1],
             'data flows both ways (%d bytes)' % len(msg))
        a.close()
        check_counters(proto, c1, {'SyncookiesRecv': (1, 1)},
                       'the client came in on a cookie')
    c.close()
    ls.close()


def case_drop(env, fam, proto):
    set_syncookies(proto, 0)
    p = Peer(env, fam, proto)
    ls = p.sut_socket()
    ls.bind((p.sut_ip, p.dport))
    ls.listen(2)
    flood(p, 8)
    time.sleep(0.2)
    env.drain()
    c0 = counters(proto)
    q = Peer(env, fam, proto, dport=p.dport)
    q.send('S', opts=full_opts(q, q.mss))
    sa = q.recv(0.5)
    T.ok(sa is None, 'SYN queue full, tcp_syncookies=0: the SYN gets '
         'nothing', fmt(sa))
    check_counters(proto, c0, {'TCPReqQFullDrop': (1, 1),
                               'ListenDrops': (1, 1),
                               'SyncookiesSent': (0, 0)}, 'dropped')
    where = ('%s:%d' if fam == 4 else '[%s]:%d') % (p.sut_ip, p.dport)
    T.ok(dmesg_has('Possible SYN flooding on port %s. Dropping request.'
                   % where), 'warned: ... %s. Dropping request.' % where)
    ls.close()
    set_syncookies(proto, 1)


def check_knob(proto):
    """Default 1 in a new namespace; xtcp refuses values past 2 (Linux
    takes any u8, so the native stack is not held to that)."""
    with open(knob(proto)) as f:
        v = int(f.read())
    T.ok(v == 1, 'tcp_syncookies is 1 in a new namespace (%d)' % v)
    if proto != IPPROTO_XTCP:
        return
    for bad in ('3', '-1'):
        try:
            with open(knob(proto), 'w') as f:
                f.write(bad + '\n')
            err = 0
        except OSError as e:
            err = e.errno
        with open(knob(proto)) as f:
            v = int(f.read())
        T.ok(err == errno.EINVAL and v == 1,
             'writing %s fails with EINVAL and changes nothing (%s, %d)' %
             (bad, os.strerror(err) if err else 'no error', v))


CASES = [
    ('handshake', case_handshake),
    ('no-ts', case_no_ts),
    ('forged', case_forged),
    ('flood', case_flood),
    ('drop', case_drop),
]


def main():
    global ARGS
    ap = peer_args(13)
    ap.add_argument('--protos', default='0,253')
    ap.add_argument('--families', default='4,6')
    ap.add_argument('--flood', type=int, default=200)
    ap.add_argument('cases', nargs='*')
    a = ap.parse_args()
    ARGS = a
    env = Env(a)
    print('TAP version 13')
    T.diag('start-up (python, scapy) took %.1f s' % (time.time() - _T0))
    for proto in [int(x) for x in a.protos.split(',')]:
        pname = 'xtcp' if proto == IPPROTO_XTCP else 'tcp'
        T.prefix = '%s knob: ' % pname
        try:
            check_knob(proto)
        except OSError as e:
            T.ok(False, 'sysctl', repr(e))
        for fam in [int(x) for x in a.families.split(',')]:
            for name, fn in CASES:
                if a.cases and name not in a.cases:
                    continue
                run_case(env, 'v%d %s %s: ' % (fam, pname, name), fn, fam,
                         proto, timed=True)
            try:
                set_syncookies(proto, 1)
            except OSError:
                pass
    return T.plan()


if __name__ == '__main__':
    exit_now(main())
