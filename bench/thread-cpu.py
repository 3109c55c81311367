#!/usr/bin/env python3
"""CPU seconds per thread of running programs, for finding where a benchmark's CPU goes.

Usage: bench/thread-cpu.py OUT PATTERN...

Every 0.3 s it reads /proc/<pid>/task/*/stat of each process whose command line contains one of
the PATTERNs (e.g. KgDumpCli MigrateCli ImporterCli) and keeps the last user + system time of
every thread. On SIGTERM or SIGINT it writes to OUT, per process, the total and the threads
grouped by name (a trailing number becomes #: "GC Thread#0" stays, "vert.x-worker-thread-3"
becomes "vert.x-worker-thread-#"; Linux keeps the first 15 characters of a thread name). Start
it before the programs, stop it after them: the figures are what each process used in all its
life, so a process that started earlier (a server) counts its start-up too.
"""
import collections
import os
import re
import signal
import sys
import time

if len(sys.argv) < 3:
    sys.exit("usage: thread-cpu.py OUT PATTERN...")
out, patterns = sys.argv[1], sys.argv[2:]
ticks_per_s = os.sysconf("SC_CLK_TCK")
seen = {}  # (pattern, pid, tid) -> (thread name, ticks)
me = str(os.getpid())


def scan():
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid == me:
            continue
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        match = next((p for p in patterns if p in cmdline), None)
        if match is None:
            continue
        for tid in tids:
            try:
                stat = open(f"/proc/{pid}/task/{tid}/stat").read()
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            seen[(match, pid, tid)] = (name, int(fields[11]) + int(fields[12]))


stop = False


def on_signal(*_):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)
while not stop:
    scan()
    time.sleep(0.3)

per_process = collections.defaultdict(collections.Counter)
for (match, pid, _), (name, ticks) in seen.items():
    per_process[f"{match} pid {pid}"][re.sub(r"(?<=[A-Za-z-])\d+$", "#", name)] += ticks / ticks_per_s
with open(out, "w") as o:
    for process, threads in per_process.items():
        o.write(f"== {process} total {sum(threads.values()):.1f} s\n")
        for name, seconds in threads.most_common():
            o.write(f"  {seconds:7.1f} s  {name}\n")
