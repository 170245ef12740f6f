#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A scripted TCP peer: crafted segments in, exact segments out.

  peer.py --sut NS --peer NS --sut-mac MAC --peer-mac MAC [-x N]
          [--protos 0,253] [--families 4,6] [CASE...]

The system under test (SUT) is the namespace NS with 10.N.0.1 and
fd00:N::1 on veth0, and static neighbours 10.N.0.9 / fd00:N::9 pointing at
the peer side of the veth.  The peer namespace does not own .9, so its
kernel drops whatever the SUT sends there; this script reads those frames
with an AF_PACKET socket and writes its own, so every segment the SUT sees
from .9 is crafted here, and every segment it sends back is checked:
flags, seq/ack, window and options.

One process does both sides: the packet socket is opened in the peer
namespace, then the process moves to the SUT namespace for its sockets.
Each case runs for every protocol in --protos (0: native TCP, which must
pass; 253: xtcp) and prints TAP.  A case whose SUT socket cannot even be
set up (EOPNOTSUPP, EPROTONOSUPPORT from xtcp) is a SKIP.
"""
import argparse
import errno
import os
import random
import select
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True	# keep the checkout clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# pylint: disable=wrong-import-position
from nstap import IPPROTO_XTCP, TCP_INFO, T, setns  # noqa: E402,F401

# scapy imports the cryptography package for TLS layers these cases never
# use; without it scapy starts in about half the time, which is most of a
# scripted-peer script's fixed cost in the debug kernel under emulation.
sys.modules.setdefault('cryptography', None)
from scapy.layers.inet import IP, TCP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
STATES = {1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 4: 'FIN_WAIT1',
          5: 'FIN_WAIT2', 6: 'TIME_WAIT', 7: 'CLOSE', 8: 'CLOSE_WAIT',
          9: 'LAST_ACK', 10: 'LISTEN', 11: 'CLOSING'}


class Skip(Exception):
    pass


class Fail(Exception):
    pass


def u32(x):
    return x & 0xffffffff


def optnames(seg):
    return [o[0] for o in seg[TCP].options]


def optdict(seg):
    return {o[0]: o[1] for o in seg[TCP].options}


def fmt(seg):
    if seg is None:
        return 'nothing'
    t = seg[TCP]
    return '%s seq=%d ack=%d win=%d len=%d opts=%s' % (
        t.sprintf('%flags%'), t.seq, t.ack, t.window, len(t.payload),
        t.options)


class Env:
    """The link: a packet socket in the peer namespace, sockets in the SUT."""

    def __init__(self, a):
        self.x = a.x
        self.sut_mac = a.sut_mac
        self.peer_mac = a.peer_mac
        setns(a.peer)
        self.pkt = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                 socket.htons(ETH_P_ALL))
        self.pkt.bind(('veth0', 0))
        setns(a.sut)
        # Linux: ilog2(max(tcp_rmem[2], rmem_max)) - 15, within 0..14
        with open('/proc/sys/net/ipv4/tcp_rmem') as f:
            space = int(f.read().split()[2])
        with open('/proc/sys/net/core/rmem_max') as f:
            space = max(space, int(f.read()))
        self.wscale = min(max(space.bit_length() - 1 - 15, 0), 14)
        self.port = 30000 + random.randrange(0, 5000)

    def next_port(self):
        self.port += 1
        return self.port

    def drain(self):
        while select.select([self.pkt], [], [], 0)[0]:
            self.pkt.recv(65536)


class Peer:
    """One connection as seen from the scripted end."""

    def __init__(self, env, fam, proto, sport=None, dport=None):
        self.env = env
        self.fam = fam
        self.proto = proto
        x = env.x
        if fam == 4:
            self.sut_ip, self.peer_ip = '10.%d.0.1' % x, '10.%d.0.9' % x
            self.mss = 1460
        else:
            self.sut_ip, self.peer_ip = 'fd00:%d::1' % x, 'fd00:%d::9' % x
            self.mss = 1440
        self.sport = sport or env.next_port()	# peer's port
        self.dport = dport or env.next_port()	# SUT's port
        self.iss = random.randrange(1 << 32)
        self.snd_nxt = self.iss
        self.rcv_nxt = 0
        self.tsval = random.randrange(1 << 30)
        self.ts_recent = 0
        self.ts = True
        self.ctl_seen = set()

    # --- SUT side ---
    def sut_socket(self):
        f = socket.AF_INET if self.fam == 4 else socket.AF_INET6
        try:
            s = socket.socket(f, socket.SOCK_STREAM, self.proto)
        except OSError as e:
            if self.proto == IPPROTO_XTCP and e.errno in (
                    errno.EPROTONOSUPPORT, errno.EOPNOTSUPP):
                raise Skip('xtcp socket(): %s' % e.strerror)
            raise
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.check_proto(s)
        return s

    def check_proto(self, s):
        """The SUT socket is on the stack under test."""
        got = s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)
        if got != (self.proto or socket.IPPROTO_TCP):
            raise Fail('SUT socket has SO_PROTOCOL %d, not %d' %
                       (got, self.proto or socket.IPPROTO_TCP))

    def sut_op(self, what, fn, *args):
        try:
            return fn(*args)
        except OSError as e:
            if self.proto == IPPROTO_XTCP and e.errno in (
                    errno.EOPNOTSUPP, errno.EPROTONOSUPPORT):
                raise Skip('xtcp %s: %s (not implemented yet)' %
                           (what, e.strerror))
            if e.errno == errno.EINPROGRESS:
                return None
            raise

    def sut_listen(self):
        s = self.sut_socket()
        self.sut_op('bind()', s.bind, (self.sut_ip, self.dport))
        self.sut_op('listen()', s.listen, 8)
        return s

    def sut_connect(self):
        s = self.sut_socket()
        s.setblocking(False)
        self.sut_op('bind()', s.bind, (self.sut_ip, self.dport))
        self.sut_op('connect()', s.connect, (self.peer_ip, self.sport))
        return s

    # --- wire ---
    def build(self, flags, seq=None, ack=None, win=64240, opts=None,
              payload=b''):
        if seq is None:
            seq = self.snd_nxt
        if ack is None:
            ack = self.rcv_nxt if 'A' in flags else 0
        if opts is None:
            opts = []
            if self.ts:
                self.tsval += 1
                opts = [('NOP', None), ('NOP', None),
                        ('Timestamp', (self.tsval, self.ts_recent))]
        ip = (IP(src=self.peer_ip, dst=self.sut_ip) if self.fam == 4 else
              IPv6(src=self.peer_ip, dst=self.sut_ip))
        return (Ether(src=self.env.peer_mac, dst=self.env.sut_mac) / ip /
                TCP(sport=self.sport, dport=self.dport, flags=flags,
                    seq=u32(seq), ack=u32(ack), window=win, options=opts) /
                payload)

    def send(self, flags, **kw):
        pkt = self.build(flags, **kw)
        self.env.pkt.send(bytes(pkt))
        return pkt

    def recv(self, timeout=2.0):
        """The next segment of this connection from the SUT, or None.

        Retransmissions of a SYN, SYN-ACK or FIN already seen are skipped:
        under emulation the SUT's 1 s RTO can fire between two steps.
        """
        end = time.time() + timeout
        while True:
            left = end - time.time()
            if left <= 0:
                return None
            if not select.select([self.env.pkt], [], [], left)[0]:
                return None
            data, addr = self.env.pkt.recvfrom(65536)
            if addr[2] == PACKET_OUTGOING:
                continue
            e = Ether(data)
            l3 = IP if self.fam == 4 else IPv6
            if l3 not in e or TCP not in e:
                continue
            if e[l3].src != self.sut_ip or e[l3].dst != self.peer_ip:
                continue
            t = e[TCP]
            if t.sport != self.dport or t.dport != self.sport:
                continue
            if t.flags & 0x03:	# SYN or FIN
                key = (int(t.flags), t.seq, t.ack, len(t.payload))
                if key in self.ctl_seen:
                    continue
                self.ctl_seen.add(key)
            d = optdict(e)
            if 'Timestamp' in d:
                self.ts_recent = d['Timestamp'][0]
            return e

    def expect_none(self, timeout=0.5):
        return self.recv(timeout)


def flags_of(seg):
    return seg[TCP].sprintf('%flags%') if seg is not None else None


def tcp_state(s):
    info = s.getsockopt(socket.IPPROTO_TCP, TCP_INFO, 104)
    return STATES.get(info[0], str(info[0]))


def wait_state(s, want, timeout=2.0):
    end = time.time() + timeout
    while True:
        st = tcp_state(s)
        if st == want or time.time() > end:
            return st
        time.sleep(0.01)


def in_time_wait(p):
    """TIME_WAIT for this 4-tuple in the SUT's /proc/net/tcp{,6}?"""
    def hexaddr(ip, port):
        if p.fam == 4:
            raw = socket.inet_pton(socket.AF_INET, ip)
            return '%08X:%04X' % (struct.unpack('=I', raw)[0], port)
        raw = socket.inet_pton(socket.AF_INET6, ip)
        return ''.join('%08X' % w for w in struct.unpack('=4I', raw)) + \
            ':%04X' % port
    want_l = hexaddr(p.sut_ip, p.dport)
    want_r = hexaddr(p.peer_ip, p.sport)
    with open('/proc/net/tcp' if p.fam == 4 else '/proc/net/tcp6') as f:
        for line in f:
            w = line.split()
            if len(w) > 3 and w[1] == want_l and w[2] == want_r and \
                    w[3] == '06':
                return True
    return False


