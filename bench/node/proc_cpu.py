#!/usr/bin/env python3
"""CPU seconds (utime + stime, all threads, from /proc/<pid>/stat) of the
processes of one devnet, grouped by role, for CPU-per-unit-of-work numbers
on a shared machine (docs/benchmarks.md):

  proc_cpu.py snapshot DIR [--pid NAME=PID ...] > before.json
  ... run the work ...
  proc_cpu.py snapshot DIR [--pid NAME=PID ...] > after.json
  proc_cpu.py diff before.json after.json --per N   # µs per unit, per role

A process belongs to the devnet when its command line mentions DIR. Roles:
cometbft, validator (the ABCI app), node, enclave, loadgen, other. Processes that end
between the snapshots are not counted (the devnet's do not).
"""
import argparse
import json
import os
import sys

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)


def role(argv):
    joined = " ".join(argv)
    name = os.path.basename(argv[0]) if argv else ""
    if "cometbft" in name:
        return "cometbft"
    if "loadgen" in name:
        return "loadgen"
    if " enclave " in f" {joined} ":
        return "enclave"
    if " node " in f" {joined} ":
        return "node"
    if " chain " in f" {joined} " or "abci" in joined:
        return "validator"
    return "other"


def snapshot(directory, extra):
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
            if not any(directory in a for a in argv):
                continue
            out[pid] = {"role": role(argv), "cpu": cpu_seconds(pid)}
        except OSError:
            continue
    for item in extra:
        name, pid = item.split("=", 1)
        try:
            out[pid] = {"role": name, "cpu": cpu_seconds(pid)}
        except OSError:
            pass
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    return {"procs": out, "load": load}


def diff(before, after, per):
    totals = {}
    for pid, a in after["procs"].items():
        b = before["procs"].get(pid)
        if b is None:
            continue
        totals.setdefault(a["role"], 0.0)
        totals[a["role"]] += a["cpu"] - b["cpu"]
    report = {r: round(s * 1e6 / per, 1) for r, s in sorted(totals.items())}
    report["total"] = round(sum(totals.values()) * 1e6 / per, 1)
    return {"us_cpu_per_unit": report, "units": per, "cpu_s": round(sum(totals.values()), 2),
            "load_before": before["load"], "load_after": after["load"]}


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("dir")
    s.add_argument("--pid", action="append", default=[])
    d = sub.add_parser("diff")
    d.add_argument("before")
    d.add_argument("after")
    d.add_argument("--per", type=int, required=True)
    args = ap.parse_args()
    if args.cmd == "snapshot":
        json.dump(snapshot(args.dir, args.pid), sys.stdout)
    else:
        print(json.dumps(diff(json.load(open(args.before)), json.load(open(args.after)),
                              args.per)))


if __name__ == "__main__":
    main()
