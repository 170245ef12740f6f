#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Control-plane checks against real xtcp connections, TAP output.

  control.py CLIENT_NS SERVER_NS X XTCPCTL

First the net.xtcp sysctls: every knob round-trips, bad values are
rejected with EINVAL and leave the old value, and a change in one
namespace is not seen in another (SERVER_NS, untouched by these
writes, gives the defaults).  The namespaces are lib.sh's netns_pair with index X (client 10.X.0.1,
server 10.X.0.2; 10.X.0.3 is a black hole seen from the client).  One
process builds, on both sides, xtcp sockets in known states (LISTEN,
ESTABLISHED, FIN_WAIT2/CLOSE_WAIT, TIME_WAIT, SYN_SENT, SYN_RECV, a
connection through an outage), plus native TCP ones that must not show,
then checks that

  - `xtcpctl -j sockets` lists exactly those, with filters working, and
    with the fields getsockopt(TCP_INFO) gives on the sockets;
  - sock_diag (SOCK_DIAG_BY_FAMILY, protocol IPPROTO_XTCP) agrees, with
    INET_DIAG_INFO equal to TCP_INFO, INET_DIAG_CONG and SKMEMINFO, and
    SOCK_DESTROY aborts a connection;
  - counters moved (opens, resets, retransmits, timeouts, overflows) and
    /proc/net/xtcp/snmp agrees with the netlink counters;
  - `xtcpctl monitor` reported the connection events;
  - config-set is all or nothing, and malformed netlink messages get
    clean errors with an extack message.
