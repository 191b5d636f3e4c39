"""``Sandbox``: the bubblewrap sandbox and the container, for real. The container tests need the
image (``scripts/build-image.sh``) and a podman that runs; without them they skip with the reason,
unless ``SCREENLOOP_REQUIRE_CONTAINER=1`` (set by ``.ci/run``), where that is a failure."""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from actions import Click, Navigate
from environments import DEFAULT_IMAGE, Browser, Remote, Sandbox, kiosk_shell_command

ROOT = Path(__file__).resolve().parents[3]
# A page that turns green where it is clicked: "the click landed", seen in the screenshot alone.
GREEN_PAGE = ("data:text/html,<body style='margin:0;background:%23fff;height:100vh' "
              "onclick=\"document.body.style.background='%2300aa00'\"></body>")
KIOSK = ["chromium", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--kiosk", "--window-position=0,0",
         "--password-store=basic", "--user-data-dir=/tmp/chromium-profile"]


def container_unavailable() -> str | None:
    if shutil.which("podman") is None:
        return "podman is not installed (scripts/setup-podman.sh installs it)"
    info = subprocess.run(["podman", "info"], capture_output=True, text=True, timeout=60)
    if info.returncode != 0:
        return f"podman cannot run here: {info.stderr.strip()[-300:]}"
    if subprocess.run(["podman", "image", "exists", DEFAULT_IMAGE], timeout=60).returncode != 0:
        return f"the image {DEFAULT_IMAGE} is not built (scripts/build-image.sh)"
    return None


@pytest.fixture(scope="session")
def podman() -> None:
    reason = container_unavailable()
    if reason is not None:
        if os.environ.get("SCREENLOOP_REQUIRE_CONTAINER") == "1":
            pytest.fail(f"the container is required here but unavailable: {reason}")
        pytest.skip(reason)


async def screen_pixel(remote: Remote, x: int, y: int, wanted: tuple[int, int, int], timeout: float = 30) -> bool:
    """Observe until the pixel has the wanted colour (a launched browser takes a moment to paint)."""
    for _ in range(int(timeout / 0.2)):
        if (await remote.observe()).image.getpixel((x, y)) == wanted:
            return True
        await asyncio.sleep(0.2)
    return False


async def click_lands(remote: Remote) -> None:
    await remote.launch([*KIOSK, f"--window-size={remote.size[0]},{remote.size[1]}", GREEN_PAGE])
    assert await screen_pixel(remote, 640, 400, (255, 255, 255)), "the page never appeared"
    result = await remote.execute(Click(x=640, y=400))
    assert result.ok and result.changed, result
    assert await screen_pixel(remote, 640, 400, (0, 170, 0)), "the click did not land"


async def live_view_answers(url: str) -> None:
    """The noVNC page loads, and a WebSocket to websockify opens and carries the VNC greeting."""
    async with httpx.AsyncClient() as client:
        page = await client.get(url.split("?")[0])
    assert page.status_code == 200 and "noVNC" in page.text
    host, port = url.split("/")[2].split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f"GET /websockify HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Protocol: binary\r\n\r\n").encode())
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    assert head.startswith(b"HTTP/1.1 101"), head
    frame = await asyncio.wait_for(reader.readexactly(2 + 12), 10)
    assert frame[2:] == b"RFB 003.008\n"  # x11vnc's protocol greeting, through the relay
    writer.close()


# bubblewrap ------------------------------------------------------------------------------------
async def test_bwrap_sandbox_cannot_reach_the_hosts_loopback(page_server: str, browser: Browser) -> None:
    url = f"{page_server}/pages/other.html"
    assert (await browser.execute(Navigate(url=url))).ok  # reachable from outside the sandbox
    async with Sandbox(engine="bwrap", env="browser", live_view=False) as remote:
        assert remote.kind == "browser"
        result = await remote.execute(Navigate(url=url))
        observed = await remote.observe()
    assert not result.ok
    assert "ERR_CONNECTION_REFUSED" in (result.error or ""), result.error
    assert observed.url != url


