"""``Sandbox``: a desktop in a container (podman or docker) or a bubblewrap sandbox, driven as a
``Remote`` from the host.

    async with Sandbox() as env:                      # the screenloop image, no network
        await env.execute(Click(x=100, y=100))
    async with Sandbox(engine="bwrap") as env: ...    # the same, without a container engine
    async with Sandbox(allow_hosts=["*.example.com"]) as env: ...   # only these hosts, via the host

Whatever the backend, the boundary is one host directory, the run dir, mounted at
``/run/screenloop`` inside: the API socket, the live view socket, the frames shared with
``Remote`` for a fast observe, and the lease. The sandbox needs no network interface for any of
it, so "no network" is the default and costs nothing.

An allow-list does not change that: the sandbox still has no interface. The host runs a filtering
proxy (``_proxy.py``) on ``run/proxy.sock``; inside, the entrypoint relays ``127.0.0.1:3128`` to it
and gives programs ``HTTP_PROXY``/``HTTPS_PROXY``. Only hosts on the list get through, each request
is logged, and the log sits beside the run dir, not in it, where the sandbox cannot rewrite it.

The lease: the owner holds an exclusive ``flock`` on ``run_dir/lease`` while the sandbox runs.
The entrypoint waits for a shared lock on the same file, which the kernel grants the moment the
owner process ends, however it ends, and then stops the sandbox. No polling, no heartbeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import secrets
import shutil
import socket
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Literal

from actions import UserError

from . import _bwrap, _container
from .._process import spawn, stop
from ._proxy import HostProxy, ProxyRecord
from ._relay import start_relay
from ..errors import EnvironmentFailure, RemoteUnreachable
from ..remote.remote import Remote

__all__ = ["DEFAULT_IMAGE", "PROXY_PORT", "Sandbox", "novnc_url"]

DEFAULT_IMAGE = os.environ.get("SCREENLOOP_IMAGE", "localhost/screenloop:latest")
"""What ``scripts/build-image.sh`` builds (``IMAGE=`` there, ``SCREENLOOP_IMAGE`` here, for another tag)."""

PROXY_PORT = 3128
"""Where programs inside a sandbox with an allow-list find the proxy: ``127.0.0.1:3128``."""

Engine = Literal["auto", "podman", "docker", "bwrap"]


def novnc_url(port: int, *, password: str | None = None, view_only: bool = False, host: str = "127.0.0.1") -> str:
    """The address a person opens to watch (or take over) a sandbox's screen in a browser."""
    query = "autoconnect=1&resize=scale&reconnect=1"
    if view_only:
        query += "&view_only=1"
    if password:
        query += f"&password={password}"
    return f"http://{host}:{port}/vnc.html?{query}"


