"""The bubblewrap backend of ``Sandbox``: the same desktop and server, without a container engine.

The host's file system is mounted read-only; ``/tmp``, ``/var/tmp``, ``/run``, ``/dev/shm`` and
every home (``/root``, ``/home``, and the caller's ``$HOME`` wherever it is) are fresh, empty
tmpfs, so nothing in the host user's home can be read. Only what screenloop needs to run is
bound back, read-only: its virtual environment, the Python it was made from, its three packages
and the entrypoint script. Every namespace is new, the network one included, which leaves only a
loopback interface: pages served on the host's loopback are out of reach, unless an allow-list
lets them through the host's proxy (``_proxy.py``). All capabilities are
dropped, and the sandbox dies with the process that started it.

Weaker than the container, on purpose cheaper: the system is the host's (read-only), there are
no memory or CPU limits, and the kernel is shared the same way.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from actions import UserError

__all__ = ["bwrap_argv", "sandbox_env", "start_script"]

INNER_RUN_DIR = "/run/screenloop"


def start_script() -> Path:
    """``scripts/start-desktop.sh`` of this checkout (or ``SCREENLOOP_START_SCRIPT``)."""
    explicit = os.environ.get("SCREENLOOP_START_SCRIPT")
    path = Path(explicit) if explicit else Path(__file__).resolve().parents[2] / "scripts" / "start-desktop.sh"
    if not path.is_file():
        raise UserError(f"the bubblewrap sandbox needs start-desktop.sh, not found at {path}; "
                        "set SCREENLOOP_START_SCRIPT")
    return path


def _code_paths() -> list[str]:
    """What the sandbox must see to run screenloop: the venv, its base Python, the packages."""
    paths = {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}
    for package in ("actions", "environments", "agent"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            paths.update(os.path.realpath(p) for p in spec.submodule_search_locations)
    return sorted(paths)


def _hidden_homes() -> list[str]:
    homes = {"/root", "/home", os.path.realpath(os.path.expanduser("~"))}
    return sorted(h for h in homes if os.path.isdir(h) and h != "/")


def bwrap_argv(*, run_dir: str, script: Path | None = None) -> list[str]:
    """The bwrap command line that runs ``start-desktop.sh``. Its environment is the one bwrap is
    started with (``sandbox_env``): values such as the token stay off the command line."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise UserError("bubblewrap is not installed (Debian package 'bubblewrap')")
    script = script or start_script()
    argv = [
        bwrap,
        "--unshare-all", "--unshare-net", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        "--ro-bind", "/", "/",
        "--dev", "/dev", "--proc", "/proc",
        "--tmpfs", "/tmp", "--tmpfs", "/var/tmp", "--tmpfs", "/run", "--tmpfs", "/dev/shm",
    ]
    for home in _hidden_homes():
        argv += ["--tmpfs", home]
    argv += ["--dir", "/tmp/home"]
    for path in _code_paths():
        argv += ["--ro-bind", path, path]
    argv += ["--ro-bind", str(script), "/run/start-desktop.sh", "--bind", run_dir, INNER_RUN_DIR]
    return [*argv, "--chdir", "/tmp/home", "bash", "/run/start-desktop.sh"]


def sandbox_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The whole environment inside: nothing inherited from the caller but what is listed here."""
    bin_dir = os.path.dirname(sys.executable)
    return {
        "HOME": "/tmp/home",
        "LANG": "C.UTF-8",
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
        "SCREENLOOP_PYTHON": sys.executable,
        "SCREENLOOP_BIN": os.path.join(bin_dir, "screenloop"),
        "SCREENLOOP_RUN_DIR": INNER_RUN_DIR,
        **extra,
    }