async def test_bwrap_sandbox_cannot_read_the_host_users_home() -> None:
    secret = Path.home() / f".screenloop-secret-{uuid.uuid4().hex}"
    secret.write_text("top secret")
    sandbox = Sandbox(engine="bwrap", live_view=False)
    try:
        remote = await sandbox.start()
        assert sandbox.run_dir is not None
        probe = sandbox.run_dir / "probe.txt"
        await remote.launch(["sh", "-c", f"{{ head -c 10 /etc/os-release; echo; cat {secret}; ls -A {Path.home()} | sed 's/^/ls: /';"
                                         f" echo end; }} > {'/run/screenloop/probe.txt'} 2>&1"])
        for _ in range(100):
            if probe.exists() and probe.read_text().rstrip().endswith("end"):
                break
            await asyncio.sleep(0.05)
        seen = probe.read_text()
    finally:
        await sandbox.close()
        secret.unlink()
    assert seen.startswith("PRETTY_NAM")  # the system is readable...
    assert "No such file" in seen and "top secret" not in seen  # ...the home is not
    listed = [line.removeprefix("ls: ") for line in seen.splitlines() if line.startswith("ls: ")]
    assert secret.name not in listed  # not even its name


async def test_bwrap_sandbox_click_lands_and_live_view_answers() -> None:
    sandbox = Sandbox(engine="bwrap")
    async with sandbox as remote:
        await click_lands(remote)
        assert sandbox.live_url is not None
        await live_view_answers(sandbox.live_url)
    assert sandbox.run_dir is not None and not sandbox.run_dir.exists()


async def test_bwrap_sandbox_dies_with_its_owner() -> None:
    await owner_killed("bwrap")


# the allow-list, both backends -------------------------------------------------------------------
@pytest.fixture(params=["bwrap", "podman"])
def engine(request: pytest.FixtureRequest) -> str:
    if request.param == "podman":
        request.getfixturevalue("podman")
    return request.param


async def run_inside(sandbox: Sandbox, remote: Remote, script: str, timeout: float = 30) -> str:
    """Run a shell script in the sandbox (as a launched program); what it printed."""
    assert sandbox.run_dir is not None
    name = f"probe-{uuid.uuid4().hex}.txt"
    out = f"/run/screenloop/{name}"
    await remote.launch(["sh", "-c", f"{{ {script}; }} > {out} 2>&1; echo end >> {out}"])
    probe = sandbox.run_dir / name
    for _ in range(int(timeout / 0.05)):
        if probe.exists() and probe.read_text().rstrip().endswith("end"):
            break
        await asyncio.sleep(0.05)
    return probe.read_text()


FETCH = ('"$SCREENLOOP_PYTHON" -c "import sys, urllib.request, urllib.error\n'
         'try: print(urllib.request.urlopen(sys.argv[1], timeout=20).status)\n'
         'except urllib.error.HTTPError as e: print(e.code, e.read().decode().strip())" ')


async def test_the_allow_list_lets_chromium_reach_the_host_and_refuses_the_rest(
        engine: str, page_server: str, page_requests: list[str]) -> None:
    port = int(page_server.rsplit(":", 1)[1])
    sandbox = Sandbox(engine=engine, live_view=False, allow_hosts=[f"127.0.0.1:{port}"])
    allowed = f"{page_server}/pages/green.html?allowed-{uuid.uuid4().hex}"
    refused = f"http://localhost:{port}/pages/green.html?refused-{uuid.uuid4().hex}"  # same server, other name
    async with sandbox as remote:
        # Chromium the way `--env sandbox` starts it: the refused page first, then the allowed one.
        await remote.launch(kiosk_shell_command(refused, "/tmp/chromium-refused", remote.size, proxy=sandbox.proxy_url))
        for _ in range(300):
            if any(r.host == "localhost" and r.port == port for r in sandbox.requests):
                break
            await asyncio.sleep(0.1)
        await remote.launch(kiosk_shell_command(allowed, "/tmp/chromium-allowed", remote.size, proxy=sandbox.proxy_url))
        assert await screen_pixel(remote, 640, 400, (0, 170, 0)), "the host's page never appeared"
        # Any program finds the proxy in HTTP_PROXY; and the sandbox still has no network interface.
        seen = await run_inside(sandbox, remote, f"{FETCH} {allowed}; {FETCH} {refused}; "
                                                 "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '")
        log = (Path(sandbox.run_dir).parent / "proxy.log").read_text()  # type: ignore[arg-type]
    lines = seen.splitlines()
    assert lines[0] == "200", seen
    assert lines[1] == f"403 localhost:{port} is not on the sandbox's allow-list (127.0.0.1:{port})", seen
    assert lines[2:] == ["lo", "end"], seen  # loopback only
    assert allowed.removeprefix(page_server) in page_requests
    assert refused.split("?")[1] not in "".join(page_requests)  # the page server never saw it
    refusals = [r for r in sandbox.requests if r.host == "localhost"]
    assert len(refusals) >= 2 and not any(r.allowed for r in refusals)  # Chromium's (page, icon) and Python's
    assert f'"host":"localhost","port":{port},"allowed":false' in log


