#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Path MTU discovery and black-hole detection (issue 4).

  pmtu.py -C NS -R NS -S NS -x X -y Y [--stacks tcp,xtcp]
          [--families 4,6] [--big BYTES] [--small BYTES] [--phases ...]

Topology (pmtu.sh builds it): client C (the stack under test) -- router
R -- server S (always native TCP).  C-R is 10.X.0.0/24 / fd00:X::/64 with
MTU 1500; R-S is 10.Y.0.0/24 / fd00:Y::/64.  S answers on 10.Y.0.10+i /
fd00:Y::10+i, one address per case so that no case starts with a PMTU
another one learned; C routes 10.Y.0.1x/32 (fd00:Y::1x/128) via R with
rto_min --rto-min s, everything else via R with the default RTO.

For each stack (native first: it must pass, which validates the
expectations against Linux) and family:

phase icmp (R-S MTU 1280, R sends ICMP "fragmentation needed" / ICMPv6
"packet too big"): --big bytes go from C to S and must arrive intact
(SHA-256), after which tcpi_pmtu is 1280 and tcpi_snd_mss is 1280 minus
the IP, TCP and timestamp headers.  The first window, sent in segments
too large for the path, must be repaired by the ICMP reaction: all of it
acknowledged within 0.7 * --rto-min of the first send, with the route's
RTO at --rto-min s or more, no RTO at all during the transfer
(TCPTimeouts unchanged), and ssthresh still "infinite" at the first ACK (no congestion response).
IPv4 runs with GSO/TSO on at C (resent GSO skbs must be re-cut to the new
MSS), IPv6 with them off (every too-large segment in flight must be
resent, not only the head).

phase blackhole (the same 1280-byte path, but its ICMP errors never
reach C: see blackhole(); C's tcp_retries1 = 0 and GSO off): with
tcp_mtu_probing=1 --small bytes must arrive intact, after RTOs
(TCPTimeouts grew), with tcpi_snd_mss lowered to fit 1280 bytes and not
below tcp_base_mss's 1024 (native then probes upwards, xtcp stays at
1024).  The control: with tcp_mtu_probing=0 (IPv4 only) nothing is
acknowledged within 2.5 s.

phase sysctl: tcp_mtu_probing, tcp_mtu_probe_floor, tcp_probe_threshold,
tcp_probe_interval, tcp_base_mss and tcp_min_snd_mss refuse what
net.ipv4's refuse (EINVAL), keep their value, and start at net.ipv4's
defaults.
"""
import argparse
import ctypes
import errno
import hashlib
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback

IPPROTO_XTCP = 253
CLONE_NEWNET = 0x40000000
TCP_INFO = 11
INFINITE_SSTHRESH = 0x7fffffff
IP_MTU_DISCOVER = 10
IP_PMTUDISC_DO = 2
libc = ctypes.CDLL(None, use_errno=True)
N = 0
FAILED = 0


def tap(cond, msg, detail=''):
    global N, FAILED
    N += 1
    if not cond:
        FAILED += 1
    print('%sok %d %s' % ('' if cond else 'not ', N, msg))
    if detail and not cond:
        for line in str(detail).splitlines():
            print('# ' + line)
    sys.stdout.flush()


def diag(msg):
    print('# ' + msg)
    sys.stdout.flush()


def setns(name):
    fd = os.open('/run/netns/' + name, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), 'setns ' + name)
    finally:
        os.close(fd)


def tcp_info(s):
    b = s.getsockopt(socket.IPPROTO_TCP, TCP_INFO, 136)
    u32 = lambda o: struct.unpack_from('I', b, o)[0]
    return {'state': b[0], 'ca_state': b[1], 'rto': u32(8),
            'snd_mss': u32(16), 'pmtu': u32(60), 'ssthresh': u32(76),
            'cwnd': u32(80), 'total_retrans': u32(100),
            'bytes_acked': struct.unpack_from('Q', b, 120)[0]}


def counter(stack, key):
    """TcpExt (native) or XtcpExt (xtcp) counter of this thread's netns."""
    path = ('/proc/thread-self/net/netstat' if stack == 'tcp'
            else '/proc/thread-self/net/xtcp/snmp')
    with open(path) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        w = line.split()
        if w and w[0] in ('TcpExt:', 'XtcpExt:') and key in w[1:] and \
                i + 1 < len(lines):
            return int(lines[i + 1].split()[w.index(key)])
    raise KeyError(key)


def sysctl_path(stack, knob):
    return '/proc/sys/net/%s/%s' % ('ipv4' if stack == 'tcp' else 'xtcp',
                                    knob)


