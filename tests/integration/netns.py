"""A vinet network spread over Linux network namespaces on one machine.

Every process gets its own namespace with its own address on one bridge:
4 validators (CometBFT + `vinet chain start`, which talk over the namespace's
loopback), the inference node, the enclave emulator, the client, and a proxy
namespace running toxiproxy. The homes come from `vinet testnet init --hosts
<the namespaces' addresses>`, with every validator's peers dialling it through
its proxy (`--peer-addresses`), so each peer link has `latency_ms` ± `jitter_ms`
in each direction (this kernel has no netem qdisc). Partitions and packet loss
are nftables rules inside the namespaces (table `inet vinet`).

Names carry a random suffix (namespaces `vnt<suffix>-<role>`, bridge
`vt<suffix>br`, veths `vt<suffix><k>h`), addresses come from a random free
10.x.y.0/24, so parallel runs never collide. A marker file
/run/vinet-netns/<suffix>.json (written before anything is created) names the
owner pid; `cleanup_stale()` removes what runs of dead owners left behind.
`down()` kills every process in the namespaces (`ip netns pids`), the proxy,
and removes namespaces, bridge and marker; it is idempotent and runs on any
failure of `up()`.

As a script: `python3 tests/integration/netns.py up --dir DIR` starts a network
and leaves it running (DIR/netns.json describes it), `... down --dir DIR` stops it.
Nothing here asserts; tests do.
"""
import argparse
import base64
import ipaddress
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VINET = os.environ.get("VINET_BIN", os.path.join(ROOT, "build/release/src/cli/vinet"))
MARKERS = "/run/vinet-netns"
PREFIX = "vnt"
P2P_PORT, RPC_PORT, NODE_PORT, PROXY_API, PROXY_BASE = 26656, 26657, 8080, 8474, 20000
GOBIN = os.path.join(os.path.expanduser("~"), "go", "bin")


def _run(*argv, check=True, timeout=60, input=None):
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                          timeout=timeout, input=input)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed ({proc.returncode}): "
                           f"{proc.stderr.strip() or proc.stdout.strip()}")
    return proc


def _env():
    env = dict(os.environ)
    env["PATH"] = GOBIN + os.pathsep + env.get("PATH", "")
    return env


def find_toxiproxy():
    """toxiproxy-server from PATH or ~/go/bin (`go install` names it `server`)."""
    for name in ("toxiproxy-server",):
        if shutil.which(name):
            return shutil.which(name)
    for name in ("toxiproxy-server", "server"):
        path = os.path.join(GOBIN, name)
        if os.access(path, os.X_OK):
            return path
    return None


def unsupported_reason():
    """Why namespace tests cannot run here, or None."""
    if os.geteuid() != 0:
        return "network namespace tests need root (ip netns, nft)"
    for tool in ("ip", "nft"):
        if not shutil.which(tool):
            return f"{tool} is not installed (apt-get install iproute2 nftables)"
    if not find_toxiproxy():
        return "toxiproxy-server not found (scripts/setup.sh installs it into ~/go/bin)"
    probe = f"{PREFIX}probe{os.getpid()}"
    proc = _run("ip", "netns", "add", probe, check=False)
    if proc.returncode != 0:
        return f"ip netns add fails here: {proc.stderr.strip()}"
    _run("ip", "netns", "del", probe, check=False)
    return None


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _kill_group(pid):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        for _ in range(50):
            if not _alive(pid):
                return
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
            time.sleep(0.05)


