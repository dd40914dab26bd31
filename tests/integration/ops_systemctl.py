#!/usr/bin/env python3
"""A stand-in for `systemctl` in test_operations_doc.py, where the guide's
machines are network namespaces without systemd. It runs a unit's ExecStart
from $UNIT_DIR (the files the guide copied there from deploy/systemd), with the
unit's paths moved to the machine's directories ($VINET_BIN_DIR for
/usr/local/bin, $VINET_HOME for /var/lib/vinet), in its own session, logging to
$VINET_HOME/logs/UNIT.log; `stop` signals that session and waits until it is
gone. Supports: daemon-reload, enable [--now], start, stop, restart,
is-active. Everything else fails, so a guide command it cannot honour fails
the test instead of passing silently.
"""
import os
import shlex
import signal
import subprocess
import sys
import time


def unit_file(name):
    name = name if name.endswith(".service") else name + ".service"
    return name, os.path.join(os.environ["UNIT_DIR"], name)


def exec_start(path):
    with open(path) as f:
        lines = [line.strip() for line in f if line.strip().startswith("ExecStart=")]
    if len(lines) != 1:
        sys.exit(f"systemctl (test stand-in): {path}: expected one ExecStart=")
    cmd = lines[0][len("ExecStart="):]
    cmd = cmd.replace("/usr/local/bin/", os.environ["VINET_BIN_DIR"] + "/")
    cmd = cmd.replace("/var/lib/vinet", os.environ["VINET_HOME"])
    return shlex.split(cmd)


def pid_file(name):
    return os.path.join(os.environ["VINET_HOME"], "run", name + ".pid")


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def running(name):
    try:
        pid = int(open(pid_file(name)).read())
    except (OSError, ValueError):
        return None
    return pid if alive(pid) else None


def start(unit):
    name, path = unit_file(unit)
    if running(name):
        return
    argv = exec_start(path)
    home = os.environ["VINET_HOME"]
    os.makedirs(os.path.join(home, "run"), exist_ok=True)
    os.makedirs(os.path.join(home, "logs"), exist_ok=True)
    with open(os.path.join(home, "logs", name + ".log"), "ab") as log:
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True)
    with open(pid_file(name), "w") as f:
        f.write(str(p.pid))
    time.sleep(0.3)
    if not alive(p.pid):
        sys.exit(f"systemctl (test stand-in): {name} exited at once; see its log")


def stop(unit):
    name, _ = unit_file(unit)
    pid = running(name)
    if not pid:
        return
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.time() + wait
        while alive(pid) and time.time() < deadline:
            time.sleep(0.05)
        if not alive(pid):
            break
    os.unlink(pid_file(name))


def main(argv):
    if not argv:
        sys.exit("systemctl (test stand-in): no command")
    cmd, args = argv[0], argv[1:]
    if cmd == "daemon-reload":
        return 0
    if cmd == "enable":
        now = "--now" in args
        for u in (a for a in args if a != "--now"):
            unit_file(u)  # must exist
            if now:
                start(u)
        return 0
    if cmd == "start":
        for u in args:
            start(u)
        return 0
    if cmd == "stop":
        for u in reversed(args):
            stop(u)
        return 0
    if cmd == "restart":
        for u in reversed(args):
            stop(u)
        for u in args:
            start(u)
        return 0
    if cmd == "is-active":
        return 0 if all(running(unit_file(u)[0]) for u in args) else 3
    sys.exit(f"systemctl (test stand-in): unsupported command {cmd}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
