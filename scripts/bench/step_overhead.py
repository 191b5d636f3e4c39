"""What the runtime adds to each step, next to the usual way of doing the same thing.

    .venv/bin/python scripts/bench/step_overhead.py [--n 40]

Desktop: a real Xvfb at 1280x800 with Chromium in kiosk mode on a local page. screenloop observes
through MIT-SHM and acts through XTEST; the usual way is what reference loops do, a `scrot`
subprocess per screenshot and an `xdotool` subprocess per action. Browser: headless Chromium
through Playwright; the usual way is Playwright's `page.screenshot()`. Settle is compared with
the fixed 2 s delay of the Anthropic computer-use quickstart (quoted, not slept).
Prints medians and p95 in milliseconds. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import Timing, measure  # noqa: E402

from actions import Click, TypeText  # noqa: E402
from environments import Browser, Desktop  # noqa: E402

FIXED_DELAY_MS = 2000.0
TEXT = "The quick brown fox jumps over the lazy dog 012345"  # 50 characters
PAGE = ("data:text/html,<body style='margin:0'><input id=t style='position:absolute;left:20px;top:20px;"
        "width:600px;height:40px'><div style='position:absolute;top:100px;left:0;width:1280px;height:700px'></div>")


def encode(image: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "png":
        image.save(buffer, "PNG", compress_level=1)
    else:
        image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def point(i: int) -> tuple[int, int]:
    # Distinct spots on an empty area, so no two clicks merge into a double click.
    return 100 + (i % 20) * 50, 200 + (i // 20 % 10) * 40


async def bench_desktop(n: int) -> list[tuple[str, Timing, Timing | None, str]]:
    rows = []
    async with Desktop(1280, 800) as desktop:
        env = {**os.environ, "DISPLAY": str(desktop.display)}
        with tempfile.TemporaryDirectory() as profile:
            await desktop.launch_chromium(PAGE)
            await asyncio.sleep(4)
            shot = Path(profile) / "shot.png"

            def run(*argv: str) -> None:
                subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

            async def scrot_image() -> Image.Image:
                await asyncio.to_thread(run, "scrot", "-o", str(shot))
                image = Image.open(shot)
                image.load()
                return image

            async def observe(_: int) -> None:
                await desktop.observe()

            async def observe_png(_: int) -> None:
                encode((await desktop.observe()).image, "png")

            async def observe_jpeg(_: int) -> None:
                encode((await desktop.observe()).image, "jpeg")

            async def click(i: int) -> float:
                result = await desktop.execute(Click(x=point(i)[0], y=point(i)[1]))
                return result.elapsed_ms - result.settle_ms

            async def settle(i: int) -> float:
                result = await desktop.execute(Click(x=point(i + 7)[0], y=point(i + 7)[1]))
                return result.settle_ms

            async def type50(i: int) -> float:
                await desktop.execute(Click(x=300 + (i % 2) * 20, y=40))
                await desktop.execute(Click(x=300 + (i % 2) * 20, y=40, count=3))
                result = await desktop.execute(TypeText(text=TEXT))
                return result.elapsed_ms - result.settle_ms

            async def scrot(_: int) -> None:
                await scrot_image()

            async def scrot_png(_: int) -> None:
                encode(await scrot_image(), "png")

            async def scrot_jpeg(_: int) -> None:
                encode(await scrot_image(), "jpeg")

            async def xdotool_click(i: int) -> None:
                x, y = point(i)
                await asyncio.to_thread(run, "xdotool", "mousemove", str(x), str(y), "click", "1")

            async def xdotool_type(_: int) -> None:
                await asyncio.to_thread(run, "xdotool", "type", "--delay", "0", TEXT)

            ours = {name: await measure(fn, n) for name, fn in [
                ("observe", observe), ("observe + PNG", observe_png), ("observe + JPEG", observe_jpeg),
                ("click", click), ("type 50 chars", type50), ("settle, nothing changed", settle)]}
            usual = {name: await measure(fn, max(10, n // 2)) for name, fn in [
                ("observe", scrot), ("observe + PNG", scrot_png), ("observe + JPEG", scrot_jpeg),
                ("click", xdotool_click), ("type 50 chars", xdotool_type)]}
            how = {"observe": "scrot + PIL", "observe + PNG": "scrot + PNG", "observe + JPEG": "scrot + JPEG",
                   "click": "xdotool click", "type 50 chars": "xdotool type", "settle, nothing changed": "fixed 2 s"}
            for name, timing in ours.items():
                rows.append((name, timing, usual.get(name, Timing([FIXED_DELAY_MS])), how[name]))
            step = Timing([a + b for a, b in zip(ours["observe + PNG"].samples, ours["click"].samples)])
            usual_step = Timing([a + b for a, b in zip(usual["observe + PNG"].samples, usual["click"].samples)])
            rows.append(("step: observe+PNG + click", step, usual_step, "scrot + PNG + xdotool"))
            settled = Timing([a + b for a, b in zip(step.samples, ours["settle, nothing changed"].samples)])
            rows.append(("step incl. settle", settled,
                         Timing([s + FIXED_DELAY_MS for s in usual_step.samples]), "… + fixed 2 s"))
    return rows


async def bench_browser(n: int) -> list[tuple[str, Timing, Timing | None, str]]:
    rows = []
    async with Browser(1280, 800, start_url=PAGE) as browser:
        page = browser.page

        async def observe(_: int) -> None:
            await browser.observe()

        async def observe_png(_: int) -> None:
            encode((await browser.observe()).image, "png")

        async def observe_jpeg(_: int) -> None:
            encode((await browser.observe()).image, "jpeg")

        async def click(i: int) -> float:
            result = await browser.execute(Click(x=point(i)[0], y=point(i)[1]))
            return result.elapsed_ms - result.settle_ms

        async def settle(i: int) -> float:
            return (await browser.execute(Click(x=point(i)[0], y=point(i)[1]))).settle_ms

        async def type50(i: int) -> float:
            await page.fill("#t", "")
            result = await browser.execute(TypeText(text=TEXT))
            return result.elapsed_ms - result.settle_ms

        async def pw_shot(_: int) -> None:
            Image.open(io.BytesIO(await page.screenshot())).load()

        async def pw_shot_png(_: int) -> None:
            encode(Image.open(io.BytesIO(await page.screenshot())), "png")

        await page.click("#t")
        ours = {name: await measure(fn, n) for name, fn in [
            ("observe", observe), ("observe + PNG", observe_png), ("observe + JPEG", observe_jpeg),
            ("click", click), ("type 50 chars", type50), ("settle, nothing changed", settle)]}
        usual = {"observe": await measure(pw_shot, n), "observe + PNG": await measure(pw_shot_png, n)}
        for name, timing in ours.items():
            baseline = usual.get(name) or (Timing([FIXED_DELAY_MS]) if name.startswith("settle") else None)
            how = {"observe": "page.screenshot()", "observe + PNG": "page.screenshot() + PNG",
                   "settle, nothing changed": "fixed 2 s"}.get(name, "same Playwright call")
            rows.append((name, timing, baseline, how))
    return rows


def show(console: Console, title: str, rows: list[tuple[str, Timing, Timing | None, str]]) -> None:
    table = Table(title=title)
    for column in ("step", "screenloop median", "p95", "usual way", "median", "p95", "ratio"):
        table.add_column(column, justify="right" if column not in ("step", "usual way") else "left")
    for name, ours, usual, how in rows:
        ratio = f"{usual.median / ours.median:.1f}x" if usual and ours.median > 0 else "-"
        table.add_row(name, f"{ours.median:.2f}", f"{ours.p95:.2f}", how,
                      f"{usual.median:.2f}" if usual else "-", f"{usual.p95:.2f}" if usual else "-", ratio)
    console.print(table)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=40, help="samples per step")
    args = parser.parse_args()
    console = Console()
    console.print("times in milliseconds, 1280x800; PNG at compress level 1, JPEG at quality 80")
    show(console, "Desktop (Xvfb + Chromium kiosk)", await bench_desktop(args.n))
    show(console, "Browser (headless Chromium, Playwright)", await bench_browser(args.n))


if __name__ == "__main__":
    asyncio.run(main())