def _netns_list():
    out = _run("ip", "netns", "list", check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def _remove_namespaces(suffix, bridge):
    """Kills every process in our namespaces, deletes them and the bridge."""
    names = [n for n in _netns_list() if n.startswith(f"{PREFIX}{suffix}-")]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = []
        for ns in names:
            out = _run("ip", "netns", "pids", ns, check=False).stdout
            pids += [int(p) for p in out.split()]
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.time() + 5
        while pids and time.time() < deadline:
            for pid in pids:
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass
            pids = [p for p in pids if _alive(p) and _state(p) != "Z"]
            time.sleep(0.05)
        if not pids:
            break
    for ns in names:
        _run("ip", "netns", "del", ns, check=False)
    _run("ip", "link", "del", bridge, check=False)


def _state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "X"


def cleanup_stale():
    """Removes the namespaces, bridges and proxies of runs whose owner died."""
    if not os.path.isdir(MARKERS):
        return
    for name in os.listdir(MARKERS):
        path = os.path.join(MARKERS, name)
        try:
            with open(path) as f:
                marker = json.load(f)
        except (OSError, ValueError):
            continue
        if _alive(marker.get("owner", 0)):
            continue
        for pid in marker.get("pids", []):
            if _alive(pid):
                _kill_group(pid)
        _remove_namespaces(marker["suffix"], marker["bridge"])
        os.unlink(path)


def _free_subnet():
    """A random 10.x.y.0/24 that no local address or route overlaps."""
    taken = []
    for cmd in (("ip", "-4", "route", "show", "table", "all"), ("ip", "-4", "addr")):
        for word in _run(*cmd, check=False).stdout.split():
            try:
                taken.append(ipaddress.ip_network(word, strict=False))
            except ValueError:
                pass
    for _ in range(100):
        net = ipaddress.ip_network(f"10.{random.randint(64, 250)}.{random.randint(0, 255)}.0/24")
        if not any(net.overlaps(t) for t in taken if t.prefixlen > 0):
            return net
    raise RuntimeError("no free 10.x.y.0/24")


class NetnsNet:
    """One network. Roles: v0..v{n-1}, node, enclave, client, px (toxiproxy),
    plus any added with add_host()."""

    def __init__(self, workdir, validators=4, latency_ms=50, jitter_ms=10, block_time="300ms",
                 round_timeout="1s", model=None):
        self.dir = os.path.abspath(str(workdir))
        self.n = validators
        self.latency_ms, self.jitter_ms = latency_ms, jitter_ms
        self.block_time, self.round_timeout = block_time, round_timeout
        self.model = model
        self.suffix = os.urandom(3).hex()
        self.bridge = f"vt{self.suffix}br"
        self.roles = {}  # role -> {"ns", "ip", "veth"}
        self.procs = {}  # name -> Popen
        self.manifest = None
        self.model_id = None
        self.subnet = None

    # ------------------------------------------------------------ naming

    def ns(self, role):
        return self.roles[role]["ns"]

    def ip(self, role):
        return self.roles[role]["ip"]

    @property
    def bridge_ip(self):
        return str(self.subnet.network_address + 1)

    def rpc_url(self, i):
        return f"http://{self.ip(f'v{i}')}:{RPC_PORT}"

    @property
    def node_url(self):
        return f"http://{self.ip('node')}:{NODE_PORT}"

    @property
    def chain_id(self):
        return self.manifest["chain_id"]

    def proxy_port(self, i):
        return PROXY_BASE + i

    def _marker_path(self):
        return os.path.join(MARKERS, f"{self.suffix}.json")

    def _write_marker(self):
        os.makedirs(MARKERS, exist_ok=True)
        pids = [p.pid for p in self.procs.values()]
        with open(self._marker_path(), "w") as f:
            json.dump({"owner": os.getpid(), "suffix": self.suffix, "bridge": self.bridge,
                       "pids": pids, "dir": self.dir}, f)

    # ------------------------------------------------------------ topology

    def _create_bridge(self):
        self.subnet = _free_subnet()
        _run("ip", "link", "add", self.bridge, "type", "bridge")
        _run("ip", "addr", "add", f"{self.bridge_ip}/24", "dev", self.bridge)
        _run("ip", "link", "set", self.bridge, "up")

    def add_host(self, role, host_octet):
        """A namespace for `role` at subnet .host_octet, on the bridge."""
        k = len(self.roles)
        ns = f"{PREFIX}{self.suffix}-{role}"
        veth, peer = f"vt{self.suffix}{k:02d}h", f"vt{self.suffix}{k:02d}n"
        ip = str(self.subnet.network_address + host_octet)
        self.roles[role] = {"ns": ns, "ip": ip, "veth": veth}
        _run("ip", "netns", "add", ns)
        _run("ip", "link", "add", veth, "type", "veth", "peer", "name", peer, "netns", ns)
        _run("ip", "link", "set", veth, "master", self.bridge, "up")
        _run("ip", "-n", ns, "link", "set", peer, "name", "eth0")
        _run("ip", "-n", ns, "addr", "add", f"{ip}/24", "dev", "eth0")
        _run("ip", "-n", ns, "link", "set", "eth0", "up")
        _run("ip", "-n", ns, "link", "set", "lo", "up")
        _run("ip", "netns", "exec", ns, "nft", "-f", "-", input=(
            "table inet vinet {\n"
            "  chain input { type filter hook input priority 0; policy accept; }\n"
            "  chain output { type filter hook output priority 0; policy accept; }\n"
            "}\n"))
        return ns

    def start(self, name, role, argv, log=None):
        """Starts argv inside role's namespace (own session), logging to DIR/logs."""
        os.makedirs(os.path.join(self.dir, "logs"), exist_ok=True)
        log = log or os.path.join(self.dir, "logs", f"{name}.log")
        with open(log, "ab") as out:
            proc = subprocess.Popen(["ip", "netns", "exec", self.ns(role), *map(str, argv)],
                                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True, env=_env())
        self.procs[name] = proc
        self._write_marker()
        return proc

    def stop(self, name):
        proc = self.procs.pop(name, None)
        if proc:
            _kill_group(proc.pid)
            proc.wait(timeout=10)

    def exec(self, role, *argv, check=True, timeout=60):
        return _run("ip", "netns", "exec", self.ns(role), *argv, check=check, timeout=timeout)

    # ------------------------------------------------------------ faults (nftables)

    def nft(self, role, *rules):
        text = "".join(f"add rule inet vinet {r}\n" for r in rules)
        _run("ip", "netns", "exec", self.ns(role), "nft", "-f", "-", input=text)

    def heal(self):
        for role in self.roles:
            _run("ip", "netns", "exec", self.ns(role), "nft", "flush", "table", "inet", "vinet")

    def isolate(self, role):
        """Drops every packet in and out of role's namespace but loopback."""
        self.nft(role, 'input iifname != "lo" drop', 'output oifname != "lo" drop')

    def cut(self, a, b):
        """Cuts the peer links between validators a and b (both directions,
        both dialers): each side drops its traffic to and from the other's proxy."""
        px = self.ip("px")
        for me, other in ((a, b), (b, a)):
            port = self.proxy_port(other)
            self.nft(f"v{me}", f"output ip daddr {px} tcp dport {port} drop",
                     f"input ip saddr {px} tcp sport {port} drop")

    def split(self, group_a, group_b):
        for a in group_a:
            for b in group_b:
                self.cut(a, b)

    def loss(self, percent, roles=None):
        """Drops `percent` % of the packets arriving in each namespace."""
        for role in roles or [r for r in self.roles if r != "px"]:
            self.nft(role, f"input numgen random mod 100 < {int(percent)} drop")

    # ------------------------------------------------------------ chain access (root namespace)

    def rpc(self, i, method, timeout=3, **params):
        r = requests.get(f"{self.rpc_url(i)}/{method}", params=params, timeout=timeout)
        r.raise_for_status()
        return r.json()["result"]

    def height(self, i):
        try:
            return int(self.rpc(i, "status")["sync_info"]["latest_block_height"])
        except (requests.RequestException, KeyError, ValueError):
            return None

    def local_height(self, i):
        """Validator i's height asked from inside its own namespace (over
        loopback, so it answers while the namespace is isolated)."""
        code = ("import json,urllib.request;print(json.load(urllib.request.urlopen("
                f"'http://127.0.0.1:{RPC_PORT}/status',timeout=3))"
                "['result']['sync_info']['latest_block_height'])")
        return int(self.exec(f"v{i}", sys.executable, "-c", code, timeout=20).stdout)

    def heights(self):
        return [self.height(i) for i in range(self.n)]

    def headers(self, i, lo, hi):
        """{height: (block hash, app hash)} of validator i for lo..hi."""
        out = {}
        h = lo
        while h <= hi:
            top = min(hi, h + 19)
            metas = self.rpc(i, "blockchain", timeout=10, minHeight=h, maxHeight=top)["block_metas"]
            for m in metas:
                out[int(m["header"]["height"])] = (m["block_id"]["hash"], m["header"]["app_hash"])
            h = top + 1
        return out

    def claim(self, inference_id, i=0):
        r = self.rpc(i, "abci_query", timeout=5, path=f'"/claim/{inference_id}"')["response"]
        if r.get("code", 0) != 0 or not r.get("value"):
            return None
        return json.loads(base64.b64decode(r["value"]))

    def vinet(self, *args, timeout=60):
        return _run(VINET, *args, timeout=timeout)

    def wait(self, what, fn, timeout, interval=0.2):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = fn()
            if value:
                return value
            time.sleep(interval)
        raise TimeoutError(f"timed out after {timeout} s waiting for {what}; logs in {self.dir}/logs")

    # ------------------------------------------------------------ lifecycle

    def up(self):
        cleanup_stale()
        os.makedirs(self.dir, exist_ok=True)
        self._write_marker()
        try:
            self._up()
        except BaseException:
            self.down()
            raise
        return self

    def _up(self):
        self._create_bridge()
        self._write_marker()
        self.add_host("px", 5)
        for i in range(self.n):
            self.add_host(f"v{i}", 10 + i)
        for role, octet in (("node", 20), ("enclave", 21), ("client", 30)):
            self.add_host(role, octet)
        self._start_proxies()
        hosts = [self.ip(f"v{i}") for i in range(self.n)] + [self.ip("node")]
        peers = [f"{self.ip('px')}:{self.proxy_port(i)}" for i in range(self.n)]
        args = ["testnet", "init", "--validators", self.n, "--hosts", ",".join(hosts),
                "--out", os.path.join(self.dir, "testnet"), "--seed", self.suffix,
                "--peer-addresses", ",".join(peers), "--pex", "false",
                "--block-time", self.block_time, "--round-timeout", self.round_timeout,
                "--gossip-interval", "20ms", "--json"]
        if self.model:
            args += ["--model", self.model]
        self.manifest = json.loads(_run(VINET, *args, timeout=120).stdout)
        for v in self.manifest["validators"]:
            i = v["index"]
            self.start(f"app{i}", f"v{i}", v["commands"]["app"])
            self.start(f"comet{i}", f"v{i}", v["commands"]["cometbft"])
        self.wait("the first blocks", lambda: all((h or 0) >= 2 for h in self.heights()), 60)
        if self.model:
            self._start_inference()

    def _start_proxies(self):
        px = self.ip("px")
        self.start("toxiproxy", "px", [find_toxiproxy(), "-host", px, "-port", PROXY_API])
        api = f"http://{px}:{PROXY_API}"

        def ready():
            try:
                return requests.get(f"{api}/version", timeout=1).ok
            except requests.RequestException:
                return False
        self.wait("toxiproxy", ready, 20, 0.05)
        for i in range(self.n):
            name = f"v{i}"
            r = requests.post(f"{api}/proxies", timeout=5, json={
                "name": name, "listen": f"{px}:{self.proxy_port(i)}",
                "upstream": f"{self.ip(name)}:{P2P_PORT}", "enabled": True})
            r.raise_for_status()
            for stream in ("upstream", "downstream"):
                r = requests.post(f"{api}/proxies/{name}/toxics", timeout=5, json={
                    "name": f"latency_{stream}", "type": "latency", "stream": stream,
                    "toxicity": 1.0,
                    "attributes": {"latency": self.latency_ms, "jitter": self.jitter_ms}})
                r.raise_for_status()

    def _start_inference(self):
        node = self.manifest["nodes"][0]
        self.start("enclave", "enclave", node["commands"]["enclave"])
        socket = node["enclave_socket"]

        def pcr0():
            proc = _run(VINET, "enclave", "info", "--socket", socket, "--json", check=False)
            return json.loads(proc.stdout)["pcr0"] if proc.returncode == 0 else None
        pcr = self.wait("the enclave", pcr0, 30)
        rpc = self.rpc_url(0)
        self.vinet("tx", "register-node", "--chain", rpc, "--key", node["key"], "--stake",
                   self.manifest["node_stake"], "--endpoint", node["url"])
        model = self.manifest["models"][0]
        self.model_id = model["id"]
        self.vinet("tx", "register-model", "--chain", rpc, "--key", self.manifest["dev_key"],
                   "--model-id", model["id"], "--name", model["name"], "--fee-per-inference",
                   self.manifest["model_fee"], "--mode", "vanilla", "--mode", "tee", "--pcr0", pcr)
        self.start("node", "node", node["commands"]["node"])

        def healthy():
            try:
                return requests.get(f"{self.node_url}/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False
        self.wait("the inference node", healthy, 30)

    def down(self):
        for name in list(self.procs):
            try:
                self.stop(name)
            except Exception:  # noqa: BLE001 - teardown goes on
                pass
        _remove_namespaces(self.suffix, self.bridge)
        try:
            os.unlink(self._marker_path())
        except FileNotFoundError:
            pass

    def describe(self):
        return {"suffix": self.suffix, "bridge": self.bridge, "subnet": str(self.subnet),
                "dir": self.dir, "chain_id": self.chain_id, "model_id": self.model_id,
                "roles": self.roles, "pids": {k: p.pid for k, p in self.procs.items()},
                "manifest": os.path.join(self.dir, "testnet", "testnet.json"),
                "rpc": [self.rpc_url(i) for i in range(self.n)],
                "node": self.node_url if self.model else None}


def _cli():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up", "down"])
    parser.add_argument("--dir", required=True, help="working directory (homes, logs, netns.json)")
    parser.add_argument("--validators", type=int, default=4)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--jitter-ms", type=int, default=10)
    parser.add_argument("--model", help="ONNX model for the inference node (default: the demo model)")
    args = parser.parse_args()
    state_file = os.path.join(os.path.abspath(args.dir), "netns.json")
    if args.command == "up":
        reason = unsupported_reason()
        if reason:
            sys.exit(reason)
        model = args.model
        if not model:
            model = os.path.join(os.path.abspath(args.dir), "demo_model.onnx")
            os.makedirs(args.dir, exist_ok=True)
            _run(sys.executable, os.path.join(ROOT, "scripts/make_demo_model.py"), model)
        net = NetnsNet(args.dir, validators=args.validators, latency_ms=args.latency_ms,
                       jitter_ms=args.jitter_ms, model=model)
        net.up()
        # The processes outlive this script: the marker's owner is pid 1's child
        # no more, so record the state for `down` and keep the marker alive by
        # naming no live owner check (down removes it).
        with open(state_file, "w") as f:
            json.dump(net.describe(), f, indent=2)
        with open(net._marker_path(), "w") as f:
            json.dump({"owner": 1, "suffix": net.suffix, "bridge": net.bridge,
                       "pids": [p.pid for p in net.procs.values()], "dir": net.dir}, f)
        print(json.dumps(net.describe(), indent=2))
        return
    with open(state_file) as f:
        st = json.load(f)
    for pid in st["pids"].values():
        if _alive(pid):
            _kill_group(pid)
    _remove_namespaces(st["suffix"], st["bridge"])
    try:
        os.unlink(os.path.join(MARKERS, f"{st['suffix']}.json"))
    except FileNotFoundError:
        pass
    os.unlink(state_file)
    print(f"netns network {st['suffix']} down")


if __name__ == "__main__":
    _cli()
