#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmark body, run inside the VM by scripts/bench.

    bench-guest.py XTCP_KO RESULTS BENCH_CONN XTCPIZE

Two namespaces joined by one veth pair, default offloads (the same for
every run).  Two phases:

A. Native TCP bulk throughput (iperf3) with xtcp unloaded and loaded,
   alternating run by run, in ABBA order (issue 2: loaded/unloaded >=
   0.97).  LOAD_RUNS pairs (default 2 x RUNS): a 3 % threshold needs
   more samples than the other rows.  Besides throughput, each run
   reports bytes moved per busy guest CPU second (/proc/stat), the cost
   of the path, which the host's uneven scheduling of the vCPUs moves
   far less than it moves throughput.
B. xtcp loaded, each test run natively and then over xtcp, alternating
   run by run: bulk throughput (iperf3; xtcp on both ends via xtcpize),
   request/response latency p50/p99 (sockperf ping-pong over TCP, 64 B,
   full round trip; xtcp on both ends via xtcpize) and connections per
   second (bench-conn, which takes the protocol number).
C. Lossy paths (issue 4), xtcp loaded, native and xtcp alternating run
   by run, iperf3 bulk goodput through a router namespace with netem on
   its egress: "1 % loss, 20 ms RTT" (10 ms delay each way, 1 % loss on
   the data direction) and "25 % reordering" (25 % of data segments
   sent 5 ms ahead of the others).  The router, not the sender, impairs
   the path, and it must see wire-sized segments, as a real router
   does: native TCP hands the qdisc GSO super-packets even with the
   device's tso and gso off (the kernel forces GSO for IPPROTO_TCP), and
   veth forwards a super-packet whole, so netem anywhere on the path
   dropped or delayed 40-odd segments of native's at once where it hit
   one of xtcp's.  The endpoints' veths have tso off (gso stays on):
   both stacks still build 64 KiB skbs, and the sending device cuts
   them into segments before they reach the router.  Both stacks use cubic
   (net.ipv4.tcp_congestion_control, and net.xtcp.tcp_congestion_control
   where xtcp has it).

Every row reports the median of each side, the ratio of the medians and
the median of the per-pair ratios (each xtcp run against the native run
just before it, which cancels slow drift of the host).

Tasks are left to the scheduler.  PIN=1 pins clients to vCPU 0 and
servers to vCPU 1 instead; under TCG that costs bulk throughput (the
sender and the receiver can no longer share a vCPU) and did not make the
runs steadier, so it is off by default.

