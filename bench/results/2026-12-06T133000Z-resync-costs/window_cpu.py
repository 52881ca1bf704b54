#!/usr/bin/env python3
"""window_cpu.py SECONDS|json:REPORT -- CMD...: runs CMD, sampling every 0.5 s the CPU
time of the server on :18080, of PostgreSQL's processes and of every core;
prints what each used over CMD's last SECONDS seconds (a scenario's own
window, after the driver's set-up), per second of that window."""
import os, subprocess, sys, time

def ticks(pids):
    t = 0
    for p in pids:
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            t += int(f[11]) + int(f[12])
        except (OSError, IndexError, ValueError):
            pass
    return t

def pids(pattern, exact=False):
    out = subprocess.run(["pgrep", "-x" if exact else "-f", pattern], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]

def cores():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:8]]
    return sum(v) - v[3] - v[4]

window_arg = sys.argv[1]; cmd = sys.argv[3:]
server = pids("serve --listen 127.0.0.1:18080")
samples = []
proc = subprocess.Popen(cmd)
while proc.poll() is None:
    samples.append((time.time(), ticks(server), ticks(pids("postgres", True)), cores(), ticks([proc.pid])))
    time.sleep(0.5)
samples.append((time.time(), ticks(server), ticks(pids("postgres", True)), cores(), 0))
end = samples[-1][0]
import json
window = float(window_arg) if not window_arg.startswith("json:") else sum(x["seconds"] for x in json.load(open(window_arg[5:]))["scenarios"] if x["scenario"] != "ceiling")
start = min(samples, key=lambda s: abs(s[0] - (end - window)))
last = samples[-2] if len(samples) > 1 else samples[-1]
hz = os.sysconf("SC_CLK_TCK"); span = end - start[0]
print(f"window {span:.1f} s: server {(samples[-1][1]-start[1])/hz:.1f} s CPU, postgres {(samples[-1][2]-start[2])/hz:.1f} s, "
      f"driver ~{(last[4]-start[4])/hz:.1f} s, all cores busy {(samples[-1][3]-start[3])/hz:.1f} s of {2*span:.1f}")
sys.exit(proc.returncode)