# Expected SYN-ACK option layouts, as Linux 6.12 builds them with default
# sysctls (tcp_timestamps=1, tcp_sack=1, tcp_window_scaling=1), by what the
# peer's SYN offered.
SYN_OFFERS = {
    # name: (peer's SYN options, expected SYN-ACK option layout)
    'all': ([('MSS', None), ('SAckOK', b''), ('Timestamp', None),
             ('NOP', None), ('WScale', 7)],
            ['MSS', 'SAckOK', 'Timestamp', 'NOP', 'WScale']),
    'no-ts': ([('MSS', None), ('NOP', None), ('NOP', None), ('SAckOK', b''),
               ('NOP', None), ('WScale', 7)],
              ['MSS', 'NOP', 'NOP', 'SAckOK', 'NOP', 'WScale']),
    'ts-only': ([('MSS', None), ('NOP', None), ('NOP', None),
                 ('Timestamp', None)],
                ['MSS', 'NOP', 'NOP', 'Timestamp']),
    'mss-only': ([('MSS', None)], ['MSS']),
    'none': ([], ['MSS']),
}


def syn_opts(p, offer):
    out = []
    for k, v in offer:
        if k == 'MSS':
            v = p.mss
        elif k == 'Timestamp':
            p.tsval += 1
            v = (p.tsval, 0)
        out.append((k, v))
    return out