Environment: RUNS (default 5), LOAD_RUNS (default 2 x RUNS), PHASES
(default "A B C"), COUNTERS (1: log each lossy run's counters), DURATION
seconds per run (default 8),
PIN (default 0), BENCH_HOST (free text about the host, copied into the
results).
"""
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

KO, RESULTS, CONN, XTCPIZE = sys.argv[1:5]
XTCPCTL = os.path.join(os.path.dirname(os.path.dirname(XTCPIZE)),
                       'xtcpctl', 'xtcpctl')
RUNS = int(os.environ.get('RUNS', '5'))
LOAD_RUNS = int(os.environ.get('LOAD_RUNS', str(2 * RUNS)))
DURATION = int(os.environ.get('DURATION', '8'))
HOST = os.environ.get('BENCH_HOST', '')
# PIN=1: clients on vCPU 0, servers on vCPU 1 (default: the scheduler's
# choice).
PIN = os.environ.get('PIN', '0') not in ('', '0')
# A: native loaded/unloaded; B: clean path; C: lossy rows.
PHASES = os.environ.get('PHASES', 'A B C').split()
# COUNTERS=1: log the counters each lossy run moved, on both ends.
COUNTERS = os.environ.get('COUNTERS', '0') not in ('', '0')
CPU = {'ba': 0, 'bb': 1}
IPPROTO_XTCP = 253
SERVER = '10.8.0.2'
# Ports: iperf3 and sockperf servers live for the whole of phase B;
# bench-conn gets a fresh port per run so no 4-tuple is ever reused
# while the previous run's TIME_WAIT minisocks are still around.
PORT = {('bulk', 'native'): 5201, ('bulk', 'xtcp'): 5202,
        ('rr', 'native'): 11111, ('rr', 'xtcp'): 11112}
CONN_PORT = 20000
TIMEOUT = 3 * DURATION + 60
servers = []


def log(msg):
    print('bench: ' + msg, flush=True)


def sh(cmd, check=True, timeout=None):
    return subprocess.run(cmd, shell=True, check=check, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=timeout).stdout


def wrap(stack, cmd):
    """Prefix @cmd (a shell string) with xtcpize for the xtcp stack."""
    return '%s run %s' % (XTCPIZE, cmd) if stack == 'xtcp' else cmd


def inns(ns, cmd):
    """@cmd in namespace @ns, pinned to that side's vCPU if PIN."""
    if PIN:
        cmd = 'taskset -c %d %s' % (CPU[ns], cmd)
    return 'ip netns exec %s %s' % (ns, cmd)


def setup():
    for c in ['ip netns add ba', 'ip netns add bb',
              'ip -n ba link add veth0 type veth peer name veth0 netns bb',
              'ip -n ba addr add 10.8.0.1/24 dev veth0',
              'ip -n bb addr add 10.8.0.2/24 dev veth0',
              'ip -n ba link set veth0 up', 'ip -n bb link set veth0 up',
              'ip -n ba link set lo up', 'ip -n bb link set lo up']:
        sh(c)


def offloads():
    """The veth offload settings, as ethtool -k reports them."""
    feat = {}
    for line in sh('ip netns exec ba ethtool -k veth0').splitlines():
        k, _, v = line.strip().partition(':')
        feat[k] = v.split()[0] if v.split() else ''
    mtu = sh('ip -n ba -o link show veth0').split(' mtu ')[1].split()[0]
    names = [('tso', 'tcp-segmentation-offload'),
             ('gso', 'generic-segmentation-offload'),
             ('gro', 'generic-receive-offload'),
             ('tx-csum', 'tx-checksumming'), ('rx-csum', 'rx-checksumming'),
             ('sg', 'scatter-gather')]
    return 'veth, mtu %s, ' % mtu + ', '.join(
        '%s %s' % (short, feat.get(long_, '?')) for short, long_ in names)


def start_server(ns, cmd):
    p = subprocess.Popen('exec ' + inns(ns, cmd), shell=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, start_new_session=True)
    servers.append(p)
    return p


def stop_server(p):
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    if p in servers:
        servers.remove(p)


def loaded(want):
    have = os.path.isdir('/sys/module/xtcp')
    if want and not have:
        sh('insmod %s' % KO)
    elif have and not want:
        # rmmod may be refused for a moment after the last socket closed.
        for _ in range(50):
            if subprocess.run(['rmmod', 'xtcp'], capture_output=True).returncode == 0:
                return
            time.sleep(0.2)
        sh('rmmod xtcp')


# --- the tests: each returns a dict of metrics, or None on failure ---

def busy():
    """CPU seconds the guest has spent busy (not idle or iowait), all
    CPUs: user, nice, system, irq, softirq and steal from /proc/stat."""
    with open('/proc/stat') as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return (sum(v) - v[3] - v[4]) / os.sysconf('SC_CLK_TCK')


def bulk(stack, port=None):
    port = port or PORT[('bulk', stack)]
    cmd = inns('ba', wrap(stack, 'iperf3 -c %s -p %d -J -t %d'
                          % (SERVER, port, DURATION)))
    for attempt in range(2):
        out = ''
        try:
            c0 = busy()
            out = sh(cmd, check=False, timeout=TIMEOUT)
            cpu = busy() - c0
            js = json.loads(out[out.index('{'):])
            rx = js['end']['sum_received']
            # Bytes moved per busy CPU second: what the stack costs, which
            # moves much less than the throughput does when the host
            # schedules the vCPUs unevenly (idle vCPUs cost nothing, so
            # both ends of the veth and the softirqs are all counted).
            return {'gbit': rx['bits_per_second'] / 1e9,
                    'gbcpu': rx['bytes'] / 1e9 / cpu if cpu > 0 else None}
        except (ValueError, KeyError, subprocess.TimeoutExpired) as e:
            log('%s bulk failed (%s): %s' % (stack, type(e).__name__,
                                             out[-300:]))
            time.sleep(2)
    return None


PCT = re.compile(r'percentile (\d+\.\d+) =\s*([\d.]+)')


def rr(stack):
    cmd = inns('ba', wrap(
        stack, 'sockperf pp --tcp -i %s -p %d -t %d -m 64 --full-rtt'
        % (SERVER, PORT[('rr', stack)], DURATION)))
    out = ''
    for attempt in range(2):
        try:
            out = sh(cmd, check=False, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            out = 'timeout'
        pct = {float(k): float(v) for k, v in PCT.findall(out)}
        obs = re.search(r'Total (\d+) observations', out)
        if 50.0 in pct and 99.0 in pct:
            return {'p50': pct[50.0], 'p99': pct[99.0],
                    'n': int(obs.group(1)) if obs else 0}
        log('%s rr failed: %s' % (stack, out[-300:]))
        time.sleep(2)
    return None


def cps(stack, run):
    global CONN_PORT
    CONN_PORT += 1
    proto = IPPROTO_XTCP if stack == 'xtcp' else 0
    srv = start_server('bb', '%s server %d %s %d' % (CONN, proto, SERVER,
                                                     CONN_PORT))
    line = srv.stdout.readline()
    if 'listening' not in line:
        log('%s cps server failed: %s' % (stack, line.strip()))
        stop_server(srv)
        return None
    try:
        out = sh(inns('ba', '%s client %d %s %d %d'
                      % (CONN, proto, SERVER, CONN_PORT, DURATION)),
                 check=False, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        out = 'timeout'
    stop_server(srv)
    m = re.search(r'cps ([\d.]+) errors (\d+)', out)
    if not m:
        log('%s cps failed: %s' % (stack, out[-300:]))
        return None
    return {'cps': float(m.group(1)), 'errors': int(m.group(2))}


# --- statistics and the table ---

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else float('nan')


def row(res, key, metric):
    """(native median, xtcp median, ratio of medians, median pair ratio, n)"""
    a = [r[metric] if r else None for r in res[key][0]]
    b = [r[metric] if r else None for r in res[key][1]]
    ma, mb = med(a), med(b)
    pairs = [y / x for x, y in zip(a, b) if x and y is not None]
    return ma, mb, (mb / ma if ma else float('nan')), med(pairs), \
        sum(1 for x, y in zip(a, b) if x is not None and y is not None)


def fmt(v, unit):
    if v is None or v != v:
        return 'n/a'
    if unit in ('Gbit/s', 'GB/cpu-s'):
        return '%.3f' % v
    if unit in ('us', 'Mbit/s'):
        return '%.1f' % v
    return '%.0f' % v


# Phase C rows: name, netem on the router's egress towards the receiver
# (data), towards the sender (ACKs).
LOSSY = [
    ('loss', 'bulk goodput, 1 % loss, 20 ms RTT',
     'delay 10ms loss 1% limit 10000', 'delay 10ms limit 10000'),
    ('reorder', 'bulk goodput, 25 % reordering',
     'delay 5ms reorder 25% 50% limit 10000', None),
]
# Phase C path: client ca -- router cr -- server cb.
LOSSY_SERVER = '10.9.2.2'


def set_cc(namespaces):
    """cubic on both stacks in @namespaces; returns a description."""
    xcc = None
    for ns in namespaces:
        sh('ip netns exec %s sysctl -qw net.ipv4.tcp_congestion_control='
           'cubic' % ns)
        out = sh('ip netns exec %s sysctl -qw net.xtcp.tcp_congestion_control'
                 '=cubic' % ns, check=False)
        xcc = sh('ip netns exec %s sysctl -n net.xtcp.tcp_congestion_control'
                 % ns, check=False).strip() if not out.strip() else None
    return 'native cubic, xtcp %s' % (
        xcc if xcc else 'built-in (net.xtcp.tcp_congestion_control '
        'does not exist yet)')


def lossy_setup():
    """Client ca, router cr, server cb.  Native TCP builds GSO
    super-packets whatever the device offers (sk_setup_caps() forces GSO
    for IPPROTO_TCP), veth passes them on whole and forwarding keeps
    them whole, so the endpoints' devices have tso off: each sender's
    device cuts its skbs into segments (software GSO, for both stacks)
    and the router, GRO off, impairs every segment on its own."""
    for c in ['ip netns add ca', 'ip netns add cr', 'ip netns add cb',
              'ip -n ca link add veth0 type veth peer name veth1 netns cr',
              'ip -n cb link add veth0 type veth peer name veth2 netns cr',
              'ip -n ca addr add 10.9.1.1/24 dev veth0',
              'ip -n cr addr add 10.9.1.2/24 dev veth1',
              'ip -n cr addr add 10.9.2.1/24 dev veth2',
              'ip -n cb addr add %s/24 dev veth0' % LOSSY_SERVER,
              'ip -n ca link set veth0 up', 'ip -n cb link set veth0 up',
              'ip -n cr link set veth1 up', 'ip -n cr link set veth2 up',
              'ip -n ca link set lo up', 'ip -n cb link set lo up',
              'ip -n cr link set lo up',
              'ip -n ca route add default via 10.9.1.2',
              'ip -n cb route add default via 10.9.2.1',
              'ip netns exec cr sysctl -qw net.ipv4.ip_forward=1']:
        sh(c)
    for ns, dev in (('cr', 'veth1'), ('cr', 'veth2')):
        sh('ip netns exec %s ethtool -K %s gro off' % (ns, dev),
           check=False)
    for ns in ('ca', 'cb'):
        sh('ip netns exec %s ethtool -K veth0 tso off' % ns)


def counters(ns, stack):
    """{name: value} of @stack's counters in @ns (native: Tcp and
    TcpExt, xtcp: Xtcp and XtcpExt)."""
    want = ('Tcp:', 'TcpExt:') if stack == 'native' else ('Xtcp:',
                                                          'XtcpExt:')
    out = sh('ip netns exec %s cat /proc/net/snmp /proc/net/netstat '
             '/proc/net/xtcp/snmp' % ns, check=False).splitlines()
    vals = {}
    for names, values in zip(out[::2], out[1::2]):
        n, v = names.split(), values.split()
        if n and n[0] in want and v and v[0] == n[0]:
            vals.update(zip(n[1:], (int(x) for x in v[1:])))
    return vals


def sockets_mid_run(stack):
    """The sender's sockets half way through a run, as ss -ti shows them
    (xtcpctl sockets -i for xtcp)."""
    time.sleep(DURATION / 2 + 1)
    if stack == 'native':
        cmd = 'ip netns exec ca ss -tin dst %s' % LOSSY_SERVER
    else:
        cmd = 'ip netns exec ca %s sockets -i dst %s' % (XTCPCTL,
                                                         LOSSY_SERVER)
    log('C %s sender, mid-run:\n%s' % (stack, sh(cmd, check=False)))


def lossy_bulk(stack):
    if COUNTERS:
        before = {ns: counters(ns, stack) for ns in ('ca', 'cb')}
        mid = threading.Thread(target=sockets_mid_run, args=(stack,))
        mid.start()
        r = lossy_bulk_run(stack)
        mid.join()
        for ns, old in before.items():
            new = counters(ns, stack)
            log('C %s %s: %s' % (stack, 'sender' if ns == 'ca' else
                                 'receiver', ' '.join(
                                     '%s=%d' % (k, new[k] - old.get(k, 0))
                                     for k in sorted(new)
                                     if new[k] != old.get(k, 0))))
        return r
    return lossy_bulk_run(stack)


def lossy_bulk_run(stack):
    cmd = 'ip netns exec ca ' + wrap(stack, 'iperf3 -c %s -p %d -J -t %d' % (
        LOSSY_SERVER, PORT[('bulk', stack)], DURATION))
    for attempt in range(2):
        out = ''
        try:
            out = sh(cmd, check=False, timeout=TIMEOUT)
            js = json.loads(out[out.index('{'):])
            return {'mbit': js['end']['sum_received']['bits_per_second']
                    / 1e6}
        except (ValueError, KeyError, subprocess.TimeoutExpired) as e:
            log('%s lossy bulk failed (%s): %s' % (stack, type(e).__name__,
                                                   out[-300:]))
            time.sleep(2)
    return None


def lossy(res):
    """Phase C: returns the congestion-control description."""
    lossy_setup()
    cc = set_cc(('ca', 'cb'))
    log('C: ' + cc + '; path ca - router cr - cb, netem on the router')
    srv = [start_server('cb', wrap(stack, 'iperf3 -s -p %d'
                                   % PORT[('bulk', stack)]))
           for stack in ('native', 'xtcp')]
    time.sleep(3)
    for key, name, qdata, qack in LOSSY:
        for dev, q in (('veth2', qdata), ('veth1', qack)):
            if q:
                sh('tc -n cr qdisc replace dev %s root netem %s' % (dev, q))
        for i in range(RUNS):
            for side, stack in enumerate(('native', 'xtcp')):
                res[key][side].append(lossy_bulk(stack))
            n, x = res[key][0][-1], res[key][1][-1]
            log('C %d/%d %s: %s / %s Mbit/s' % (
                i + 1, RUNS, name, '%.1f' % n['mbit'] if n else 'fail',
                '%.1f' % x['mbit'] if x else 'fail'))
        for dev in ('veth1', 'veth2'):
            sh('tc -n cr qdisc del dev %s root' % dev, check=False)
    for p in srv:
        stop_server(p)
    return cc


def main():
    setup()
    off = offloads()
    log(off)
    res = {k: ([], []) for k in ('load', 'bulk', 'rr', 'cps', 'loss',
                                 'reorder')}
    t0 = time.time()

    # Phase A: native bulk, xtcp unloaded / loaded.
    start_server('bb', 'iperf3 -s -p %d' % PORT[('bulk', 'native')])
    time.sleep(2)
    for i in range(LOAD_RUNS if 'A' in PHASES else 0):
        # ABBA: the side that runs first alternates, so neither always
        # follows the insmod/rmmod.
        order = ((0, False), (1, True))
        for side, want in order if i % 2 == 0 else order[::-1]:
            loaded(want)
            time.sleep(1)
            res['load'][side].append(bulk('native'))
        log('A %d/%d native bulk: unloaded %s, loaded %s Gbit/s; '
            '%s, %s GB/cpu-s' % (
                i + 1, LOAD_RUNS,
                *(fmt(r[-1]['gbit'], 'Gbit/s') if r[-1]
                  else 'fail' for r in res['load']),
                *(fmt(r[-1]['gbcpu'], 'GB/cpu-s') if r[-1]
                  else 'fail' for r in res['load'])))

    # Phase B: native and xtcp side by side, xtcp loaded throughout.
    loaded(True)
    start_server('bb', wrap('xtcp', 'iperf3 -s -p %d'
                            % PORT[('bulk', 'xtcp')]))
    for stack in ('native', 'xtcp'):
        start_server('bb', wrap(stack, 'sockperf sr --tcp -i %s -p %d'
                                % (SERVER, PORT[('rr', stack)])))
    time.sleep(3)
    for i in range(RUNS if 'B' in PHASES else 0):
        for test in ('bulk', 'rr', 'cps'):
            for side, stack in enumerate(('native', 'xtcp')):
                if test == 'bulk':
                    r = bulk(stack)
                elif test == 'rr':
                    r = rr(stack)
                else:
                    r = cps(stack, i)
                res[test][side].append(r)
        n, x = res['bulk'][0][-1], res['bulk'][1][-1]
        log('B %d/%d bulk %s / %s Gbit/s' % (
            i + 1, RUNS, fmt(n['gbit'], 'Gbit/s') if n else 'fail',
            fmt(x['gbit'], 'Gbit/s') if x else 'fail'))
        n, x = res['rr'][0][-1], res['rr'][1][-1]
        log('B %d/%d rr p50/p99 %s / %s us' % (
            i + 1, RUNS, '%.1f/%.1f' % (n['p50'], n['p99']) if n else 'fail',
            '%.1f/%.1f' % (x['p50'], x['p99']) if x else 'fail'))
        n, x = res['cps'][0][-1], res['cps'][1][-1]
        log('B %d/%d conn/s %s / %s (errors %s / %s)' % (
            i + 1, RUNS, fmt(n['cps'], '') if n else 'fail',
            fmt(x['cps'], '') if x else 'fail',
            n['errors'] if n else '-', x['errors'] if x else '-'))
    for p in list(servers):
        stop_server(p)

    # Phase C: lossy paths.
    cc = lossy(res) if 'C' in PHASES else 'phase C not run'
    elapsed = time.time() - t0

    rows = [
        ('bulk throughput, iperf3, 1 stream', 'bulk', 'gbit', 'Gbit/s', 'higher'),
        ('request/response p50, sockperf pp 64 B', 'rr', 'p50', 'us', 'lower'),
        ('request/response p99, sockperf pp 64 B', 'rr', 'p99', 'us', 'lower'),
        ('connections/s, connect+1 B+close', 'cps', 'cps', 'conn/s', 'higher'),
    ] + [(name, key, 'mbit', 'Mbit/s', 'higher') for key, name, _, _ in LOSSY]
    w = 40
    hdr = '%-*s %-7s %10s %10s %8s %8s %4s  %s' % (
        w, 'test', 'unit', 'native', 'xtcp', 'ratio', 'pairs', 'n', 'better')
    rule = '%s %s %s %s %s %s %s  %s' % ('-' * w, '-' * 7, '-' * 10, '-' * 10,
                                          '-' * 8, '-' * 8, '-' * 4, '-' * 6)
    lines = [
        'xtcp benchmark, %s' % time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()),
        'kernel %s, QEMU TCG, %d vCPUs, %d runs x %d s per test, '
        'interleaved, %s' % (os.uname().release, os.cpu_count(), RUNS,
                             DURATION, 'client on vCPU 0, server on vCPU 1'
                             if PIN else 'tasks not pinned'),
        off,
    ]
    if HOST:
        lines.append('host: %s' % HOST)
    lines += ['', 'xtcp against native TCP (xtcp loaded throughout; xtcp on '
              'both ends):', '', hdr, rule]
    for name, key, metric, unit, better in rows:
        a, b, ratio, pairs, n = row(res, key, metric)
        lines.append('%-*s %-7s %10s %10s %8.3f %8.3f %4d  %s' % (
            w, name, unit, fmt(a, unit), fmt(b, unit), ratio, pairs, n, better))
    a, b, ratio, pairs, n = row(res, 'load', 'gbit')
    ca, cb, cratio, cpairs, cn = row(res, 'load', 'gbcpu')
    lines += [
        '', 'native TCP with xtcp loaded against unloaded (issue 2, '
        'must be >= 0.97), %d pairs, ABBA order:' % LOAD_RUNS, '',
        '%-*s %-7s %10s %10s %8s %8s %4s' % (w, 'test', 'unit', 'unloaded',
                                             'loaded', 'ratio', 'pairs', 'n'),
        rule[:-8],
        '%-*s %-7s %10s %10s %8.3f %8.3f %4d' % (
            w, 'native bulk throughput, iperf3', 'Gbit/s', fmt(a, 'Gbit/s'),
            fmt(b, 'Gbit/s'), ratio, pairs, n),
        '%-*s %-7s %10s %10s %8.3f %8.3f %4d' % (
            w, 'native bulk bytes per busy CPU second', 'GB/cpu-s',
            fmt(ca, 'GB/cpu-s'), fmt(cb, 'GB/cpu-s'), cratio, cpairs, cn),
        '',
        'native, xtcp: medians over the runs; ratio = xtcp/native (loaded/',
        'unloaded) of the medians; pairs = median of the per-pair ratios, each',
        'run against the baseline run just before it; n = complete pairs.',
        'For latency a ratio above 1 means xtcp is slower.',
        '',
        'per-run values (baseline ; candidate):',
    ]
    for name, key, metric, unit, _ in [
            ('native bulk unloaded;loaded', 'load', 'gbit', 'Gbit/s', ''),
            ('native bulk unloaded;loaded', 'load', 'gbcpu', 'GB/cpu-s',
             '')] + rows:
        vals = ['%s;%s' % tuple(fmt(r[metric], unit) if r else 'fail'
                                for r in pair)
                for pair in zip(*res[key])]
        lines.append('  %s (%s): %s' % (name, unit, ' '.join(vals)))
    errs = [sum(r['errors'] for r in res['cps'][s] if r) for s in (0, 1)]
    lines.append('  connection errors: native %d, xtcp %d' % tuple(errs))
    samples = [[r['n'] for r in res['rr'][s] if r] for s in (0, 1)]
    lines.append('  sockperf round trips per run: native %s, xtcp %s'
                 % tuple(' '.join(map(str, s)) for s in samples))
    lines.append('  lossy rows: client - router - server, endpoints tso '
                 'off (gso on), router GRO off, netem on the router towards the '
                 'receiver / the sender: %s; congestion control: %s' % (
                     '; '.join('%s: %s / %s' % (key, qa, qb or 'none')
                               for key, _, qa, qb in LOSSY), cc))
    lines.append('  measurement time %.0f s' % elapsed)
    text = '\n'.join(lines) + '\n'
    print('\n' + text, flush=True)
    with open(RESULTS, 'w') as f:
        f.write(text)


try:
    main()
finally:
    for p in list(servers):
        stop_server(p)
