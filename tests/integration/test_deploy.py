"""deploy/: what can be checked without Nitro hardware or a Docker daemon.

- Dockerfile.enclave is reproducible by construction: base pinned by digest,
  packages from one snapshot date, SOURCE_DATE_EPOCH required; the ARGs it
  declares are exactly the ones build-eif.sh passes, and SOURCE_DATE_EPOCH is
  the release commit's time; the image's entrypoint is a command line the
  vinet binary accepts (it gets as far as opening /dev/nsm);
- the systemd units parse (`systemd-analyze verify`, no unknown keys);
- publish-pcr0.sh puts a PCR0 from nitro-cli's measurements JSON into a
  model's allowlist on a real devnet, and refuses a malformed PCR0.
"""
import json
import os
import re
import shutil
import subprocess

import pytest

from devnet import ROOT, VINET, Devnet, become_subreaper
from node_helpers import InferenceDevnet

DEPLOY = os.path.join(ROOT, "deploy")
DOCKERFILE = open(os.path.join(DEPLOY, "Dockerfile.enclave")).read()


def setup_module():
    become_subreaper()


def build_args():
    out = subprocess.run([os.path.join(DEPLOY, "build-eif.sh"), "--models", DEPLOY, "--port",
                          "7000", "--print-args"], capture_output=True, text=True, check=True)
    lines = out.stdout.split()
    assert lines[0::2] == ["--build-arg"] * (len(lines) // 2), lines
    return dict(arg.split("=", 1) for arg in lines[1::2])


def test_dockerfile_is_pinned_and_takes_the_scripts_args():
    (base,) = re.findall(r"^ARG BASE_IMAGE=(\S+)$", DOCKERFILE, re.M)
    assert re.fullmatch(r"debian:bookworm-slim@sha256:[0-9a-f]{64}", base), base
    froms = re.findall(r"^FROM (\S+)", DOCKERFILE, re.M)
    assert froms == ["${BASE_IMAGE}", "${BASE_IMAGE}"], froms  # both stages, same pin
    assert ":latest" not in DOCKERFILE
    assert re.search(r"snapshot\.debian\.org/archive/debian/\$\{DEBIAN_SNAPSHOT\}", DOCKERFILE)
    assert re.search(r"^ARG DEBIAN_SNAPSHOT=\d{8}T\d{6}Z$", DOCKERFILE, re.M)
    # The runtime stage never runs a package manager (its bytes come from the build stage).
    runtime = DOCKERFILE.split(" AS enclave", 1)[1]
    assert "apt-get" not in runtime and "RUN " not in runtime

    args = build_args()
    declared = set(re.findall(r"^ARG (\w+)", DOCKERFILE, re.M))
    with_defaults = {"BASE_IMAGE", "DEBIAN_SNAPSHOT"}  # pinned in the file itself
    assert set(args) == declared - with_defaults, (args, declared)
    head = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%ct", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert args["SOURCE_DATE_EPOCH"] == head
    assert args["ENCLAVE_PORT"] == "7000"
    # The build stage copies every top-level folder the CMake project reads.
    copied = set(re.findall(r"^COPY (\w+) \1$", DOCKERFILE, re.M))
    cmake = open(os.path.join(ROOT, "CMakeLists.txt")).read()
    used = {d for d in re.findall(r"add_subdirectory\((\w+)", cmake)} | {"cmake", "include"}
    assert used <= copied, used - copied


def test_entrypoint_is_a_command_vinet_accepts(tmp_path):
    (entry,) = re.findall(r'^ENTRYPOINT \["/bin/sh", "-c", "exec (.*)"\]$', DOCKERFILE, re.M)
    argv = entry.replace("${ENCLAVE_PORT}", "5000").split()
    assert argv[0] == "/opt/vinet/bin/vinet" and argv[1:3] == ["enclave", "start"]
    models = tmp_path / "models"
    models.mkdir()
    argv = [VINET] + [str(models) if a == "/opt/vinet/models" else a for a in argv[1:]]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    # Every option parses (vsock:any:5000 included); the run stops at the NSM,
    # which only exists inside a Nitro Enclave.
    assert p.returncode != 0
    assert "/dev/nsm" in p.stderr, p.stderr


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_units_verify(tmp_path):
    units = sorted(f for f in os.listdir(os.path.join(DEPLOY, "systemd")) if f.endswith(".service"))
    assert {"vinet-chain.service", "vinet-cometbft.service", "vinet-node.service",
            "vinet-enclave-dev.service", "vinet-enclave-nitro.service"} <= set(units)
    # verify checks that ExecStart binaries exist: point them at this machine's.
    cometbft = shutil.which("cometbft") or "/bin/true"
    for u in units:
        text = open(os.path.join(DEPLOY, "systemd", u)).read()
        assert "NoNewPrivileges=yes" in text and "ProtectSystem" in text or "nitro" in u, u
        text = (text.replace("/usr/local/bin/vinet", VINET)
                .replace("/usr/local/bin/cometbft", cometbft)
                .replace("/usr/bin/nitro-cli", "/bin/true"))
        (tmp_path / u).write_text(text)
    # The Nitro allocator unit comes with aws-nitro-enclaves-cli, absent here.
    (tmp_path / "nitro-enclaves-allocator.service").write_text(
        "[Unit]\nDescription=stand-in\n[Service]\nType=oneshot\nExecStart=/bin/true\n")
    p = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], cwd=tmp_path,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "Unknown" not in p.stderr and "ignoring" not in p.stderr, p.stderr