def handshake_in(p, offer='all'):
    """Peer opens to a SUT listener; returns (listener, accepted, synack)."""
    ls = p.sut_listen()
    opts = syn_opts(p, SYN_OFFERS[offer][0])
    p.ts = any(k == 'Timestamp' for k, _ in opts)
    p.send('S', opts=opts, win=64240)
    p.snd_nxt = u32(p.snd_nxt + 1)
    sa = p.recv()
    if sa is None or flags_of(sa) != 'SA':
        raise Fail('no SYN-ACK to our SYN: got %s' % fmt(sa))
    p.rcv_nxt = u32(sa[TCP].seq + 1)
    p.send('A')
    ls.settimeout(3)
    a, _ = ls.accept()
    p.check_proto(a)
    return ls, a, sa


# ---- cases -----------------------------------------------------------

def case_synack(env, fam, proto):
    """Option negotiation: each option in the SYN-ACK iff offered."""
    for offer, (_, layout) in SYN_OFFERS.items():
        p = Peer(env, fam, proto)
        ls = p.sut_listen()
        opts = syn_opts(p, SYN_OFFERS[offer][0])
        p.send('S', opts=opts)
        sa = p.recv()
        p.send('R', seq=p.iss + 1, opts=[])
        ls.close()
        if not T.ok(sa is not None and flags_of(sa) == 'SA',
                    'offer %s: SYN-ACK' % offer, fmt(sa)):
            continue
        t = sa[TCP]
        d = optdict(sa)
        T.ok(t.ack == u32(p.iss + 1), 'offer %s: SYN-ACK acks ISS+1' % offer,
             fmt(sa))
        T.ok(optnames(sa) == layout,
             'offer %s: option layout %s' % (offer, ' '.join(layout)),
             'got %s' % t.options)
        T.ok(d.get('MSS') == p.mss, 'offer %s: MSS %d' % (offer, p.mss),
             fmt(sa))
        if 'WScale' in layout:
            T.ok(d.get('WScale') == env.wscale, 'offer %s: WScale %d' %
                 (offer, env.wscale), fmt(sa))
        if 'Timestamp' in layout:
            T.ok(d['Timestamp'][1] == p.tsval,
                 'offer %s: TSecr echoes our TSval' % offer, fmt(sa))
        # The SYN-ACK window is never scaled: the largest multiple of the
        # segment size that fits 16 bits.
        mss_used = p.mss - (12 if 'Timestamp' in layout else 0)
        want = 65535 // mss_used * mss_used
        T.ok(t.window == want, 'offer %s: SYN-ACK window %d' %
             (offer, want), fmt(sa))