"""
import ctypes
import errno
import functools
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

IPPROTO_XTCP = 253
CLONE_NEWNET = 0x40000000
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
SOCK_DIAG_BY_FAMILY, SOCK_DESTROY = 20, 21
INET_DIAG_INFO, INET_DIAG_CONG, INET_DIAG_SKMEMINFO = 2, 4, 7
# include/uapi/linux/xtcp.h
CMD_CONFIG_GET, CMD_CONFIG_SET, CMD_STATS_GET, CMD_SOCK_GET = 1, 2, 3, 4
A_CONFIG_KNOB, A_KNOB_NAME, A_KNOB_VALUE = 1, 1, 2
A_SOCK_STATE_MASK = 4

CLI, SRV, X, XTCPCTL = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
CADDR, SADDR, HOLE = f"10.{X}.0.1", f"10.{X}.0.2", f"10.{X}.0.3"
P = 31000 + X * 10            # xtcp listener
P_NATIVE = P + 1              # native TCP listener
P_SMALL = P + 2               # xtcp listener with backlog 1

libc = ctypes.CDLL(None, use_errno=True)
ntest = nfail = 0


def ok(cond, name, detail=""):
    global ntest, nfail
    ntest += 1
    if cond:
        print(f"ok {ntest} {name}")
    else:
        nfail += 1
        print(f"not ok {ntest} {name}")
        if detail:
            for line in str(detail).splitlines()[:20]:
                print(f"# {line}")
    sys.stdout.flush()


T0 = time.time()


def step(what):
    print(f"# {what} [{time.time() - T0:.1f}s]")
    sys.stdout.flush()


def setns(ns):
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f"setns {ns}")
    os.close(fd)


def xtcpctl(ns, *args):
    setns(ns)
    out = subprocess.run([XTCPCTL, "-j", *args], capture_output=True,
                         text=True, timeout=20)
    if out.returncode:
        raise RuntimeError(f"xtcpctl {args}: {out.stderr}")
    return json.loads(out.stdout)


def socks(ns, *filt):
    return xtcpctl(ns, "sockets", *filt)


def stats(ns):
    return xtcpctl(ns, "stats", "-z")


def proc_snmp(ns):
    setns(ns)
    vals = {}
    with open("/proc/net/xtcp/snmp") as f:
        lines = f.read().split("\n")
    for names, values in zip(lines[0::2], lines[1::2]):
        n, v = names.split(), values.split()
        grp = n[0].rstrip(":")
        for k, val in zip(n[1:], v[1:]):
            vals[grp + k] = int(val)
    return vals


# --- raw netlink ---

def nla(atype, payload):
    ln = 4 + len(payload)
    return struct.pack("HH", ln, atype) + payload + b"\0" * ((4 - ln % 4) % 4)


def nla_str(atype, s):
    return nla(atype, s.encode() + b"\0")


def parse_attrs(buf):
    out = []
    while len(buf) >= 4:
        ln, atype = struct.unpack_from("HH", buf)
        if ln < 4:
            break
        out.append((atype & 0x3fff, buf[4:ln]))
        buf = buf[(ln + 3) & ~3:]
    return out


class Netlink:
    def __init__(self, proto):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.s.bind((0, 0))
        self.seq = 1

    @staticmethod
    def extack(tlvs):
        """The extack message, or for a missing attribute its type."""
        msg = ""
        for a, v in parse_attrs(tlvs):
            if a == 1:                  # NLMSGERR_ATTR_MSG
                msg = v.rstrip(b"\0").decode()
            elif a == 5 and not msg:    # NLMSGERR_ATTR_MISS_TYPE
                msg = f"missing attribute {struct.unpack('I', v)[0]}"
        return msg

    def request(self, mtype, flags, payload):
        """Send; return (error, extack message, [payloads])."""
        self.seq += 1
        hdr = struct.pack("IHHII", 16 + len(payload), mtype,
                          NLM_F_REQUEST | flags, self.seq, 0)
        self.s.send(hdr + payload)
        msgs = []
        while True:
            data = self.s.recv(1 << 20)
            while len(data) >= 16:
                ln, t, fl, seq, _ = struct.unpack_from("IHHII", data)
                body = data[16:ln]
                data = data[(ln + 3) & ~3:]
                if seq != self.seq:
                    continue
                if t == NLMSG_DONE:
                    # A dump's error comes in NLMSG_DONE, extack after it.
                    err = struct.unpack_from("i", body)[0] if body else 0
                    return err, self.extack(body[4:]), msgs
                if t == NLMSG_ERROR:
                    err = struct.unpack_from("i", body)[0]
                    # capped: nlmsgerr is 4 + 16 bytes, then TLVs
                    return err, self.extack(body[20:]), msgs
                msgs.append((t, body))


class Genl(Netlink):
    def __init__(self):
        super().__init__(16)
        err, _, msgs = self.request(0x10, NLM_F_ACK,
                                    struct.pack("BBH", 3, 1, 0) +
                                    nla_str(2, "xtcp"))
        self.family = None
        for _, body in msgs:
            for a, v in parse_attrs(body[4:]):
                if a == 1:
                    self.family = struct.unpack("H", v[:2])[0]

    def cmd(self, cmd, attrs=b"", flags=NLM_F_ACK, version=1):
        return self.request(self.family, flags,
                            struct.pack("BBH", cmd, version, 0) + attrs)


def knob(name, value=None):
    inner = nla_str(A_KNOB_NAME, name)
    if value is not None:
        inner += nla_str(A_KNOB_VALUE, value)
    return nla(A_CONFIG_KNOB | 0x8000, inner)


# --- sock_diag ---

TCPI_FMT = "8B24I4Q"          # the head of struct tcp_info
TCPI_NAMES = ["state", "ca_state", "retransmits", "probes", "backoff",
              "options", "wscale", "misc",
              "rto", "ato", "snd_mss", "rcv_mss", "unacked", "sacked",
              "lost", "retrans", "fackets", "last_data_sent",
              "last_ack_sent", "last_data_recv", "last_ack_recv", "pmtu",
              "rcv_ssthresh", "rtt", "rttvar", "snd_ssthresh", "snd_cwnd",
              "advmss", "reordering", "rcv_rtt", "rcv_space",
              "total_retrans", "pacing_rate", "max_pacing_rate",
              "bytes_acked", "bytes_received"]
STABLE = ["state", "options", "wscale", "snd_mss", "rcv_mss", "snd_cwnd",
          "snd_ssthresh", "advmss", "rtt", "rttvar", "total_retrans",
          "bytes_acked", "bytes_received"]


def tcpi(raw):
    return dict(zip(TCPI_NAMES, struct.unpack_from(TCPI_FMT, raw)))


def getinfo(sk):
    return tcpi(sk.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256))


def diag_req(family, proto, states=0xfff, ext=0, sport=0, dport=0,
             src=None, dst=None):
    ids = struct.pack("!HH", sport, dport)
    for a in (src, dst):
        raw = socket.inet_pton(family, a) if a else b""
        ids += raw + b"\0" * (16 - len(raw))
    ids += struct.pack("I", 0) + struct.pack("II", 0xffffffff, 0xffffffff)
    return struct.pack("BBBxI", family, proto, ext, states) + ids


def diag_dump(ns, family=socket.AF_INET, proto=IPPROTO_XTCP):
    setns(ns)
    nl = Netlink(4)
    ext = (1 << (INET_DIAG_INFO - 1)) | (1 << (INET_DIAG_CONG - 1)) | \
        (1 << (INET_DIAG_SKMEMINFO - 1))
    err, msg, msgs = nl.request(SOCK_DIAG_BY_FAMILY, NLM_F_DUMP,
                                diag_req(family, proto, ext=ext))
    out = []
    for _, body in msgs:
        fam, state, timer, _ = struct.unpack_from("BBBB", body)
        sport, dport = struct.unpack_from("!HH", body, 4)
        src = socket.inet_ntop(fam, body[8:8 + (4 if fam == 2 else 16)])
        dst = socket.inet_ntop(fam, body[24:24 + (4 if fam == 2 else 16)])
        e = {"state": state, "sport": sport, "dport": dport, "src": src,
             "dst": dst, "timer": timer}
        for a, v in parse_attrs(body[72:]):
            if a == INET_DIAG_INFO:
                e["info"] = tcpi(v)
            elif a == INET_DIAG_CONG:
                e["cong"] = v.rstrip(b"\0").decode()
            elif a == INET_DIAG_SKMEMINFO:
                e["skmem"] = len(v)
        out.append(e)
    nl.s.close()
    return err, out


def diag_destroy(ns, sport, dport, src, dst):
    setns(ns)
    nl = Netlink(4)
    err, msg, _ = nl.request(SOCK_DESTROY, NLM_F_ACK,
                             diag_req(socket.AF_INET, IPPROTO_XTCP,
                                      sport=sport, dport=dport, src=src,
                                      dst=dst))
    nl.s.close()
    return err


# --- the scene ---

def xsock(ns, family=socket.AF_INET, proto=IPPROTO_XTCP):
    setns(ns)
    return socket.socket(family, socket.SOCK_STREAM, proto)


def listener(port, backlog=16, proto=IPPROTO_XTCP, family=socket.AF_INET,
             addr=None):
    sk = xsock(SRV, family, proto)
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sk.bind((addr or SADDR, port))
    sk.listen(backlog)
    return sk


def connect(lsk, port=P, proto=IPPROTO_XTCP):
    c = xsock(CLI, proto=proto)
    c.settimeout(5)
    c.connect((SADDR, port))
    s, _ = lsk.accept()
    return c, s


def spoofed_syn(dport):
    """A SYN from the black hole to the server: the server's request
    sock stays in SYN_RECV, its SYN-ACKs going nowhere."""
    setns(CLI)
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    src, dst = socket.inet_aton(HOLE), socket.inet_aton(SADDR)
    tcp = struct.pack("!HHIIBBHHH", 40000 + X, dport, 12345, 0, 5 << 4,
                      0x02, 65535, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    s = 0
    data = pseudo + tcp
    for i in range(0, len(data), 2):
        s += (data[i] << 8) + data[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    tcp = tcp[:16] + struct.pack("!H", ~s & 0xffff) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6,
                     0, src, dst)
    r.sendto(ip + tcp, (SADDR, 0))
    r.close()


# knob: (a good value, bad values); knobs not listed still round-trip
# their value and refuse garbage.
KNOBS = {
    "tcp_syn_retries": ("3", ["0", "128"]),
    "tcp_synack_retries": ("3", ["256", "-1"]),
    "tcp_orphan_retries": ("2", ["256", "-1"]),
    "tcp_retries1": ("4", ["256", "-1"]),
    "tcp_retries2": ("10", ["256", "-1"]),
    "tcp_fin_timeout": ("30", []),
    "tcp_keepalive_time": ("600", []),
    "tcp_keepalive_intvl": ("30", []),
    "tcp_keepalive_probes": ("5", ["256", "-1"]),
    "tcp_timestamps": ("0", ["256", "-1"]),
    "tcp_window_scaling": ("0", ["256", "-1"]),
    "tcp_sack": ("0", ["256", "-1"]),
    "tcp_tw_reuse": ("1", ["3", "-1"]),
    "tcp_max_tw_buckets": ("1000", []),
    "tcp_max_syn_backlog": ("256", []),
    "tcp_invalid_ratelimit": ("300", []),
    "tcp_rmem": ("4096 65536 1048576", ["1 2 3"]),
    "tcp_wmem": ("4096 32768 1048576", ["0 1 1"]),
    "tcp_base_mss": ("512", []),
    "tcp_min_snd_mss": ("64", ["47", "65536"]),
    "tcp_rfc1337": ("1", ["256", "-1"]),
    "tcp_abort_on_overflow": ("1", ["256", "-1"]),
    "tcp_syncookies": ("2", ["3", "-1"]),
    "tcp_mtu_probing": ("1", ["256", "-1"]),
    "tcp_mtu_probe_floor": ("64", ["47", "65536"]),
    "tcp_probe_interval": ("300", ["-1"]),
    "tcp_slow_start_after_idle": ("0", ["256", "-1"]),
    # 1..tcp_max_reordering (300 here: knobs are tested one at a time,
    # each set back to its default after).
    "tcp_reordering": ("5", ["0", "-1", "301"]),
    "tcp_max_reordering": ("400", ["0", "-5"]),
    "tcp_recovery": ("0", ["256", "-1"]),
    "tcp_early_retrans": ("2", ["5", "-1"]),
    "tcp_frto": ("0", ["256", "-1"]),
    "tcp_dsack": ("0", ["256", "-1"]),
    "tcp_pacing_ss_ratio": ("150", ["-1", "1001"]),
    "tcp_pacing_ca_ratio": ("110", ["-1", "1001"]),
}
SYS = "/proc/sys/net/xtcp/"


@functools.lru_cache(maxsize=None)
def default_cc():
    """The algorithm new xtcp sockets get: net.xtcp.tcp_congestion_control
    (which follows the namespace's native default until written)."""
    return sysctl_rd(SRV, "tcp_congestion_control")


def sysctl_rd(ns, k):
    setns(ns)
    with open(SYS + k) as f:
        return " ".join(f.read().split())


def sysctl_wr(ns, k, v):
    """0 or the errno of the write."""
    setns(ns)
    fd = os.open(SYS + k, os.O_WRONLY)
    try:
        os.write(fd, v.encode() + b"\n")
        return 0
    except OSError as e:
        return e.errno
    finally:
        os.close(fd)


def sysctl_tests():
    setns(CLI)
    ok("tcp_mem" not in os.listdir(SYS),
       "sysctl: tcp_mem (global) is not registered in other namespaces")
    knobs = sorted(os.listdir(SYS))
    rt, bad, iso = [], [], []
    # The server namespace is fresh: its values are the defaults.
    defaults = {k: sysctl_rd(SRV, k) for k in knobs}
    for k in knobs:
        default = defaults[k]
        if sysctl_wr(CLI, k, default) or sysctl_rd(CLI, k) != default:
            rt.append(f"{k}: {default} does not round-trip")
        good, bads = KNOBS.get(k, (None, []))
        if good is not None and (sysctl_wr(CLI, k, good) or
                                 sysctl_rd(CLI, k) != good):
            rt.append(f"{k}: {good} does not round-trip")
        cur = sysctl_rd(CLI, k)
        for b in bads + ["garbage"]:
            err = sysctl_wr(CLI, k, b)
            # An unknown algorithm is ENOENT, as for
            # net.ipv4.tcp_congestion_control.
            want = errno.ENOENT if k == "tcp_congestion_control" \
                else errno.EINVAL
            if err != want:
                bad.append(f"{k}: {b!r} gave errno {err}")
            if sysctl_rd(CLI, k) != cur:
                bad.append(f"{k}: {b!r} changed the value")
        if sysctl_rd(SRV, k) != default:
            iso.append(f"{k}: {SRV} sees {CLI}'s value")
        sysctl_wr(CLI, k, default)
    ok(len(knobs) >= 22 and not rt,
       f"sysctl: every knob round-trips ({len(knobs)} knobs)", rt)
    ok(not bad, "sysctl: bad values fail with EINVAL, old value kept", bad)
    ok(not iso, "sysctl: each namespace keeps its own values", iso)
    missing = sorted(set(KNOBS) - set(knobs))
    ok(not missing, "sysctl: every expected knob exists", missing)


def xtcpctl_config_tests():
    """xtcpctl config against sysctl, in the client namespace."""
    def run(*args):
        setns(CLI)
        return subprocess.run([XTCPCTL, *args], capture_output=True,
                              text=True, timeout=20)
    out = run("config", "show", "tcp_keepalive_probes").stdout.split()
    ok(out == ["tcp_keepalive_probes", "=",
               sysctl_rd(CLI, "tcp_keepalive_probes")],
       "xtcpctl config show matches sysctl", out)
    old = [sysctl_rd(CLI, k) for k in ("tcp_keepalive_probes", "tcp_retries2")]
    r = run("config", "set", "tcp_keepalive_probes", "7", "tcp_retries2", "9")
    ok(r.returncode == 0 and sysctl_rd(CLI, "tcp_keepalive_probes") == "7" and
       sysctl_rd(CLI, "tcp_retries2") == "9",
       "xtcpctl config set applies several knobs", r.stderr)
    r = run("config", "set", "tcp_keepalive_probes", "8", "tcp_retries2", "999")
    ok(r.returncode == 1 and "invalid value for tcp_retries2" in r.stderr and
       sysctl_rd(CLI, "tcp_keepalive_probes") == "7",
       "xtcpctl config set with one bad value fails, changes nothing, "
       "says why", r.stderr)
    # Not an int knob: the name is checked, then set.
    cc = sysctl_rd(CLI, "tcp_congestion_control")
    r = run("config", "set", "tcp_congestion_control", "reno")
    ok(r.returncode == 0 and
       sysctl_rd(CLI, "tcp_congestion_control") == "reno" and
       sysctl_rd(SRV, "tcp_congestion_control") == default_cc(),
       "xtcpctl config set tcp_congestion_control reno applies, in this "
       "namespace only", r.stderr)
    r = run("config", "set", "tcp_congestion_control", "no_such_cc")
    ok(r.returncode == 1 and
       "invalid value for tcp_congestion_control" in r.stderr and
       sysctl_rd(CLI, "tcp_congestion_control") == "reno",
       "xtcpctl config set of an unknown algorithm fails, changes nothing",
       r.stderr)
    sysctl_wr(CLI, "tcp_congestion_control", cc)
    r = run("-j", "config", "show")
    setns(CLI)
    knobs = set(os.listdir(SYS))
    try:
        d = json.loads(r.stdout)
    except ValueError:
        d = {}
    ok(set(d) == knobs and d["tcp_rmem"].split() ==
       sysctl_rd(CLI, "tcp_rmem").split(),
       "xtcpctl -j config show: every knob, in JSON", r.stdout[:200])
    run("config", "set", "tcp_keepalive_probes", old[0], "tcp_retries2",
        old[1])


def new_netns_defaults():
    """A namespace created after init_net's knobs changed starts from the
    defaults (tcp_rmem/tcp_wmem excepted: init_net's, as Linux)."""
    init = os.open("/proc/self/ns/net", os.O_RDONLY)
    old = open(SYS + "tcp_syn_retries").read().strip()
    rmem = open(SYS + "tcp_rmem").read().split()
    with open(SYS + "tcp_syn_retries", "w") as f:
        f.write("5")
    if libc.unshare(CLONE_NEWNET) != 0:
        ok(False, "sysctl: a new namespace starts from the defaults",
           "unshare failed")
        return
    syn = open(SYS + "tcp_syn_retries").read().strip()
    rmem_new = open(SYS + "tcp_rmem").read().split()
    libc.setns(init, CLONE_NEWNET)
    os.close(init)
    with open(SYS + "tcp_syn_retries", "w") as f:
        f.write(old)
    ok(syn == "6" and rmem_new == rmem,
       "sysctl: a new namespace starts from the defaults", (syn, rmem_new))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def paws_probe(c, s):
    """Sniff the client's next data segment (seq, ack, TSval), then replay
    a segment that continues it with a TSval far in the past: the server
    must drop it as a PAWS failure (RFC 7323 5.3).  True if sent."""
    setns(CLI)
    # ETH_P_ALL: only those taps see outgoing frames.
    pk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    pk.bind(("veth0", 0))
    pk.settimeout(3)
    sport = c.getsockname()[1]
    c.send(b"p")
    seg = None
    deadline = time.time() + 3
    while time.time() < deadline and not seg:
        try:
            frame = pk.recv(65535)
        except socket.timeout:
            break
        ip = frame[14:]
        if frame[12:14] != b"\x08\x00" or ip[9] != 6 or ip[12:16] != socket.inet_aton(CADDR):
            continue
        th = ip[(ip[0] & 15) * 4:]
        if struct.unpack("!H", th[:2])[0] != sport:
            continue
        doff = (th[12] >> 4) * 4
        opts, i = th[20:doff], 0
        while i < len(opts):
            if opts[i] == 8:
                tsval, tsecr = struct.unpack("!II", opts[i + 2:i + 10])
                seq, ack = struct.unpack("!II", th[4:12])
                seg = (seq + len(ip) - (ip[0] & 15) * 4 - doff, ack, tsval,
                       tsecr)
                break
            i += 1 if opts[i] in (0, 1) else max(opts[i + 1], 2)
    pk.close()
    s.recv(10)
    if not seg:
        return False
    seq, ack, tsval, tsecr = seg
    src, dst = socket.inet_aton(CADDR), socket.inet_aton(SADDR)
    opt = b"\1\1\x08\x0a" + struct.pack("!II", (tsval - 0x100000) & 0xffffffff,
                                        tsecr)
    tcp = struct.pack("!HHIIBBHHH", sport, P, seq, ack, 8 << 4, 0x18, 1000,
                      0, 0) + opt + b"q"
    ck = csum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", ck) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 2, 0, 64, 6,
                     0, src, dst)
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    r.sendto(ip + tcp, (SADDR, 0))
    r.close()
    return True