def sysctl_w(stack, knob, val):
    """0 or the errno of the write (this thread's netns)."""
    fd = os.open(sysctl_path(stack, knob), os.O_WRONLY)
    try:
        os.write(fd, (str(val) + '\n').encode())
        return 0
    except OSError as e:
        return e.errno
    finally:
        os.close(fd)


def sysctl_r(stack, knob):
    with open(sysctl_path(stack, knob)) as f:
        return f.read().strip()


def offload(ns, dev, on):
    setns(ns)
    v = 'on' if on else 'off'
    subprocess.run(['ethtool', '-K', dev, 'tso', v, 'gso', v],
                   check=True, stdout=subprocess.DEVNULL)


def blackhole(a):
    """Make R's ICMP errors vanish; the path stays 1280 bytes.  Without
    a packet filter (the debug kernel has none): IPv4 "fragmentation
    needed" is never rate-limited, so C ignores it (ip_no_pmtu_disc=2;
    the sockets set IP_PMTUDISC_DO to keep DF); ICMPv6 "packet too big"
    is put under R's rate limit, at one per hour per destination.
    """
    for ns, k, v in ((a.C, 'net.ipv4.ip_no_pmtu_disc', '2'),
                     (a.R, 'net.ipv6.icmp.ratemask', '0-127'),
                     (a.R, 'net.ipv6.icmp.ratelimit', '3600000')):
        subprocess.run(['ip', 'netns', 'exec', ns, 'sysctl', '-qw',
                        '%s=%s' % (k, v)], check=True)


class Conn:
    """One C -> S transfer: a native server thread that hashes what it
    reads, the client socket, and a sender thread."""

    def __init__(self, a, stack, fam, idx, data, df=False):
        af = socket.AF_INET if fam == 4 else socket.AF_INET6
        self.ip = ('10.%d.0.%d' % (a.y, 10 + idx) if fam == 4
                   else 'fd00:%d::%d' % (a.y, 10 + idx))
        self.data = data
        self.got = None
        self.err = None
        self.sent = False
        setns(a.S)
        ls = socket.socket(af, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((self.ip, 5000))
        ls.listen(1)
        setns(a.C)
        self.c = socket.socket(af, socket.SOCK_STREAM,
                               IPPROTO_XTCP if stack == 'xtcp' else 0)
        if df and fam == 4:
            self.c.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER,
                              IP_PMTUDISC_DO)
        self.c.settimeout(10)
        self.c.connect((self.ip, 5000))
        self.srv, _ = ls.accept()
        ls.close()
        self.rt = threading.Thread(target=self._recv, daemon=True)
        self.rt.start()

    def _recv(self):
        h = hashlib.sha256()
        n = 0
        try:
            self.srv.settimeout(60)
            while True:
                d = self.srv.recv(1 << 16)
                if not d:
                    break
                h.update(d)
                n += len(d)
        except OSError as e:
            self.err = e
        self.got = (n, h.hexdigest())

    def _send(self):
        try:
            self.c.settimeout(60)
            self.c.sendall(self.data)
            self.c.shutdown(socket.SHUT_WR)
            self.sent = True
        except OSError as e:
            self.err = e

    def start(self):
        self.t0 = time.monotonic()
        self.st = threading.Thread(target=self._send, daemon=True)
        self.st.start()

    def intact(self):
        return (self.got is not None and self.err is None and
                self.got == (len(self.data),
                             hashlib.sha256(self.data).hexdigest()))

    def close(self):
        for s in (self.c, self.srv):
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack('ii', 1, 0))
                s.close()
            except OSError:
                pass


def hdrs(fam):
    return (20 if fam == 4 else 40) + 20 + 12	# IP + TCP + timestamps