def case_options_used(env, fam, proto):
    """After the handshake: TS on every segment iff negotiated, window
    scaled iff negotiated, MSS respected."""
    for offer in ('all', 'no-ts', 'mss-only'):
        p = Peer(env, fam, proto)
        ls, a, sa = handshake_in(p, offer)
        a.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        a.send(b'x' * 3000)
        segs = []
        while True:
            s = p.recv(1.0)
            if s is None:
                break
            segs.append(s)
            if sum(len(x[TCP].payload) for x in segs) >= 3000:
                break
        lens = [len(x[TCP].payload) for x in segs]
        ts = 'Timestamp' in SYN_OFFERS[offer][1]
        mss_used = p.mss - (12 if ts else 0)
        T.ok(sum(lens) == 3000 and max(lens) <= mss_used and
             lens[0] == mss_used,
             'offer %s: 3000 bytes in segments of at most %d' %
             (offer, mss_used), 'segment sizes %s' % lens)
        T.ok(all(('Timestamp' in optdict(x)) == ts for x in segs) and segs,
             'offer %s: timestamps on data segments %s' %
             (offer, 'present' if ts else 'absent'),
             '\n'.join(fmt(x) for x in segs))
        T.ok(all('SAckOK' not in optdict(x) and 'MSS' not in optdict(x)
                 for x in segs) and segs,
             'offer %s: no SYN-only options on data' % offer)
        ws = 'WScale' in SYN_OFFERS[offer][1]
        # window field: scaled by 2^7 when WS was negotiated
        w = segs[0][TCP].window if segs else -1
        if ws:
            T.ok(0 < w < 65535 // 64, 'offer %s: window field is scaled '
                 '(%d << 7 = %d)' % (offer, w, w << 7), fmt(segs[0]))
        else:
            T.ok(w > 10000, 'offer %s: window field is unscaled (%d)' %
                 (offer, w), fmt(segs[0]) if segs else 'no segments')
        a.close()
        ls.close()
        p.send('R', opts=[])