def dlt(a, b, k):
    return b[k] - a[k]


def find(lst, **kw):
    return [e for e in lst if all(e.get(k) == v for k, v in kw.items())]


def monitor(ns):
    """xtcpctl monitor in @ns, once it has joined the events group (its
    one line on stderr says so; a loaded host can take seconds)."""
    setns(ns)
    m = subprocess.Popen([XTCPCTL, "-j", "monitor"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    MONS.append(m)
    if select.select([m.stderr], [], [], 30)[0]:
        m.stderr.readline()
    return m


def main():
    print("TAP version 13")
    step("sysctls")
    sysctl_tests()
    new_netns_defaults()
    xtcpctl_config_tests()
    step("counters before")
    c_stats0, s_stats0 = stats(CLI), stats(SRV)

    step("monitor")
    setns(SRV)
    mon = monitor(SRV)
    mon_c = monitor(CLI)

    step("listeners")
    lsk = listener(P)
    lsk6 = listener(P, family=socket.AF_INET6, addr=f"fd00:{X}::2")
    nat_l = listener(P_NATIVE, proto=0)
    small = listener(P_SMALL, backlog=1)

    step("established")
    c_est, s_est = connect(lsk)
    c_est.sendall(b"x" * 5000)
    got = 0
    while got < 5000:
        got += len(s_est.recv(65536))
    s_est.sendall(b"y" * 3000)
    got = 0
    while got < 3000:
        got += len(c_est.recv(65536))
    step("fin_wait2")
    c_fw2, s_cw = connect(lsk)
    c_fw2.shutdown(socket.SHUT_WR)
    step("time_wait")
    c_tw, s_tw = connect(lsk)
    c_tw.close()
    time.sleep(0.1)
    s_tw.close()
    step("native")
    c_nat, s_nat = connect(nat_l, P_NATIVE, proto=0)
    c_ss = xsock(CLI)
    c_ss.setblocking(False)
    try:
        c_ss.connect((HOLE, P))
    except BlockingIOError:
        pass
    step("syn_recv")
    spoofed_syn(P)
    # Backlog 1: the third handshake overflows the accept queue.
    step("overflow")
    smalls = []
    for _ in range(4):
        c = xsock(CLI)
        c.setblocking(False)
        try:
            c.connect((SADDR, P_SMALL))
        except BlockingIOError:
            pass
        smalls.append(c)
    # A connection through an outage: the server's MAC is wrong for a
    # while, so data is retransmitted on RTO (Loss), then recovers.
    step("outage")
    c_loss, s_loss = connect(lsk)
    setns(SRV)
    mac = subprocess.run(["ip", "-n", SRV, "link", "show", "veth0"],
                         check=True, capture_output=True,
                         text=True).stdout.split("link/ether ")[1].split()[0]
    subprocess.run(["ip", "-n", CLI, "neigh", "replace", SADDR, "lladdr",
                    "02:00:00:00:00:99", "dev", "veth0", "nud", "permanent"],
                   check=True)
    c_loss.sendall(b"z" * 2000)
    time.sleep(1.0)
    info_loss = getinfo(c_loss)
    subprocess.run(["ip", "-n", CLI, "neigh", "replace", SADDR, "lladdr",
                    mac, "dev", "veth0", "nud", "permanent"], check=True)
    got = 0
    s_loss.settimeout(10)
    while got < 2000:
        got += len(s_loss.recv(65536))
    time.sleep(0.5)

    step("dumps")
    # --- xtcpctl sockets against the scene ---
    cs, ss = socks(CLI), socks(SRV)
    cport = lambda sk: sk.getsockname()[1]
    ok(len(find(ss, state="LISTEN", sport=P, src=SADDR)) == 1 and
       len(find(ss, state="LISTEN", sport=P, family="inet6")) == 1,
       "sockets: v4 and v6 listeners", ss)
    ok(not find(ss, sport=P_NATIVE) and not find(cs, dport=P_NATIVE),
       "sockets: native TCP sockets are not listed")
    ok(len(find(cs, state="ESTAB", sport=cport(c_est), dport=P)) == 1 and
       len(find(ss, state="ESTAB", dport=cport(c_est), sport=P)) == 1,
       "sockets: ESTABLISHED on both ends")
    ok(len(find(cs, state="FIN-WAIT-2", sport=cport(c_fw2))) == 1 and
       len(find(ss, state="CLOSE-WAIT", dport=cport(c_fw2))) == 1,
       "sockets: FIN_WAIT2 and CLOSE_WAIT", cs)
    ok(len(find(cs, state="TIME-WAIT", dport=P)) == 1,
       "sockets: TIME_WAIT minisock", cs)
    ok(len(find(cs, state="SYN-SENT", dst=HOLE, dport=P)) == 1,
       "sockets: SYN_SENT", cs)
    ok(len(find(ss, state="SYN-RECV", dst=HOLE, sport=P)) == 1,
       "sockets: SYN_RECV request sock", ss)
    tw = socks(CLI, "state", "time-wait")
    ok(len(tw) == 1 and tw[0]["state"] == "TIME-WAIT",
       "sockets: state filter", tw)
    f = socks(CLI, "dst", HOLE)
    ok(len(f) == 1 and f[0]["state"] == "SYN-SENT", "sockets: dst filter", f)
    f = socks(SRV, "sport", str(P_SMALL), "state", "listening")
    ok(len(f) == 1 and f[0]["sport"] == P_SMALL,
       "sockets: sport + state filter", f)
    f = socks(SRV, "-6")
    ok(len(f) == 1 and f[0]["family"] == "inet6", "sockets: -6 filter", f)

    # Fields against getsockopt(TCP_INFO).
    for name, sk, lst in (("client", c_est, cs), ("server", s_est, ss)):
        e = find(lst, state="ESTAB", sport=sk.getsockname()[1],
                 dport=sk.getpeername()[1])[0]
        ti = getinfo(sk)
        mism = []
        for jk, tk in (("cwnd", "snd_cwnd"), ("mss", "snd_mss"),
                       ("rcv_mss", "rcv_mss"), ("rtt_us", "rtt"),
                       ("rttvar_us", "rttvar"), ("rto_us", "rto"),
                       ("total_retrans", "total_retrans"),
                       ("bytes_acked", "bytes_acked"),
                       ("bytes_received", "bytes_received")):
            if e[jk] != ti[tk]:
                mism.append(f"{jk}: {e[jk]} != {ti[tk]}")
        if e["snd_wscale"] != ti["wscale"] & 15 or \
           e["rcv_wscale"] != ti["wscale"] >> 4:
            mism.append("wscale")
        if e["ts"] != bool(ti["options"] & 1) or \
           e["sack"] != bool(ti["options"] & 2):
            mism.append("options")
        ok(not mism and e["cc"] == default_cc() and e["ts"] and e["sack"],
           f"sockets: {name} fields equal TCP_INFO", "\n".join(mism) or e)
    # bytes_acked counts the SYN, as native TCP's does.
    ce = find(cs, state="ESTAB", sport=cport(c_est))[0]
    se = find(ss, state="ESTAB", dport=cport(c_est))[0]
    # (The passive side's count of its SYN-ACK is not checked: 3000 or
    # 3001.)
    ok(ce["bytes_acked"] == 5001 and se["bytes_received"] == 5000 and
       se["bytes_acked"] in (3000, 3001) and ce["bytes_received"] == 3000,
       "sockets: byte counts match the transfer", (ce, se))
    e = find(cs, sport=cport(c_loss))[0]
    ok(info_loss["total_retrans"] > 0 and e["total_retrans"] >=
       info_loss["total_retrans"], "sockets: retransmissions seen",
       (info_loss, e))

    step("sock_diag")
    # --- sock_diag ---
    err, dc = diag_dump(CLI)
    err2, ds = diag_dump(SRV)
    key = lambda lst: sorted((d["state"], d["sport"], d["dport"]) for d in lst)
    v4 = lambda lst: [x for x in lst if x["family"] == "inet"]
    ok(err == 0 and err2 == 0 and
       key(dc) == key([{"state": x["state_num"], "sport": x["sport"],
                        "dport": x["dport"]} for x in v4(cs)]) and
       key(ds) == key([{"state": x["state_num"], "sport": x["sport"],
                        "dport": x["dport"]} for x in v4(ss)]),
       "sock_diag: same sockets as xtcpctl", (key(dc), key(ds)))
    ok(not [d for d in dc + ds if P_NATIVE in (d["sport"], d["dport"])],
       "sock_diag: native TCP sockets not in the IPPROTO_XTCP dump")
    d = find(dc, state=1, sport=cport(c_est))[0]
    ti = getinfo(c_est)
    ok("info" in d and all(d["info"][k] == ti[k] for k in STABLE),
       "sock_diag: INET_DIAG_INFO equals TCP_INFO",
       [(k, d.get("info", {}).get(k), ti[k]) for k in STABLE])
    ok(d.get("cong") == default_cc() and d.get("skmem", 0) >= 36,
       "sock_diag: INET_DIAG_CONG and SKMEMINFO", d)
    ok([x["timer"] for x in find(dc, state=6)] == [3] and
       [x["timer"] for x in find(ds, state=3)] == [1],
       "sock_diag: TIME_WAIT and SYN_RECV with their timers")
    err, d6 = diag_dump(SRV, socket.AF_INET6)
    ok(err == 0 and len(d6) == 1 and d6[0]["state"] == 10,
       "sock_diag: AF_INET6 dump", d6)

    # PAWS: an old timestamp on an otherwise fitting segment is dropped.
    before = stats(SRV)
    sent = paws_probe(c_est, s_est)
    time.sleep(0.3)
    after = stats(SRV)
    ok(sent and dlt(before, after, "XtcpExtPAWSEstab") == 1,
       "counters: PAWS drop counted (PAWSEstab)",
       (sent, dlt(before, after, "XtcpExtPAWSEstab")))

    # SOCK_DESTROY: the server end of c_est aborts, the client sees a RST.
    before = stats(SRV)
    err = diag_destroy(SRV, P, cport(c_est), SADDR, CADDR)
    c_est.settimeout(3)
    try:
        c_est.recv(100)
        reset = False
    except ConnectionResetError:
        reset = True
    except OSError as e:
        reset = e.errno == errno.ECONNRESET
    try:
        s_est.recv(100)
        aborted = False
    except OSError as e:
        aborted = e.errno == errno.ECONNABORTED
    ok(err == 0 and reset and aborted,
       "sock_diag: SOCK_DESTROY aborts, the peer gets a RST",
       (err, reset, aborted))
    tws = find(dc, state=6)[0]
    err = diag_destroy(CLI, tws["sport"], tws["dport"], CADDR, SADDR)
    ok(err == -errno.EOPNOTSUPP, "sock_diag: TIME_WAIT is not destroyed, as "
       "for TCP", err)
    err = diag_destroy(SRV, P_NATIVE, cport(c_nat), SADDR, CADDR)
    ok(err == -errno.ENOENT, "sock_diag: native socket not destroyable "
       "through IPPROTO_XTCP", err)
    time.sleep(0.2)
    after = stats(SRV)

    step("counters")
    # --- counters ---
    c1, s1 = stats(CLI), stats(SRV)
    ok(dlt(c_stats0, c1, "XtcpActiveOpens") >= 9 and
       dlt(s_stats0, s1, "XtcpPassiveOpens") >= 4,
       "counters: active and passive opens",
       (dlt(c_stats0, c1, "XtcpActiveOpens"),
        dlt(s_stats0, s1, "XtcpPassiveOpens")))
    ok(dlt(before, after, "XtcpOutRsts") >= 1 and
       dlt(before, after, "XtcpEstabResets") >= 1 and
       dlt(c_stats0, c1, "XtcpEstabResets") >= 1,
       "counters: resets (OutRsts, EstabResets)")
    ok(dlt(c_stats0, c1, "XtcpRetransSegs") >= 1 and
       dlt(c_stats0, c1, "XtcpExtTCPTimeouts") >= 1,
       "counters: retransmits and timeouts",
       (dlt(c_stats0, c1, "XtcpRetransSegs"),
        dlt(c_stats0, c1, "XtcpExtTCPTimeouts")))
    ok(dlt(s_stats0, s1, "XtcpExtListenOverflows") >= 1 and
       dlt(s_stats0, s1, "XtcpExtListenDrops") >= 1,
       "counters: listen overflows",
       (dlt(s_stats0, s1, "XtcpExtListenOverflows"),
        dlt(s_stats0, s1, "XtcpExtListenDrops")))
    ok(dlt(c_stats0, c1, "XtcpExtTW") >= 1 or
       dlt(s_stats0, s1, "XtcpExtTW") >= 0, "counters: TW")
    p, n = proc_snmp(CLI), stats(CLI)
    ok(p.keys() == n.keys() and
       all(0 <= n[k] - p[k] <= 5 for k in p),
       "counters: /proc/net/xtcp/snmp agrees with netlink",
       [(k, p[k], n.get(k)) for k in p if p[k] != n.get(k)])

    step("monitor check")
    # --- monitor ---
    time.sleep(0.3)
    mon.terminate()
    events = [json.loads(line) for line in mon.communicate()[0].splitlines()]
    kinds = {e["event"] for e in events}
    est = [e for e in events if e["event"] == "established" and
           e["dport"] == cport(c_est)]
    ok(len(est) == 1 and est[0]["sport"] == P and est[0]["src"] == SADDR,
       "monitor: established event with the right addresses", events[:6])
    ok({"reset", "closed"} <= kinds, "monitor: reset and closed events",
       kinds)
    mon_c.terminate()
    cev = [json.loads(line) for line in mon_c.communicate()[0].splitlines()]
    rto = [e for e in cev if e["event"] == "rto"]
    ok(rto and {e["dst"] for e in rto} <= {SADDR, HOLE} and
       any(e["dst"] == HOLE and e["state"] == "SYN-SENT" for e in rto),
       "monitor: rto events (SYN_SENT to the black hole, the outage)",
       cev[:8])

    step("netlink")
    # --- configuration over netlink ---
    setns(SRV)
    g = Genl()
    ok(g.family is not None, "netlink: family resolved")
    rd = lambda k: open(f"/proc/sys/net/xtcp/{k}").read().split()
    old = rd("tcp_syn_retries"), rd("tcp_fin_timeout")
    err, msg, _ = g.cmd(CMD_CONFIG_SET, knob("tcp_syn_retries", "3") +
                        knob("tcp_fin_timeout", "21"))
    ok(err == 0 and rd("tcp_syn_retries") == ["3"] and
       rd("tcp_fin_timeout") == ["21"], "config-set: two knobs at once",
       (err, msg))
    err, msg, _ = g.cmd(CMD_CONFIG_SET, knob("tcp_syn_retries", "4") +
                        knob("tcp_fin_timeout", "22") +
                        knob("tcp_synack_retries", "256"))
    ok(err == -errno.EINVAL and "tcp_synack_retries" in msg and
       rd("tcp_syn_retries") == ["3"] and rd("tcp_fin_timeout") == ["21"],
       "config-set: one bad knob, nothing applied, extack names it",
       (err, msg))
    for what, attrs in (
            ("unknown knob", knob("no_such_knob", "1")),
            ("duplicate knob", knob("tcp_sack", "1") + knob("tcp_sack", "0")),
            ("missing value", knob("tcp_sack")),
            ("empty value", knob("tcp_sack", "")),
            ("garbage value", knob("tcp_sack", "1x")),
            ("no knob", b""),
            ("value not a string", nla(A_CONFIG_KNOB | 0x8000,
                                       nla_str(A_KNOB_NAME, "tcp_sack") +
                                       nla(A_KNOB_VALUE, b"\1\0\0\0\xff"))),
            ("name too long", knob("x" * 200, "1")),
            ("value too long", knob("tcp_sack", "1" * 400)),
            ("knob not nested", nla(A_CONFIG_KNOB, b"\0\0\0\0\0\0\0\0")),
            ("unknown attribute", nla(77, b"\0\0\0\0")),
            ("truncated attribute", struct.pack("HH", 64, A_CONFIG_KNOB))):
        err, msg, _ = g.cmd(CMD_CONFIG_SET, attrs)
        ok(err < 0 and (msg or what == "truncated attribute"),
           f"netlink fuzz: config-set with {what}: error with extack",
           (err, msg))
    err, msg, _ = g.cmd(CMD_SOCK_GET, nla(A_SOCK_STATE_MASK, b"\1"),
                        flags=NLM_F_DUMP)
    ok(err < 0 and msg, "netlink fuzz: sock-get with a short u32", (err, msg))
    err, msg, _ = g.cmd(CMD_SOCK_GET, nla(5, b"\1\2\3"), flags=NLM_F_DUMP)
    ok(err == -errno.EINVAL and msg, "netlink fuzz: sock-get with a 3-byte "
       "address", (err, msg))
    err, msg, _ = g.cmd(CMD_CONFIG_SET, knob("tcp_sack", "1") * 3000)
    ok(err < 0, "netlink fuzz: oversized config-set rejected", (err, msg))
    err, msg, _ = g.cmd(99)
    ok(err == -errno.EOPNOTSUPP, "netlink fuzz: unknown command", err)
    err, msg, _ = g.cmd(CMD_CONFIG_GET, knob("tcp_syn_retries"))
    ok(err == 0 and rd("tcp_syn_retries") == ["3"],
       "netlink: config still intact after the fuzzing", err)
    g.cmd(CMD_CONFIG_SET, knob("tcp_syn_retries", old[0][0]) +
          knob("tcp_fin_timeout", old[1][0]))

    for sk in [c_fw2, s_cw, c_ss, c_loss, s_loss, c_nat, s_nat, lsk, lsk6,
               nat_l, small] + smalls:
        sk.close()
    print(f"1..{ntest}")
    return 1 if nfail else 0


MONS = []

if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # a crash must show in the TAP stream
        import traceback
        for line in traceback.format_exc().splitlines():
            print(f"# {line}")
        sys.exit(1)
    finally:
        # Never leave a monitor holding the caller's pipe open.
        for m in MONS:
            if m.poll() is None:
                m.kill()
