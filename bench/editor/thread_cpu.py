#!/usr/bin/env python3
"""CPU time of every thread on the machine while the editor benchmark opens its file (Linux: reads /proc).

    python3 bench/editor/thread_cpu.py sample SAMPLES.jsonl SECONDS    # every 100 ms, until SECONDS have passed
    python3 bench/editor/thread_cpu.py report SAMPLES.jsonl FIGURES.json [N]

`report` takes the window from the figures' documentOpenEpochMs to wholeFileDiagnosticsEpochMs and lists the N
threads (default 12) that used the most CPU in it, with their process's command line. This is how the browser
window's web worker doing VS Code's Unicode highlighting was found competing with the first lint (bench/editor/RESULTS.md).
"""
import json
import os
import signal
import sys
import time

TICKS_PER_S = os.sysconf('SC_CLK_TCK')


def thread_ticks(names):
    """{"pid/tid": utime + stime} of every thread now; fills `names` with thread and process names first seen."""
    snap = {}
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            for tid in os.listdir(f'/proc/{pid}/task'):
                with open(f'/proc/{pid}/task/{tid}/stat') as f:
                    stat = f.read()
                close = stat.rindex(')')  # the name may hold spaces and parentheses
                fields = stat[close + 2:].split()
                key = f'{pid}/{tid}'
                snap[key] = int(fields[11]) + int(fields[12])
                if key not in names:
                    names[key] = stat[stat.index('(') + 1:close]
                if pid not in names:
                    with open(f'/proc/{pid}/cmdline', 'rb') as f:
                        names[pid] = f.read().replace(b'\0', b' ')[:120].decode(errors='replace').strip()
        except OSError:
            pass  # ended meanwhile
    return snap


def sample(out_path, seconds):
    names = {}
    end = time.time() + seconds
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped early: still write the names
    with open(out_path, 'w') as out:
        try:
            while time.time() < end:
                out.write(json.dumps({'t': time.time(), 'ticks': thread_ticks(names)}) + '\n')
                time.sleep(0.1)
        finally:
            out.write(json.dumps({'names': names}) + '\n')


def report(samples_path, figures_path, top):
    with open(samples_path) as f:
        rows = [json.loads(line) for line in f]
    names = rows.pop()['names']
    with open(figures_path) as f:
        figures = json.load(f)
    start, end = figures['documentOpenEpochMs'] / 1000, figures['wholeFileDiagnosticsEpochMs'] / 1000
    inside = [r for r in rows if start <= r['t'] <= end]
    if len(inside) < 2:
        sys.exit('thread_cpu: no samples inside the window: sample while the benchmark runs')
    first, last = inside[0], inside[-1]
    # A thread started inside the window counts from zero.
    used = {k: (v - first['ticks'].get(k, 0)) / TICKS_PER_S for k, v in last['ticks'].items()}
    print(f'{last["t"] - first["t"]:.2f} s from the document open to the whole file\'s diagnostics; CPU seconds per thread:')
    for key, s in sorted(used.items(), key=lambda kv: -kv[1])[:top]:
        if s <= 0:
            break
        pid = key.split('/')[0]
        print(f'{s:6.2f}  {names.get(key, ""):16.16}  {names.get(pid, "")[:90]}')


if __name__ == '__main__':
    if len(sys.argv) >= 4 and sys.argv[1] == 'sample':
        sample(sys.argv[2], float(sys.argv[3]))
    elif len(sys.argv) >= 4 and sys.argv[1] == 'report':
        report(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 12)
    else:
        sys.exit(__doc__)