def case_simopen(env, fam, proto):
    """Crossed SYNs: SYN_SENT + SYN -> SYN-ACK (same ISN) -> ESTABLISHED."""
    p = Peer(env, fam, proto)
    s = p.sut_connect()
    syn = p.recv()
    if not T.ok(syn is not None and flags_of(syn) == 'S',
                'SUT sends SYN', fmt(syn)):
        s.close()
        return
    x = syn[TCP].seq
    T.ok(tcp_state(s) == 'SYN_SENT', 'SUT is SYN_SENT (%s)' % tcp_state(s))
    # our own SYN crosses it
    p.rcv_nxt = u32(x + 1)
    opts = syn_opts(p, SYN_OFFERS['all'][0])
    p.send('S', opts=opts)
    p.snd_nxt = u32(p.iss + 1)
    sa = p.recv()
    T.ok(sa is not None and flags_of(sa) == 'SA' and sa[TCP].seq == x and
         sa[TCP].ack == p.snd_nxt,
         'crossed SYN draws SYN-ACK with the same ISN, ack = our ISS+1',
         fmt(sa))
    st = wait_state(s, 'SYN_RECV', 1.0)
    T.ok(st == 'SYN_RECV', 'SUT is SYN_RECV (%s)' % st)
    # and our SYN-ACK completes it
    p.send('SA', seq=p.iss, ack=x + 1, opts=opts)
    st = wait_state(s, 'ESTABLISHED', 2.0)
    T.ok(st == 'ESTABLISHED', 'SUT is ESTABLISHED after our SYN-ACK (%s)'
         % st)
    r, w, _ = select.select([], [s], [], 2.0)
    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    T.ok(w and err == 0, 'connect() completes: writable, SO_ERROR 0 (%d)'
         % err)
    extra = p.recv(0.3)
    if extra is not None and flags_of(extra) == 'A' and \
            len(extra[TCP].payload) == 0:
        extra = p.recv(0.3)
    T.ok(extra is None, 'nothing more than an ACK after ESTABLISHED',
         fmt(extra))
    p.ts = True
    p.send('PA', payload=b'hello')
    p.snd_nxt = u32(p.snd_nxt + 5)
    ack = p.recv()
    T.ok(ack is not None and ack[TCP].ack == p.snd_nxt and
         ack[TCP].seq == u32(x + 1),
         'data after simultaneous open is ACKed', fmt(ack))
    s.setblocking(True)
    s.settimeout(2)
    try:
        data = s.recv(100)
    except OSError as e:
        data = repr(e)
    T.ok(data == b'hello', 'SUT reads the data (%r)' % (data,))
    s.close()
    p.send('R', opts=[])


def case_synsent_bad_ack(env, fam, proto):
    """SYN_SENT: a SYN-ACK or ACK acking something we never sent (an old
    duplicate) draws <SEQ=SEG.ACK><CTL=RST> and the connect goes on."""
    p = Peer(env, fam, proto)
    s = p.sut_connect()
    syn = p.recv()
    if not T.ok(syn is not None and flags_of(syn) == 'S', 'SUT sends SYN',
                fmt(syn)):
        s.close()
        return
    x = syn[TCP].seq
    bad = u32(x + 100000)
    opts = syn_opts(p, SYN_OFFERS['all'][0])
    p.send('SA', seq=p.iss, ack=bad, opts=opts)
    rst = p.recv()
    T.ok(rst is not None and flags_of(rst) == 'R' and rst[TCP].seq == bad,
         'old duplicate SYN-ACK: RST with seq = its ACK, no ACK flag',
         fmt(rst))
    st = tcp_state(s)
    T.ok(st == 'SYN_SENT', 'SUT stays SYN_SENT (%s)' % st)
    bad2 = u32(x - 5)
    p.send('A', seq=p.iss + 1, ack=bad2, opts=[])
    rst = p.recv()
    T.ok(rst is not None and flags_of(rst) == 'R' and rst[TCP].seq == bad2,
         'bare ACK with a bad ack: RST with seq = its ACK', fmt(rst))
    p.send('SA', seq=p.iss, ack=x + 1, opts=opts)
    p.snd_nxt = u32(p.iss + 1)
    ack = p.recv()
    T.ok(ack is not None and flags_of(ack) == 'A' and
         ack[TCP].seq == u32(x + 1) and ack[TCP].ack == p.snd_nxt,
         'the real SYN-ACK is then ACKed', fmt(ack))
    st = wait_state(s, 'ESTABLISHED')
    T.ok(st == 'ESTABLISHED', 'SUT is ESTABLISHED (%s)' % st)
    s.close()
    p.send('R', seq=p.snd_nxt, opts=[])


