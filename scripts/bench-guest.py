#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmark body, run inside the VM by scripts/bench.

Native TCP bulk throughput between two namespaces over veth, with xtcp
loaded (its demultiplexer in the receive path) and without, interleaved
run by run so that drift in the host affects both alike.  Reports the
median of each and the loaded/unloaded ratio.
"""
import json
import os
import statistics
import subprocess
import sys
import time

KO, RESULTS = sys.argv[1], sys.argv[2]
RUNS = int(os.environ.get('RUNS', '7'))
DURATION = int(os.environ.get('DURATION', '5'))


def sh(cmd, check=True):
    return subprocess.run(cmd, shell=True, check=check, text=True,
                          capture_output=True).stdout


def setup():
    for c in ['ip netns add ba', 'ip netns add bb',
              'ip -n ba link add veth0 type veth peer name veth0 netns bb',
              'ip -n ba addr add 10.8.0.1/24 dev veth0',
              'ip -n bb addr add 10.8.0.2/24 dev veth0',
              'ip -n ba link set veth0 up', 'ip -n bb link set veth0 up',
              'ip -n ba link set lo up', 'ip -n bb link set lo up']:
        sh(c)
    subprocess.Popen('ip netns exec bb iperf3 -s -p 5201 >/dev/null 2>&1',
                     shell=True)
    time.sleep(1)


def iperf():
    out = sh('ip netns exec ba iperf3 -c 10.8.0.2 -p 5201 -J -t %d' % DURATION)
    return json.loads(out)['end']['sum_received']['bits_per_second'] / 1e9


def loaded(want):
    have = os.path.isdir('/sys/module/xtcp')
    if want and not have:
        sh('insmod %s' % KO)
    elif have and not want:
        sh('rmmod xtcp')


def main():
    setup()
    res = {'native, xtcp unloaded': [], 'native, xtcp loaded': []}
    for i in range(RUNS):
        for key, want in (('native, xtcp unloaded', False),
                          ('native, xtcp loaded', True)):
            loaded(want)
            res[key].append(iperf())
        print('run %d: unloaded %.3f Gbit/s, loaded %.3f Gbit/s' %
              (i + 1, res['native, xtcp unloaded'][-1],
               res['native, xtcp loaded'][-1]), flush=True)
    loaded(False)
    base = statistics.median(res['native, xtcp unloaded'])
    load = statistics.median(res['native, xtcp loaded'])
    # Each loaded run is paired with the unloaded run just before it;
    # the median of the pair ratios cancels slow drift of the host.
    pairs = statistics.median(l / u for u, l in zip(res['native, xtcp unloaded'],
                                                     res['native, xtcp loaded']))
    lines = [
        'xtcp benchmark: %s, %d runs x %ds, QEMU TCG, 2 vCPUs'
        % (os.uname().release, RUNS, DURATION),
        '',
        '%-44s %12s %8s' % ('test', 'median', 'ratio'),
        '%-44s %12s %8s' % ('-' * 44, '-' * 12, '-' * 8),
        '%-44s %7.3f Gb/s %8s' % ('native bulk (iperf3), xtcp unloaded', base, '1.000'),
        '%-44s %7.3f Gb/s %8.3f' % ('native bulk (iperf3), xtcp loaded', load,
                                    load / base),
        '',
        'ratio = median(loaded) / median(unloaded); median of per-pair',
        'ratios (each loaded run against the unloaded run before it): %.3f'
        % pairs,
    ]
    text = '\n'.join(lines) + '\n'
    print('\n' + text)
    with open(RESULTS, 'w') as f:
        f.write(text)


main()
