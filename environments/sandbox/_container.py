"""The container backend of ``Sandbox``: the screenloop image under podman (or docker).

The container gets no network (``--network=none``), allow-list or not: the API, the live view and
the allow-list's proxy cross the boundary as Unix sockets in a host directory mounted at
``/run/screenloop``. It runs as the image's
non-root user, with every capability dropped, ``no-new-privileges``, a read-only root file system
(``/tmp`` and the home are tmpfs), and memory, CPU and process-count limits.

Cleanup after a crash of the caller, in three layers:

1. ``podman run`` is our child, attached, with a parent-death signal: when we die it gets
   SIGTERM and forwards it to the container, which ``--rm`` then removes.
2. The lease (``sandbox.py``): the container's entrypoint stops the container as soon as the
   kernel releases our lock on ``lease``, which it does for any death, SIGKILL included.
3. The reaper: containers are labelled with their owner (host, pid, process start time); every
   ``Sandbox`` start removes labelled containers whose owner is dead. This catches what the first
   two cannot, such as a host that lost power with containers set to restart.
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
from collections.abc import Mapping

from actions import UserError

from .._process import spawn
from ..errors import EnvironmentFailure

__all__ = ["ContainerLimits", "container_argv", "engine_works", "find_engine", "owner_alive", "reap", "remove"]

LABEL = "screenloop.sandbox"
OWNER_LABEL = "screenloop.owner"
RUN_DIR_LABEL = "screenloop.run-dir"
INNER_RUN_DIR = "/run/screenloop"


class ContainerLimits:
    """Resource limits, in the engine's own units."""

    def __init__(self, memory: str = "2g", cpus: float = 1.0, pids: int = 512, shm: str = "256m") -> None:
        if cpus <= 0 or pids <= 0:
            raise UserError(f"cpus and pids must be positive, got cpus={cpus}, pids={pids}")
        self.memory, self.cpus, self.pids, self.shm = memory, cpus, pids, shm


def find_engine(preferred: str = "auto") -> str:
    """The container engine to use: ``podman`` or ``docker``, whichever is installed (podman first)."""
    candidates = ("podman", "docker") if preferred == "auto" else (preferred,)
    for engine in candidates:
        if shutil.which(engine):
            return engine
    raise UserError(f"no container engine found (looked for {', '.join(candidates)}); install podman, "
                    "or use Sandbox(engine='bwrap')")


async def engine_works(engine: str) -> str | None:
    """None when the engine can run containers here, else the reason it cannot."""
    code, output = await _run([engine, "info", "--format", "{{.Host.OCIRuntime.Name}}"]
                              if engine == "podman" else [engine, "info"], timeout=30)
    return None if code == 0 else f"`{engine} info` failed: {output.strip()[-400:]}"


def container_argv(
    engine: str, image: str, *, name: str, run_dir: str, owner: str, limits: ContainerLimits,
    env: Mapping[str, str], secret_env: tuple[str, ...],
) -> list[str]:
    """The ``run`` command. ``secret_env`` names are passed without values (``-e NAME``), so the
    engine copies them from its own environment and they never appear on a command line."""
    argv = [
        engine, "run", "--rm", "--name", name,
        "--label", f"{LABEL}=1", "--label", f"{OWNER_LABEL}={owner}", "--label", f"{RUN_DIR_LABEL}={run_dir}",
        "--network=none",
        "--memory", limits.memory, "--cpus", f"{limits.cpus:g}", "--pids-limit", str(limits.pids),
        "--shm-size", limits.shm,
        "--cap-drop=ALL", "--security-opt", "no-new-privileges",
        "--read-only", "--tmpfs", "/tmp:mode=1777", "--tmpfs", "/home/screenloop:mode=1777",
        "-v", f"{run_dir}:{INNER_RUN_DIR}",
    ]
    # Explicit limits, within ours: the engine's defaults can exceed what this process may grant
    # (runc then fails with "error setting rlimit ... operation not permitted").
    nofile = min(8192, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
    argv += ["--ulimit", f"nofile={nofile}:{nofile}", "--ulimit", "nproc=4096:4096"]
    if engine == "podman":
        argv += ["--pull=never"]
    # The engine's own health check needs systemd timers under podman; Sandbox polls /health itself.
    argv += ["--no-healthcheck"]
    for key, value in env.items():
        argv += ["-e", f"{key}={value}"]
    for key in secret_env:
        argv += ["-e", key]
    return [*argv, image]


async def remove(engine: str, name: str, grace: float = 5.0) -> None:
    """Stop the container (SIGTERM, then SIGKILL after ``grace``) and remove it."""
    await _run([engine, "stop", "-t", f"{grace:g}", name], timeout=grace + 20)
    await _run([engine, "rm", "-f", name], timeout=30)


async def reap(engine: str, hostname: str) -> list[str]:
    """Remove sandboxes whose owner process on this host is dead; returns their names."""
    code, output = await _run([engine, "ps", "-a", "--filter", f"label={LABEL}", "--format",
                               f'{{{{.Names}}}}\t{{{{index .Labels "{OWNER_LABEL}"}}}}\t'
                               f'{{{{index .Labels "{RUN_DIR_LABEL}"}}}}'], timeout=30)
    if code != 0:
        return []
    reaped = []
    for line in output.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or owner_alive(parts[1], hostname):
            continue
        await _run([engine, "rm", "-f", parts[0]], timeout=30)
        if parts[2].startswith(("/dev/shm/screenloop-", "/tmp/screenloop-")):
            shutil.rmtree(os.path.dirname(parts[2]), ignore_errors=True)
        reaped.append(parts[0])
    return reaped


def owner_alive(owner: str, hostname: str) -> bool:
    """Is ``host:pid:start`` a live process on this host? Unknown formats and other hosts count as alive."""
    host, _, rest = owner.partition(":")
    pid, _, started = rest.partition(":")
    if host != hostname or not pid.isdigit():
        return True
    return process_start_time(int(pid)) == started


def process_start_time(pid: int) -> str | None:
    """The start time of a process in clock ticks since boot: with the pid, a unique identity."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


async def _run(argv: list[str], timeout: float) -> tuple[int, str]:
    try:
        process = await spawn(argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    except FileNotFoundError as exc:
        raise EnvironmentFailure(f"{argv[0]} is not installed") from exc
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        return 124, f"{' '.join(argv[:3])} did not finish within {timeout:g} s"
    return process.returncode or 0, output.decode(errors="replace")