class OneValidator(InferenceDevnet, Devnet):
    pass


def test_publish_pcr0_on_devnet(vinet_bin, tmp_path):
    net = OneValidator(tmp_path / "net", validators=1, block_time="200ms")
    try:
        net.up()
        (model_id,) = net.state["models"]
        before = net.query(0, "model", model_id)[1]["allowed_pcr0"]
        new_pcr0 = os.urandom(48).hex()
        measurements = tmp_path / "measurements.json"
        measurements.write_text(json.dumps({"Measurements": {
            "HashAlgorithm": "Sha384 { ... }", "PCR0": new_pcr0, "PCR1": "00" * 48,
            "PCR2": "11" * 48}}))
        script = os.path.join(DEPLOY, "publish-pcr0.sh")
        env = dict(os.environ, VINET_BIN=VINET)
        common = ["--key", net.dev_key, "--chain", net.rpc_url(0)]
        p = subprocess.run([script, "--measurements", str(measurements), *common, model_id],
                           capture_output=True, text=True, env=env, timeout=120)
        assert p.returncode == 0, p.stdout + p.stderr
        after = net.query(0, "model", model_id)[1]["allowed_pcr0"]
        assert after == before + [new_pcr0], (before, after)
        assert new_pcr0 in p.stdout  # it prints the allowlist the chain holds

        bad = subprocess.run([script, "--pcr0", "abc", *common, model_id], capture_output=True,
                             text=True, env=env, timeout=30)
        assert bad.returncode == 2 and "not 96 hex chars" in bad.stderr, bad.stderr
    finally:
        net.down()


def test_image_library_copy_resolves_every_library(tmp_path):
    """The build stage's ldd pipeline, run on this build's binary: the copied
    libraries plus the base image's glibc are everything vinet loads."""
    (pipeline,) = re.findall(r"&& (ldd /out/bin/vinet .*?cp -L \{\} /out/lib/) \\", DOCKERFILE,
                             re.S)
    lib = tmp_path / "lib"
    lib.mkdir()
    script = pipeline.replace("/out/bin/vinet", VINET).replace("/out/lib/", f"{lib}/")
    subprocess.run(["bash", "-euo", "pipefail", "-c", script], check=True, timeout=60)
    copied = set(os.listdir(lib))
    assert any(n.startswith("libprotobuf") for n in copied), copied
    assert not any(n.startswith(("libc.so", "ld-linux")) for n in copied), copied
    env = dict(os.environ, LD_LIBRARY_PATH=str(lib))
    out = subprocess.run(["ldd", VINET], capture_output=True, text=True, env=env).stdout
    for line in out.splitlines():
        if "=>" not in line or "linux-vdso" in line:
            continue
        name, path = line.split("=>")[0].strip(), line.split("=>")[1].split()[0]
        glibc = re.match(r"(libc|libm|libpthread|libdl|librt)\.so\.", name)
        assert glibc or path.startswith(str(lib)), line
    assert subprocess.run([VINET, "--help"], env=env, capture_output=True).returncode == 0