def case_timewait_fin(env, fam, proto):
    """TIME_WAIT re-ACKs a retransmitted FIN."""
    p = Peer(env, fam, proto)
    ls, a, sa = handshake_in(p)
    sut_nxt = u32(sa[TCP].seq + 1)
    a.close()	# SUT is the active closer
    fin = p.recv()
    T.ok(fin is not None and flags_of(fin) == 'FA' and
         fin[TCP].seq == sut_nxt and fin[TCP].ack == p.snd_nxt,
         'SUT close() sends FIN', fmt(fin))
    p.rcv_nxt = u32(sut_nxt + 1)
    p.send('A')
    none = p.expect_none(0.3)
    T.ok(none is None, 'nothing in reply to the ACK of its FIN', fmt(none))
    p.send('FA')
    ack = p.recv()
    T.ok(ack is not None and flags_of(ack) == 'A' and
         ack[TCP].seq == p.rcv_nxt and ack[TCP].ack == u32(p.snd_nxt + 1),
         'our FIN is ACKed', fmt(ack))
    T.ok(in_time_wait(p), 'SUT has the 4-tuple in TIME_WAIT')
    time.sleep(0.2)
    p.send('FA')	# retransmitted FIN, later timestamp
    p.snd_nxt = u32(p.snd_nxt + 1)
    ack2 = p.recv()
    T.ok(ack2 is not None and flags_of(ack2) == 'A' and
         ack2[TCP].seq == p.rcv_nxt and ack2[TCP].ack == p.snd_nxt,
         'TIME_WAIT re-ACKs the retransmitted FIN', fmt(ack2))
    if ack is not None and ack2 is not None:
        T.ok(optnames(ack2) == optnames(ack),
             'the re-ACK carries the same options (%s)' %
             ' '.join(optnames(ack2)), fmt(ack2))
    T.ok(in_time_wait(p), 'still TIME_WAIT afterwards')
    ls.close()


def case_rst(env, fam, proto):
    """RFC 5961 3.2: in-window RST -> challenge ACK; exact RST resets;
    out-of-window RST is ignored."""
    p = Peer(env, fam, proto)
    ls, a, sa = handshake_in(p)
    sut_nxt = u32(sa[TCP].seq + 1)
    p.send('R', seq=p.snd_nxt + 1000000000, opts=[])
    none = p.expect_none(0.3)
    T.ok(none is None, 'out-of-window RST: no reply', fmt(none))
    p.send('R', seq=p.snd_nxt + 100, opts=[])
    ch = p.recv()
    T.ok(ch is not None and flags_of(ch) == 'A' and
         ch[TCP].seq == sut_nxt and ch[TCP].ack == p.snd_nxt and
         len(ch[TCP].payload) == 0,
         'in-window RST (seq = RCV.NXT+100): challenge ACK', fmt(ch))
    st = tcp_state(a)
    T.ok(st == 'ESTABLISHED', 'connection survives it (%s)' % st)
    # data still flows
    p.send('PA', payload=b'still here')
    p.snd_nxt = u32(p.snd_nxt + 10)
    ack = p.recv()
    T.ok(ack is not None and ack[TCP].ack == p.snd_nxt,
         'data after the challenge is ACKed', fmt(ack))
    a.settimeout(2)
    T.ok(a.recv(100) == b'still here', 'and read')
    # in-window SYN on an established connection: challenge ACK too
    time.sleep(0.6)	# tcp_invalid_ratelimit (500 ms) between challenges
    p.send('S', seq=p.snd_nxt + 50, opts=[])
    ch = p.recv()
    T.ok(ch is not None and flags_of(ch) == 'A' and
         ch[TCP].seq == sut_nxt and ch[TCP].ack == p.snd_nxt,
         'SYN on an established connection: challenge ACK (RFC 5961 4)',
         fmt(ch))
    st = tcp_state(a)
    T.ok(st == 'ESTABLISHED', 'connection survives it (%s)' % st)
    # exact RST
    p.send('R', seq=p.snd_nxt, opts=[])
    none = p.expect_none(0.3)
    T.ok(none is None, 'exact RST: no reply', fmt(none))
    try:
        d = a.recv(100)
        res = 'read %r' % d
    except OSError as e:
        res = e.errno
    T.ok(res == errno.ECONNRESET, 'exact RST: read() is ECONNRESET (%s)' %
         (os.strerror(res) if isinstance(res, int) else res))
    st = tcp_state(a)
    T.ok(st == 'CLOSE', 'SUT socket is CLOSE (%s)' % st)
    a.close()
    ls.close()