async def test_a_sandboxed_browser_uses_the_allow_list(page_server: str, page_requests: list[str]) -> None:
    port = int(page_server.rsplit(":", 1)[1])
    allowed = f"{page_server}/pages/other.html?{uuid.uuid4().hex}"
    sandbox = Sandbox(engine="bwrap", env="browser", live_view=False, allow_hosts=[f"127.0.0.1:{port}"])
    async with sandbox as remote:
        result = await remote.execute(Navigate(url=allowed))
        observed = await remote.observe()
        refused = await remote.execute(Navigate(url=f"http://localhost:{port}/pages/other.html?refused"))
    assert result.ok and observed.url == allowed
    assert allowed.removeprefix(page_server) in page_requests
    assert "/pages/other.html?refused" not in page_requests
    refusals = [r for r in sandbox.requests if r.host == "localhost"]
    assert refusals and not any(r.allowed for r in refusals), refused


async def test_the_container_with_an_allow_list_still_has_no_network(podman: None, page_server: str) -> None:
    sandbox = Sandbox(engine="podman", live_view=False, allow_hosts=["127.0.0.1"])
    async with sandbox:
        inspect = subprocess.run(["podman", "inspect", "--format", "{{.HostConfig.NetworkMode}}", sandbox.name],
                                 capture_output=True, text=True, timeout=30)
    assert inspect.stdout.split() == ["none"]


# container -------------------------------------------------------------------------------------
async def test_container_smoke(podman: None) -> None:
    sandbox = Sandbox(engine="podman")
    async with sandbox as remote:
        assert remote.size == (1280, 800)
        observation = await remote.observe()
        assert observation.image.size == (1280, 800)
        await click_lands(remote)
        assert sandbox.live_url is not None
        await live_view_answers(sandbox.live_url)
        assert running_containers(sandbox.name) == [sandbox.name]
    assert running_containers(sandbox.name) == []
    assert sandbox.run_dir is not None and not sandbox.run_dir.exists()


async def test_container_has_no_network_and_limits(podman: None) -> None:
    sandbox = Sandbox(engine="podman", live_view=False, memory="1g", pids=256)
    async with sandbox:
        inspect = subprocess.run(["podman", "inspect", "--format",
                                  "{{.HostConfig.NetworkMode}} {{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} "
                                  "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}", sandbox.name],
                                 capture_output=True, text=True, timeout=30)
    assert inspect.stdout.split() == ["none", str(1 << 30), "256", "screenloop", "true"]


async def test_container_stops_when_its_owner_is_killed(podman: None) -> None:
    await owner_killed("podman")


def running_containers(name: str) -> list[str]:
    listed = subprocess.run(["podman", "ps", "-a", "--filter", f"name={name}", "--format", "{{.Names}}"],
                            capture_output=True, text=True, timeout=30)
    return listed.stdout.split()


OWNER = """
import asyncio, sys
from environments import Sandbox
async def main():
    sandbox = Sandbox(engine=sys.argv[1], live_view=False)
    await sandbox.start()
    print(sandbox.name, sandbox._process.pid, sandbox.run_dir, flush=True)
    await asyncio.sleep(600)
asyncio.run(main())
"""


async def owner_killed(engine: str) -> None:
    """SIGKILL the process that started a sandbox: the sandbox must stop by itself."""
    owner = await asyncio.create_subprocess_exec(sys.executable, "-c", OWNER, engine, cwd=ROOT,
                                                 stdout=asyncio.subprocess.PIPE)
    assert owner.stdout is not None
    line = (await asyncio.wait_for(owner.stdout.readline(), 90)).decode().split()
    assert len(line) == 3, "the owner did not start its sandbox"
    name, pid, run_dir = line[0], int(line[1]), Path(line[2])
    owner.send_signal(signal.SIGKILL)
    await owner.wait()
    for _ in range(300):
        gone = (running_containers(name) == []) if engine == "podman" else not Path(f"/proc/{pid}").exists()
        if gone:
            break
        await asyncio.sleep(0.1)
    assert gone, f"the {engine} sandbox outlived its owner"
    # The next sandbox started on this host reaps the dead owner's run dir.
    async with Sandbox(engine=engine, live_view=False):
        assert not run_dir.parent.exists()