class Sandbox:
    """Starts a sandboxed desktop (or browser) and returns a connected ``Remote`` to drive it."""

    def __init__(
        self,
        image: str = DEFAULT_IMAGE,
        *,
        engine: Engine = "auto",
        env: Literal["desktop", "browser"] = "desktop",
        width: int = 1280,
        height: int = 800,
        memory: str = "2g",
        cpus: float = 1.0,
        pids: int = 512,
        live_view: bool = True,
        view_only: bool = False,
        start_timeout: float = 60.0,
        allow_hosts: Sequence[str] = (),
        deny_hosts: Sequence[str] = (),
    ) -> None:
        if env not in ("desktop", "browser"):
            raise UserError(f"env must be 'desktop' or 'browser', got {env!r}")
        if isinstance(allow_hosts, str) or isinstance(deny_hosts, str):
            raise UserError("allow_hosts and deny_hosts are lists of host patterns, not one string")
        for pattern in (*allow_hosts, *deny_hosts):
            if not pattern or "/" in pattern or any(c.isspace() for c in pattern):
                raise UserError(f"{pattern!r} is not a host pattern (example.com, *.example.com, 127.0.0.1:8080)")
        if width <= 0 or height <= 0:
            raise UserError(f"screen size must be positive, got {width}x{height}")
        self.image = image
        self.engine: str = engine
        self.env = env
        self.size = (width, height)
        self.limits = _container.ContainerLimits(memory=memory, cpus=cpus, pids=pids)
        self.live_view = live_view
        self.view_only = view_only
        self.start_timeout = start_timeout
        self.allow_hosts = tuple(allow_hosts)
        """Host patterns the sandbox may reach through the host's proxy; empty: no network at all."""
        self.deny_hosts = tuple(deny_hosts)
        """Host patterns refused even when ``allow_hosts`` matches."""
        self.proxy_url = f"http://127.0.0.1:{PROXY_PORT}" if self.allow_hosts else None
        """The proxy's address inside the sandbox (for Chromium's ``--proxy-server``), or None."""
        self.name = f"screenloop-{secrets.token_hex(4)}"
        """The container's name (also used for the run dir)."""
        self.remote: Remote | None = None
        self.live_url: str | None = None
        """The noVNC address on the host's loopback, once started with ``live_view``."""
        self.run_dir: Path | None = None
        """The host directory mounted at ``/run/screenloop`` inside."""
        self._token = secrets.token_urlsafe(32)
        self._vnc_password = secrets.token_urlsafe(6)[:8]  # VNC passwords are at most 8 characters
        self._base: str | None = None
        self._lease: IO[bytes] | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None
        self._relay: asyncio.Server | None = None
        self._proxy: HostProxy | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"Sandbox({self.name!r}, engine={self.engine!r}, env={self.env!r})"

    @property
    def requests(self) -> list[ProxyRecord]:
        """What the sandbox asked of the network through the proxy, allowed or refused (the latest
        10,000; kept after close)."""
        return list(self._proxy.records) if self._proxy is not None else []

    async def __aenter__(self) -> Remote:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # start ---------------------------------------------------------------------------------
    async def start(self) -> Remote:
        """Start the sandbox and wait until its server answers; returns the connected ``Remote``."""
        if self._closed:
            raise EnvironmentFailure(f"{self!r} has been closed")
        if self.remote is not None:
            return self.remote
        try:
            await self._launch()
            remote = Remote("http://sandbox", self._token, uds=str(self._run("api.sock")),
                            frames_dir=str(self._run("frames")))
            await remote.wait_ready(self.start_timeout, alive=self._exited)
            self.remote = remote
            if self.live_view:
                await self._open_live_view()
        except BaseException:
            await self.close()
            raise
        return remote

    async def _launch(self) -> None:
        if self.engine == "auto":
            self.engine = _container.find_engine()
        self._make_run_dir()
        values = {"WIDTH": str(self.size[0]), "HEIGHT": str(self.size[1]), "SCREENLOOP_ENV": self.env,
                  "LIVE_VIEW": "1" if self.live_view else "0", "VIEW_ONLY": "1" if self.view_only else "0"}
        secret = {"SCREENLOOP_TOKEN": self._token, "VNC_PASSWORD": self._vnc_password}
        assert self.run_dir is not None and self._base is not None
        if self.allow_hosts:
            self._proxy = HostProxy(self.allow_hosts, self.deny_hosts, log_path=os.path.join(self._base, "proxy.log"))
            await self._proxy.start(str(self._run("proxy.sock")))
            values["PROXY_PORT"] = str(PROXY_PORT)
        self._log = open(os.path.join(self._base, "sandbox.log"), "wb")  # noqa: SIM115 - closed in close()
        if self.engine == "bwrap":
            argv = _bwrap.bwrap_argv(run_dir=str(self.run_dir))
            environment = _bwrap.sandbox_env({**values, **secret})
        else:
            if self.engine not in ("podman", "docker"):
                raise UserError(f"engine must be auto, podman, docker or bwrap, got {self.engine!r}")
            _container.find_engine(self.engine)
            await _container.reap(self.engine, socket.gethostname())
            argv = _container.container_argv(
                self.engine, self.image, name=self.name, run_dir=str(self.run_dir), owner=_owner(),
                limits=self.limits, env=values, secret_env=tuple(secret),
            )
            environment = {**os.environ, **secret}
        self._process = await spawn(argv, env=environment, stdout=self._log, stderr=self._log)

    def _make_run_dir(self) -> None:
        """A private parent (0700, ours) holding the run dir, which the sandbox user may write."""
        base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()
        _reap_run_dirs(base)
        self._base = tempfile.mkdtemp(prefix="screenloop-", dir=base)
        Path(self._base, "owner").write_text(_owner())
        self.run_dir = Path(self._base) / "run"
        self.run_dir.mkdir()
        self.run_dir.chmod(0o777)  # the image's user (uid 1000) creates the sockets here
        lease = self.run_dir / "lease"
        self._lease = open(lease, "wb")  # noqa: SIM115 - held until close()
        lease.chmod(0o644)
        fcntl.flock(self._lease, fcntl.LOCK_EX)

    def _run(self, name: str) -> Path:
        assert self.run_dir is not None
        return self.run_dir / name

    def _exited(self) -> str | None:
        if self._process is None or self._process.returncode is None:
            return None
        return f"the sandbox exited with code {self._process.returncode}: {self.log_tail()}"

    async def _open_live_view(self) -> None:
        self._relay = await start_relay("tcp:127.0.0.1:0", f"unix:{self._run('live.sock')}")
        port = self._relay.sockets[0].getsockname()[1]
        self.live_url = novnc_url(port, password=self._vnc_password, view_only=self.view_only)

    def log_tail(self, lines: int = 8) -> str:
        """The last lines the sandbox printed, for error messages."""
        if self._base is None:
            return ""
        with contextlib.suppress(OSError):
            text = Path(self._base, "sandbox.log").read_text(errors="replace")
            return " | ".join(line for line in text.splitlines()[-lines:] if line.strip())
        return ""

    # close ---------------------------------------------------------------------------------
    async def close(self) -> None:
        """Stop and remove the sandbox, its run dir and the live view. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self.remote is not None:
            await self.remote.close()
        if self._relay is not None:
            self._relay.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._relay.wait_closed(), 2)
        if self._process is not None:
            if self.engine in ("podman", "docker"):
                await _container.remove(self.engine, self.name)
            await stop(self._process, grace=10)
        if self._proxy is not None:
            await self._proxy.close()
        if self._lease is not None:
            self._lease.close()
        if self._log is not None:
            self._log.close()
        if self._base is not None:
            await _remove_tree(self._base, self.engine)

    async def wait_stopped(self, timeout: float = 30.0) -> None:
        """Wait until the sandbox process has exited (for tests of crash cleanup)."""
        if self._process is not None:
            try:
                await asyncio.wait_for(self._process.wait(), timeout)
            except TimeoutError as exc:
                raise RemoteUnreachable(f"{self!r} still running after {timeout:g} s") from exc


def _owner() -> str:
    """This process's identity for the reaper: host, pid, and start time (pids are reused)."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_container.process_start_time(pid)}"


def _reap_run_dirs(base: str) -> None:
    """Remove run dirs left by owners that died without closing (the sandbox itself stopped
    with them, through the lease; its directory on tmpfs would otherwise stay until reboot)."""
    hostname = socket.gethostname()
    for path in Path(base).glob("screenloop-*"):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink() and path.stat().st_uid == os.getuid():
                owner = (path / "owner").read_text()
                if not _container.owner_alive(owner, hostname):
                    shutil.rmtree(path, ignore_errors=True)


async def _remove_tree(path: str, engine: str) -> None:
    """Remove the run dir; files the sandbox user made may need the engine's user namespace."""
    shutil.rmtree(path, ignore_errors=True)
    if os.path.exists(path) and engine == "podman" and os.getuid() != 0:
        process = await spawn(["podman", "unshare", "rm", "-rf", path])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), 30)

