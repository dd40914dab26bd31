"""The SDK as a user gets it: a fresh clone of this repository's HEAD (so only
committed files count), `python -m build --wheel python` in it (scikit-build-core
compiles only the native module and what it links; with ccache the objects of
`make build` are reused), the wheel installed into a fresh venv, and
python/examples/quickstart.py run by that venv, outside the repository, against
the session devnet. Prints the wheel's build and install times.

Wall time: about 1-2 minutes on 2 cores with a warm ccache (configure ~15 s,
cached compiles, link 1 s, venv + install ~15 s, quickstart ~5 s); without
ccache the build compiles the native libraries (several minutes)."""
import glob
import os
import subprocess
import sys
import time
import zipfile

from devnet import ROOT


def run(*cmd, cwd=None, env=None, timeout=900):
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def clean_env(**extra):
    """This environment without anything that points Python at the repository."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VINET_NATIVE", "VIRTUAL_ENV", "PYTHONHOME")}
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", "2")
    env.update(extra)
    return env


def test_wheel_from_a_fresh_clone_runs_the_quickstart(devnet, tmp_path):
    head = run("git", "-C", ROOT, "rev-parse", "HEAD").strip()
    clone = tmp_path / "vinet"
    run("git", "clone", "--quiet", "--no-checkout", ROOT, clone)
    run("git", "-C", clone, "checkout", "--quiet", "--detach", head)

    t0 = time.time()
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path / "dist",
        clone / "python", cwd=clone, env=clean_env())
    build_s = time.time() - t0
    wheels = glob.glob(str(tmp_path / "dist" / "*.whl"))
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(wheels[0]) as z:
        names = z.namelist()
    assert any(n.startswith("vinet/_native") and n.endswith(".so") for n in names), names
    assert "vinet/client.py" in names and "vinet/__init__.py" in names
    assert all(n.startswith(("vinet/", "vinet-")) for n in names), names  # nothing else

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    py = venv / "bin" / "python"
    t0 = time.time()
    run(py, "-m", "pip", "install", "-q", "--disable-pip-version-check", wheels[0],
        env=clean_env())
    install_s = time.time() - t0
    t0 = time.time()  # the wheel alone, its dependencies already there
    run(py, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
        "--force-reinstall", wheels[0], env=clean_env())
    alone_s = time.time() - t0
    print(f"\nwheel {os.path.basename(wheels[0])}: built in {build_s:.1f} s from a fresh clone; "
          f"installed into a fresh venv in {install_s:.1f} s with its dependencies "
          f"(numpy, requests, websockets, httpx), {alone_s:.1f} s alone")

    # the venv's own copy is what runs, outside the repository
    where = run(py, "-c", "import vinet, vinet._native as n; print(vinet.__file__); "
                "print(n.__file__)", cwd=tmp_path, env=clean_env()).split()
    assert all(p.startswith(str(venv)) for p in where), where

    demo_model = devnet.status()["models"][0]
    out = run(py, clone / "python" / "examples" / "quickstart.py", "--devnet", devnet.dir,
              "--model", demo_model, cwd=tmp_path, env=clean_env(), timeout=300)
    assert "2 inferences verified and settled" in out, out  # the demo model: VANILLA and TEE
    assert "TEE: output hash, node signature, enclave signature, attestation checked" in out, out
