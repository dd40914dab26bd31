"""Build step of the vinet SDK: the pure-Python package plus the native core
``vinet._native``, built by the repository's CMake (target ``_native``).

Where the native module comes from, in order:
1. ``VINET_NATIVE=/path/to/_native*.so``: that file;
2. otherwise the repository around this directory (or ``VINET_SOURCE_DIR``):
   ``cmake --build build/release --target _native`` (configuring with the
   ``release`` preset first when needed), then
   ``build/release/python/vinet/_native*.so``.
The project's metadata is in pyproject.toml.
"""
import glob
import os
import shutil
import subprocess

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


def _repo() -> str:
    return os.environ.get("VINET_SOURCE_DIR", os.path.dirname(HERE))


def _built(repo: str):
    return sorted(glob.glob(os.path.join(repo, "build", "release", "python", "vinet", "_native*.so")))


def native_module() -> str:
    explicit = os.environ.get("VINET_NATIVE")
    if explicit:
        if not os.path.isfile(explicit):
            raise RuntimeError(f"VINET_NATIVE={explicit} is not a file")
        return explicit
    repo = _repo()
    if not os.path.isfile(os.path.join(repo, "CMakePresets.json")):
        raise RuntimeError(f"{repo} is not the vinet repository; set VINET_SOURCE_DIR or VINET_NATIVE")
    jobs = os.environ.get("VINET_JOBS", "2")
    if not os.path.isfile(os.path.join(repo, "build", "release", "build.ninja")):
        subprocess.run(["cmake", "--preset", "release"], cwd=repo, check=True)
    subprocess.run(["cmake", "--build", os.path.join(repo, "build", "release"), "--target", "_native",
                    "-j", jobs], cwd=repo, check=True)
    found = _built(repo)
    if not found:
        raise RuntimeError("cmake built no _native module under build/release/python/vinet")
    return found[-1]


class BuildPyWithNative(build_py):
    def run(self) -> None:
        super().run()
        src = native_module()
        dest = os.path.join(self.build_lib, "vinet")
        os.makedirs(dest, exist_ok=True)
        for old in glob.glob(os.path.join(dest, "_native*.so")):
            os.remove(old)
        shutil.copy2(src, os.path.join(dest, os.path.basename(src)))


class BinaryDistribution(Distribution):
    def has_ext_modules(self) -> bool:  # the wheel carries a compiled module
        return True


setup(cmdclass={"build_py": BuildPyWithNative}, distclass=BinaryDistribution)
