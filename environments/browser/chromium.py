"""Finding and starting Chromium the way a closed, GPU-less machine needs it.

The browser is Debian's ``chromium`` by default (Playwright's own download is not assumed to work),
overridable with ``SCREENLOOP_CHROMIUM`` or an argument. On a desktop it runs in kiosk mode, so the
page fills the screen and page pixels are screen pixels, with a fresh profile whose preferences
turn off the bubbles a person would dismiss (save password, translate): a replay must not meet a
"Save password?" prompt that was not there when it was recorded.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
from pathlib import Path

from actions import UserError

__all__ = ["CHROMIUM_ARGS", "find_chromium", "kiosk_argv", "kiosk_flags", "kiosk_shell_command", "prepare_profile"]

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--disable-smooth-scrolling",
    "--no-default-browser-check",
    "--password-store=basic",
    "--disable-features=Translate,PasswordLeakDetection,MediaRouter,OptimizationHints",
)
"""Flags for a machine with a closed network and no GPU: no background connections or updates;
smooth scrolling off so a scroll lands in one step; no translate or password prompts."""

_PREFERENCES = {
    "credentials_enable_service": False,
    "profile": {"password_manager_enabled": False, "default_content_setting_values": {"notifications": 2}},
    "translate": {"enabled": False},
    "browser": {"has_seen_welcome_page": True},
}


def find_chromium(explicit: str | None = None) -> str | None:
    """The Chromium to launch: the argument, ``SCREENLOOP_CHROMIUM``, Debian's, or None (Playwright's)."""
    for candidate in (explicit, os.environ.get("SCREENLOOP_CHROMIUM"), "/usr/bin/chromium"):
        if candidate:
            if os.path.exists(candidate) or shutil.which(candidate):
                return shutil.which(candidate) or candidate
            if candidate is explicit:
                raise UserError(f"no Chromium at {explicit!r}")
    return shutil.which("chromium") or shutil.which("chromium-browser")


def prepare_profile(directory: Path) -> Path:
    """Write preferences into a new profile folder so no prompt covers the page."""
    default = Path(directory) / "Default"
    default.mkdir(parents=True, exist_ok=True)
    (default / "Preferences").write_text(json.dumps(_PREFERENCES))
    return Path(directory)


def kiosk_flags(url: str, profile: str, size: tuple[int, int] = (1280, 800), *,
                debugging_port: int | None = None, proxy: str | None = None) -> list[str]:
    """The flags of a full-screen Chromium showing ``url`` (no executable, nothing written).

    ``proxy`` sends every request through that HTTP proxy, loopback included: Chromium bypasses
    the proxy for loopback unless told ``<-loopback>``, and in a sandbox with an allow-list,
    ``127.0.0.1`` means the host's loopback, which only the proxy can reach.
    """
    flags = [*CHROMIUM_ARGS, "--kiosk", "--force-device-scale-factor=1", "--window-position=0,0",
             f"--window-size={size[0]},{size[1]}", f"--user-data-dir={profile}"]
    if debugging_port is not None:
        flags.append(f"--remote-debugging-port={debugging_port}")
    if proxy is not None:
        flags += [f"--proxy-server={proxy}", "--proxy-bypass-list=<-loopback>"]
    return [*flags, url]


def kiosk_argv(url: str, profile: Path, size: tuple[int, int] = (1280, 800), *, debugging_port: int | None = None,
               executable: str | None = None) -> list[str]:
    """The command line of a full-screen Chromium showing ``url`` on this machine's desktop."""
    chromium = find_chromium(executable)
    if chromium is None:
        raise UserError("no Chromium found: install Debian's chromium or set SCREENLOOP_CHROMIUM")
    return [chromium, *kiosk_flags(url, str(prepare_profile(profile)), size, debugging_port=debugging_port)]


def kiosk_shell_command(url: str, profile: str, size: tuple[int, int] = (1280, 800),
                        executable: str = "chromium", *, proxy: str | None = None) -> list[str]:
    """The same, for another machine (a sandbox): a shell line that writes the profile, then execs."""
    preferences = shlex.quote(json.dumps(_PREFERENCES))
    folder = shlex.quote(profile + "/Default")
    command = shlex.join([executable, *kiosk_flags(url, profile, size, proxy=proxy)])
    return ["sh", "-c", f"mkdir -p {folder} && printf %s {preferences} > {folder}/Preferences && exec {command}"]