def case_closed_port(env, fam, proto):
    """A SYN to a port with no listener gets RST|ACK (ECONNREFUSED)."""
    p = Peer(env, fam, proto)
    # a socket of the protocol exists, so the module is involved
    s = p.sut_socket()
    opts = syn_opts(p, SYN_OFFERS['all'][0])
    p.send('S', opts=opts)
    rst = p.recv()
    T.ok(rst is not None and flags_of(rst) == 'RA' and rst[TCP].seq == 0 and
         rst[TCP].ack == u32(p.iss + 1) and rst[TCP].window == 0,
         'SYN to a closed port: RST|ACK seq 0 ack ISS+1 win 0', fmt(rst))
    s.close()


CASES = [
    ('synack-options', case_synack),
    ('options-in-use', case_options_used),
    ('closed-port', case_closed_port),
    ('simultaneous-open', case_simopen),
    ('syn-sent-bad-ack', case_synsent_bad_ack),
    ('time-wait-fin', case_timewait_fin),
    ('rst-validation', case_rst),
]


def peer_args(x=8):
    """The command line every scripted-peer script shares: the link."""
    ap = argparse.ArgumentParser()
    ap.add_argument('--sut', required=True)
    ap.add_argument('--peer', required=True)
    ap.add_argument('--sut-mac', required=True)
    ap.add_argument('--peer-mac', required=True)
    ap.add_argument('-x', type=int, default=x)
    return ap


def read_exact(s, n, timeout=3.0):
    """Up to @n bytes from socket @s, less on EOF, error or @timeout."""
    s.settimeout(timeout)
    out = b''
    try:
        while len(out) < n:
            d = s.recv(n - len(out))
            if not d:
                break
            out += d
    except OSError:
        pass
    return out


def run_case(env, prefix, fn, fam, proto, timed=False):
    """One case for one stack and family: its results are named after
    @prefix; Skip, Fail and socket errors become results too."""
    T.prefix = prefix
    env.drain()
    t0 = time.time()
    try:
        fn(env, fam, proto)
    except Skip as e:
        T.skip('', str(e))
    except Fail as e:
        T.ok(False, 'setup', str(e))
    except OSError as e:
        T.ok(False, 'socket error', repr(e))
    if timed:
        T.diag('%s took %.1f s' % (prefix.rstrip(': '), time.time() - t0))


def run_cases(env, cases, protos, families, only=(), timed=False):
    """Every case of @cases (name, fn) not excluded by @only, for every
    protocol (native first: it validates the expectations) and family."""
    for proto in [int(x) for x in protos.split(',')]:
        pname = 'xtcp' if proto == IPPROTO_XTCP else 'tcp'
        for fam in [int(x) for x in families.split(',')]:
            for name, fn in cases:
                if only and name not in only:
                    continue
                run_case(env, 'v%d %s %s: ' % (fam, pname, name), fn, fam,
                         proto, timed)


def matrix_main(cases, x):
    """main() of a script of cases run for each stack and family."""
    ap = peer_args(x)
    ap.add_argument('--protos', default='0,253')
    ap.add_argument('--families', default='4,6')
    ap.add_argument('cases', nargs='*')
    a = ap.parse_args()
    env = Env(a)
    print('TAP version 13')
    run_cases(env, cases, a.protos, a.families, a.cases)
    return T.plan()


def exit_now(rc):
    """Exit without the interpreter's teardown of scapy's modules:
    seconds under emulation, for nothing (the kernel closes the
    sockets)."""
    sys.stdout.flush()
    os._exit(rc)


if __name__ == '__main__':
    exit_now(matrix_main(CASES, 8))