def phase_icmp(a, stack, fam, idx):
    name = 'icmp v%d %s' % (fam, stack)
    data = os.urandom(a.big)
    setns(a.C)
    rto0 = counter(stack, 'TCPTimeouts')
    k = Conn(a, stack, fam, idx, data)
    i0 = tcp_info(k.c)
    iw = 10 * i0['snd_mss']
    first = None	# info at the first ACK of data
    t_iw = None
    k.start()
    deadline = k.t0 + a.timeout
    while time.monotonic() < deadline and (k.got is None or
                                           k.st.is_alive()):
        i = tcp_info(k.c)
        now = time.monotonic() - k.t0
        if first is None and i['bytes_acked'] > 1:
            first = dict(i, t=now)
        if t_iw is None and i['bytes_acked'] > iw:
            t_iw = now
        # Fine-grained only while timing the first window: the poll
        # competes with the transfer for the two vCPUs.
        time.sleep(0.002 if t_iw is None else 0.05)
    k.st.join(1)
    k.rt.join(1)
    i = tcp_info(k.c)
    rto = counter(stack, 'TCPTimeouts') - rto0
    dt = time.monotonic() - k.t0
    k.close()
    diag('%s: %d bytes in %.2f s, mss %d -> %d, pmtu %d -> %d, first ACK '
         'at %s s, first window (%d bytes) acked at %s s, RTO %d ms, '
         'retransmitted %d segments, %d RTOs' %
         (name, a.big, dt, i0['snd_mss'], i['snd_mss'], i0['pmtu'],
          i['pmtu'], first and '%.3f' % first['t'], iw,
          t_iw and '%.3f' % t_iw, i['rto'] // 1000, i['total_retrans'],
          rto))
    tap(k.intact(), '%s: %d bytes arrive intact through a 1280-byte link'
        % (name, a.big), 'got %r err %r' % (k.got, k.err))
    want = 1280 - hdrs(fam)
    tap(i['pmtu'] == 1280 and i['snd_mss'] == want,
        '%s: tcpi_pmtu 1280 and tcpi_snd_mss %d after the ICMP'
        % (name, want), 'pmtu %d mss %d' % (i['pmtu'], i['snd_mss']))
    tap(i0['snd_mss'] > want and i['total_retrans'] > 0,
        '%s: segments were too large at first and were resent' % name,
        'initial mss %d, %d retransmitted' %
        (i0['snd_mss'], i['total_retrans']))
    bound = 0.7 * a.rto_min
    tap(t_iw is not None and t_iw < bound and rto == 0,
        '%s: the first window is repaired by the ICMP reaction (< %.1f s, '
        'route RTO >= %g s, no RTO)' % (name, bound, a.rto_min),
        'acked at %s s, %d RTOs' % (t_iw, rto))
    tap(first is not None and first['ssthresh'] >= INFINITE_SSTHRESH,
        '%s: no congestion response to the MTU drop (ssthresh unset)'
        % name, 'first ACK: %r' % first)


def phase_blackhole(a, stack, fam, idx):
    name = 'blackhole v%d %s' % (fam, stack)
    data = os.urandom(a.small)
    setns(a.C)
    for knob, v in (('tcp_mtu_probing', 1), ('tcp_retries1', 0)):
        e = sysctl_w(stack, knob, v)
        if e:
            tap(False, '%s: set %s = %d' % (name, knob, v), os.strerror(e))
            return
    rto0 = counter(stack, 'TCPTimeouts')
    k = Conn(a, stack, fam, idx, data, df=True)
    i0 = tcp_info(k.c)
    k.start()
    k.rt.join(a.timeout)	# until the receiver saw EOF (or gave up)
    k.st.join(1)
    i = tcp_info(k.c)
    dt = time.monotonic() - k.t0
    rto = counter(stack, 'TCPTimeouts') - rto0
    k.close()
    diag('%s: %d bytes in %.2f s, mss %d -> %d, %d RTOs' %
         (name, a.small, dt, i0['snd_mss'], i['snd_mss'], rto))
    tap(k.intact(), '%s: tcp_mtu_probing=1: %d bytes arrive intact past '
        'a black hole' % (name, a.small), 'got %r err %r after %.1f s' %
        (k.got, k.err, dt))
    tap(rto > 0 and 1024 <= i['snd_mss'] <= 1280 - hdrs(fam),
        '%s: the MSS came down after RTOs (1024 <= mss <= %d)' %
        (name, 1280 - hdrs(fam)),
        'mss %d -> %d, %d RTOs' % (i0['snd_mss'], i['snd_mss'], rto))


def phase_stall(a, stacks, idx):
    """tcp_mtu_probing=0: the same black hole holds every byte."""
    conns = []
    setns(a.C)
    for j, stack in enumerate(stacks):
        e = sysctl_w(stack, 'tcp_mtu_probing', 0)
        if e:
            tap(False, 'stall %s: set tcp_mtu_probing = 0' % stack,
                os.strerror(e))
            continue
        conns.append((stack, Conn(a, stack, 4, idx + j,
                                  os.urandom(64 << 10), df=True)))
    for _, k in conns:
        k.start()
    time.sleep(2.5)
    for stack, k in conns:
        i = tcp_info(k.c)
        k.close()
        tap(i['bytes_acked'] <= 1 and i['snd_mss'] > 1280 - hdrs(4),
            'blackhole v4 %s: tcp_mtu_probing=0 stalls (control)' % stack,
            'acked %d, mss %d' % (i['bytes_acked'], i['snd_mss']))


