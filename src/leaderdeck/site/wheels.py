"""Pyodide and the wheels the site preloads, fetched once into a cache and reused offline.

Pyodide's core comes from the npm registry's `pyodide` package (`npm pack`), Python wheels from
PyPI (`pip download` for Pyodide's platform); nothing is fetched by the browser. The site's
`pyodide-lock.json` lists exactly the wheels it ships, so Pyodide's loader never looks elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from ..errors import LeaderdeckError

# One compatible set: jupyterlite-pyodide-kernel 0.8.6 is built for this Pyodide (Python 3.14).
PYODIDE_VERSION = "314.0.6"
PYODIDE_PLATFORM = "pyemscripten_2026_0_wasm32"
# The kernel's own needs (micropip, ipython, jedi, comm) and leaderdeck's runtime set.
RUNTIME_WHEELS = (
    "micropip==0.11.1", "comm==0.2.3", "jedi==0.19.2", "parso==0.8.7",
    "ipython==9.12.0", "ipython-pygments-lexers==1.1.1", "asttokens==3.0.2", "decorator==5.3.1",
    "executing==2.3.0", "matplotlib-inline==0.2.2", "prompt-toolkit==3.0.53", "pure-eval==0.2.4",
    "pygments==2.21.0", "stack-data==0.6.3", "traitlets==5.16.1", "wcwidth==0.9.4",
    "typing-extensions==4.16.0",
    "msgspec==0.22.0", "fsrs==6.3.2", "ipywidgets==8.1.9", "jupyterlab-widgets==3.0.17",
    "anywidget==0.11.0", "psygnal==0.16.1",
    "platformdirs==4.14.8", "tzlocal==5.4.5", "tzdata==2026.6",
)


# In the lock but not loaded at start: nothing imports them while the kernel starts or a quiz runs
# (IPython's lexers are for Sphinx, matplotlib-inline for %matplotlib, platformdirs for the desktop
# store's default folder, jupyterlab-widgets holds only a front end). A cell importing one by
# name still loads it.
ON_DEMAND = ("ipython-pygments-lexers", "matplotlib-inline", "platformdirs", "jupyterlab-widgets")
# The kernel's own Python packages, shipped in its labextension. Preloading them (with `comm`,
# `ipython` and `jedi` above) lets the kernel skip installing them through micropip at every start.
KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"
KERNEL_PACKAGES = ("piplite", "pyodide_kernel", "ipykernel")


# Wheels whose JupyterLab extension (the widget's front end) goes into the site, so the JavaScript
# always matches the Python package the kernel runs.
FRONT_ENDS = ("jupyterlab-widgets", "anywidget")


def front_end_wheels(wheels: list[Path]) -> list[Path]:
    """The wheels of `wheels` that carry a front end the site needs (see `FRONT_ENDS`)."""
    return [wheel for wheel in wheels if _name_version(wheel)[0] in FRONT_ENDS]


def kernel_wheels(labextensions: Path) -> list[Path]:
    """The kernel's own wheels (`KERNEL_PACKAGES`), from its labextension in `labextensions`."""
    folder = labextensions / KERNEL_EXTENSION / "static" / "pypi"
    found = [next(iter(sorted(folder.glob(f"{name}-*.whl"))), None) for name in KERNEL_PACKAGES]
    if None in found:
        raise LeaderdeckError(f"no {', '.join(KERNEL_PACKAGES)} wheels in {folder}: install leaderdeck[site]")
    return [wheel for wheel in found if wheel is not None]


def _run(command: list[str], cwd: Path | None = None) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        raise LeaderdeckError(f"{' '.join(command[:3])} … failed (is the network reachable for a first "
                              f"build?):\n{(done.stderr or done.stdout).strip()[-2000:]}")


def pyodide_dir(cache: Path) -> Path:
    """Pyodide's core files, from `npm pack pyodide@PYODIDE_VERSION` (cached)."""
    target = cache / f"pyodide-{PYODIDE_VERSION}"
    if (target / "pyodide.mjs").is_file():
        return target
    tarball = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tarball.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        _run(["npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--silent"], cwd=cache)
    unpacked = cache / "pyodide-unpacking"
    shutil.rmtree(unpacked, ignore_errors=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(unpacked, filter="data")
    (unpacked / "package").rename(target)
    unpacked.rmdir()
    return target


def runtime_wheels(cache: Path) -> list[Path]:
    """The pinned wheels for Pyodide's platform (cached; `pip download` only what is missing)."""
    folder = cache / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    missing = [pin for pin in RUNTIME_WHEELS if _find(folder, pin) is None]
    if missing:
        _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
              "--platform", PYODIDE_PLATFORM, "--platform", "any", "--python-version", "3.14",
              "--implementation", "cp", "--abi", "cp314", "--abi", "none", "--abi", "abi3",
              "--dest", str(folder), *missing])
    return [_find(folder, pin) or _missing(pin) for pin in RUNTIME_WHEELS]


def _find(folder: Path, pin: str) -> Path | None:
    name, version = pin.split("==")
    stem = f"{name.replace('-', '_')}-{version}-"
    return next((p for p in sorted(folder.glob("*.whl")) if p.name.lower().startswith(stem)), None)


def _missing(pin: str) -> Path:
    raise LeaderdeckError(f"pip did not download {pin}")


def write_lock(pyodide: Path, wheels: list[Path]) -> list[str]:
    """Copy `wheels` beside Pyodide and list exactly them in its `pyodide-lock.json`; return the
    names of the packages the kernel preloads (all but `ON_DEMAND`)."""
    original = json.loads((pyodide / "pyodide-lock.json").read_text())
    packages = {}
    for wheel in wheels:
        shutil.copy2(wheel, pyodide / wheel.name)
        name, version = _name_version(wheel)
        packages[name] = {"depends": [], "file_name": wheel.name, "imports": _imports(wheel),
                          "install_dir": "site", "name": name, "package_type": "package",
                          "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
                          "unvendored_tests": False, "version": version}
    lock = {"info": original["info"], "packages": dict(sorted(packages.items()))}
    (pyodide / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")
    return sorted(name for name in packages if name not in ON_DEMAND)


def _name_version(wheel: Path) -> tuple[str, str]:
    name, version = wheel.name.split("-")[:2]
    return name.lower().replace("_", "-"), version


def _imports(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] for name in archive.namelist() if "/" in name}
    return sorted(top for top in tops if not top.endswith((".dist-info", ".data")) and top.isidentifier())