# knob: (values to try); each must give the same errno as net.ipv4's
# knob and leave the value alone when refused.
KNOBS = {
    'tcp_mtu_probing': ['2', '255', '256', '-1', 'x'],
    'tcp_mtu_probe_floor': ['48', '65535', '47', '65536', 'x'],
    'tcp_probe_threshold': ['16', '-5', 'x'],
    'tcp_probe_interval': ['60', '0', '-1', '4294967295', 'x'],
    'tcp_base_mss': ['512', '-1', 'x'],
    'tcp_min_snd_mss': ['48', '47', '65536', 'x'],
}


def phase_sysctl(a):
    setns(a.S)	# a namespace nobody else writes to
    for knob, vals in KNOBS.items():
        try:
            d_tcp, d_x = sysctl_r('tcp', knob), sysctl_r('xtcp', knob)
        except OSError as e:
            tap(False, 'sysctl %s exists' % knob, repr(e))
            continue
        tap(d_tcp == d_x, 'sysctl %s: default %s as native' % (knob, d_tcp),
            'native %s xtcp %s' % (d_tcp, d_x))
        bad = []
        for v in vals:
            before = {s: sysctl_r(s, knob) for s in ('tcp', 'xtcp')}
            e = {s: sysctl_w(s, knob, v) for s in ('tcp', 'xtcp')}
            after = {s: sysctl_r(s, knob) for s in ('tcp', 'xtcp')}
            if e['tcp'] != e['xtcp']:
                bad.append('%s: native %s, xtcp %s' %
                           (v, errno.errorcode.get(e['tcp'], e['tcp']),
                            errno.errorcode.get(e['xtcp'], e['xtcp'])))
            elif e['xtcp'] and after['xtcp'] != before['xtcp']:
                bad.append('%s: refused but changed %s -> %s' %
                           (v, before['xtcp'], after['xtcp']))
            elif after['tcp'] != after['xtcp']:
                bad.append('%s: native reads %s, xtcp %s' %
                           (v, after['tcp'], after['xtcp']))
        tap(not bad, 'sysctl %s: accepts and refuses (EINVAL) what native '
            'does, keeping the value' % knob, '\n'.join(bad))
        sysctl_w('tcp', knob, d_tcp)
        sysctl_w('xtcp', knob, d_x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-C', required=True)
    ap.add_argument('-R', required=True)
    ap.add_argument('-S', required=True)
    ap.add_argument('-x', type=int, required=True)
    ap.add_argument('-y', type=int, required=True)
    ap.add_argument('--stacks', default='tcp,xtcp')
    ap.add_argument('--families', default='4,6')
    ap.add_argument('--big', type=int, default=4 << 20)
    ap.add_argument('--small', type=int, default=256 << 10)
    ap.add_argument('--timeout', type=float, default=30)
    ap.add_argument('--rto-min', type=float, default=1)
    ap.add_argument('--phases', default='sysctl,icmp,blackhole')
    a = ap.parse_args()
    print('TAP version 13')
    stacks = a.stacks.split(',')
    fams = [int(f) for f in a.families.split(',')]
    phases = a.phases.split(',')
    try:
        run(a, stacks, fams, phases)
    except Exception:	# report, do not hide the cases not run
        tap(False, 'pmtu.py ran to the end', traceback.format_exc())
    print('1..%d' % N)
    return 1 if FAILED else 0


def run(a, stacks, fams, phases):
    t0 = time.monotonic()
    if 'sysctl' in phases and 'xtcp' in stacks:
        phase_sysctl(a)
        diag('sysctl phase: %.1f s' % (time.monotonic() - t0))
    if 'icmp' in phases:
        t0 = time.monotonic()
        for fam in fams:
            offload(a.C, 'veth0', fam == 4)
            for j, stack in enumerate(stacks):
                phase_icmp(a, stack, fam, j)
        diag('icmp phase: %.1f s' % (time.monotonic() - t0))
    if 'blackhole' in phases:
        t0 = time.monotonic()
        blackhole(a)
        offload(a.C, 'veth0', False)
        for fam in fams:
            for j, stack in enumerate(stacks):
                phase_blackhole(a, stack, fam, 2 + j)
        phase_stall(a, stacks, 4)
        diag('blackhole phase: %.1f s' % (time.monotonic() - t0))


if __name__ == '__main__':
    sys.exit(main())
