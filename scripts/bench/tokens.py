"""What a screenshot costs each provider, and what 50 steps of conversation weigh.

    .venv/bin/python scripts/bench/tokens.py [--steps 50] [--sizes 1280x800,1920x1080]

For each provider the screenshot is sized exactly as its adapter sizes it, then encoded (PNG and
JPEG q80). Tokens are *estimates* from each provider's published image rule: Anthropic
``w*h/750``; OpenAI GA (``detail: original``) one token per 32x32 patch; OpenAI preview 85 + 170
per 512-px tile after fitting 2048 px and a 768-px short side; UI-TARS (Qwen2.5-VL) one token
per 28x28 patch. Request sizes are not estimated: the real adapters run 50 turns against the
local wire server (tests/agent/wire_server.py) through the real SDKs, and the bytes each request
put on the wire are read back, with the adapter's pruning and with every screenshot kept.

The screenshot is a real page rendered by headless Chromium (an invoice list), or a drawn one
with ``--synthetic``. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import measure  # noqa: E402

from actions import Click  # noqa: E402
from agent.models import (  # noqa: E402
    ActionFeedback,
    AnthropicMessagesModel,
    Model,
    ModelInput,
    OpenAICompatModel,
    OpenAIResponsesModel,
    require_loopback_models,
)
from agent.models.anthropic_profiles import profile_for  # noqa: E402
from agent.models.images import ImageLimits, encode_image, smart_resize  # noqa: E402
from agent.models.openai_responses import variant_for  # noqa: E402
from environments import Observation  # noqa: E402
from tests.agent.wire_server import (  # noqa: E402
    WireServer,
    anthropic_message,
    chat_completion,
    computer_call,
    openai_response,
    tool_use,
)


def _openai_ga_tokens(w: int, h: int) -> int:
    return math.ceil(w / 32) * math.ceil(h / 32)


def _openai_preview_tokens(w: int, h: int) -> int:
    scale = min(1.0, 2048 / max(w, h))
    w, h = w * scale, h * scale
    scale = min(1.0, 768 / min(w, h))
    w, h = w * scale, h * scale
    return 85 + 170 * math.ceil(w / 512) * math.ceil(h / 512)


@dataclass
class Provider:
    label: str
    frame: Callable[[int, int], tuple[int, int]]
    tokens: Callable[[int, int], int]
    build: Callable[[WireServer, int | None], Model]
    reply: Callable[[], dict]
    route: str
    server_keeps_history: bool = False


def providers() -> list[Provider]:
    def limits(lim: ImageLimits) -> Callable[[int, int], tuple[int, int]]:
        return lambda w, h: lim.frame(w, h).image

    def claude(model: str) -> Provider:
        return Provider(
            f"anthropic {model}", limits(profile_for(model).limits), lambda w, h: round(w * h / 750),
            lambda wire, keep: AnthropicMessagesModel(model, base_url=wire.anthropic_url, api_key="bench",
                                                      keep_images=keep),
            lambda: anthropic_message(tool_use({"action": "left_click", "coordinate": [10, 10]})), "anthropic")

    def openai(model: str, tokens: Callable[[int, int], int]) -> Provider:
        return Provider(
            f"openai {model}", limits(variant_for(model).limits), tokens,
            lambda wire, keep: OpenAIResponsesModel(model, base_url=wire.openai_url, api_key="bench"),
            lambda: openai_response(computer_call(Click(x=10, y=10))), "openai", server_keeps_history=True)

    return [
        openai("gpt-5.4", _openai_ga_tokens),
        openai("computer-use-preview", _openai_preview_tokens),
        claude("claude-sonnet-4-6"),
        claude("claude-opus-4-7"),
        Provider("openai-compat ui-tars-1.5", lambda w, h: smart_resize(w, h).image,
                 lambda w, h: (w // 28) * (h // 28),
                 lambda wire, keep: OpenAICompatModel("ui-tars-1.5", base_url=wire.openai_url, keep_images=keep),
                 lambda: chat_completion("Thought: x\nAction: click(start_box='(10,10)')"), "chat"),
    ]


PAGE = """<html><body style="font-family:sans-serif;margin:0">
<div style="background:#1f3a5f;color:white;padding:14px 24px;font-size:20px">Acme ERP &mdash; Accounts payable</div>
<div style="display:flex"><div style="width:220px;background:#eef2f7;height:2000px;padding:16px">
{menu}</div><div style="padding:16px;flex:1"><h2>Open invoices</h2>
<input placeholder="Search invoices" style="width:420px;padding:6px"> <button>Search</button>
<table style="border-collapse:collapse;width:100%;margin-top:12px;font-size:14px">{rows}</table></div></div></body></html>"""


async def real_screenshot(width: int, height: int) -> Image.Image:
    from environments import Browser

    menu = "".join(f"<p>{name}</p>" for name in ["Dashboard", "Invoices", "Vendors", "Payments", "Reports",
                                                  "Approvals", "Settings"])
    rows = "".join(
        f"<tr style='border-bottom:1px solid #ddd'><td>INV-10{i:03d}</td><td>Vendor {i % 17} GmbH</td>"
        f"<td>2026-0{i % 9 + 1}-1{i % 9}</td><td style='text-align:right'>{(i * 7919) % 10000 / 7:.2f} EUR</td>"
        f"<td><button>Pay</button></td></tr>" for i in range(60))
    path = Path("/tmp/screenloop-bench-tokens.html")
    path.write_text(PAGE.format(menu=menu, rows=rows))
    async with Browser(width, height, headless=True, start_url=path.as_uri()) as browser:
        for attempt in range(10):
            try:
                return (await browser.observe()).image
            except Exception:  # right after start, Chromium sometimes cannot capture yet
                if attempt == 9:
                    raise
                await asyncio.sleep(0.2)
    raise AssertionError("unreachable")


def synthetic_screenshot(width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 48), fill=(31, 58, 95))
    for row in range(60, height, 22):
        draw.text((240, row), f"INV-10{row:04d}   Vendor {row % 17} GmbH   2026-03-1{row % 9}   "
                               f"{(row * 7919) % 10000 / 7:.2f} EUR", fill=(30, 30, 30))
    return image


def vary(image: Image.Image, step: int) -> Image.Image:
    """A different screen each step (as a real run has), by stamping the step number on it."""
    copy = image.copy()
    ImageDraw.Draw(copy).text((image.width - 160, 60), f"step {step}", fill=(200, 0, 0))
    return copy


def observation(image: Image.Image) -> Observation:
    return Observation(image=image, width=image.width, height=image.height, timestamp=time.time(), digest="bench")


async def run_turns(provider: Provider, wire: WireServer, screen: Image.Image, steps: int,
                    keep: int | None) -> tuple[int, int]:
    """Request bytes of the last turn and of all turns, through the real adapter and SDK."""
    wire.reset()
    wire.script(provider.route, *[provider.reply() for _ in range(steps)])
    model = provider.build(wire, keep)
    last = total = 0
    for step in range(steps):
        turn = await model.turn(ModelInput(task="Pay invoice INV-10042", observation=observation(vary(screen, step)),
                                           step=step, feedback=[ActionFeedback(ok=True)] if step else []))
        last, total = turn.request_bytes, total + turn.request_bytes
    await model.close()
    return last, total


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--sizes", default="1280x800,1920x1080")
    parser.add_argument("--synthetic", action="store_true", help="draw the screenshot instead of rendering a page")
    args = parser.parse_args()
    require_loopback_models(True)
    console = Console(width=max(Console().width, 168))
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    screens = {}
    for width, height in sizes:
        try:
            screens[(width, height)] = (synthetic_screenshot(width, height) if args.synthetic
                                        else await real_screenshot(width, height))
        except Exception as exc:  # no Chromium here: say so and go on with a drawn screen
            console.print(f"[yellow]headless Chromium unavailable ({exc}); using a drawn screenshot[/]")
            screens[(width, height)] = synthetic_screenshot(width, height)

    per_shot = Table(title="One screenshot, sized as each adapter sends it")
    for column in ("provider", "screen", "sent", "PNG", "JPEG q80", "PNG encode ms", "est. tokens"):
        per_shot.add_column(column, justify="left" if column == "provider" else "right")
    for provider in providers():
        for (width, height), screen in screens.items():
            sent = provider.frame(width, height)
            png = encode_image(screen, sent, "png")
            jpeg = encode_image(screen, sent, "jpeg")
            timing = await measure(_encoder(screen, sent), n=5, warmup=1)
            per_shot.add_row(provider.label, f"{width}x{height}", f"{sent[0]}x{sent[1]}", kb(len(png.data)),
                             kb(len(jpeg.data)), f"{timing.median:.1f}", f"{provider.tokens(*sent):,}")
    console.print(per_shot)

    wire = WireServer().start()
    try:
        history = Table(title=f"Request after {args.steps} steps (PNG), real adapters and SDKs over the wire")
        for column in ("provider", "screen", "last request, pruned", "last request, all kept",
                       "all requests, pruned", "all requests, all kept", "image tokens in context, pruned / kept"):
            history.add_column(column, justify="left" if column == "provider" else "right")
        for provider in providers():
            for (width, height), screen in screens.items():
                pruned = await run_turns(provider, wire, screen, args.steps, keep=_default_keep(provider))
                kept = await run_turns(provider, wire, screen, args.steps, keep=None)
                tokens = provider.tokens(*provider.frame(width, height))
                images_pruned = args.steps if provider.server_keeps_history else _images_kept(provider, args.steps)
                history.add_row(provider.label, f"{width}x{height}", kb(pruned[0]), kb(kept[0]), kb(pruned[1]),
                                kb(kept[1]), f"{images_pruned * tokens:,} / {args.steps * tokens:,}")
        console.print(history)
        console.print("OpenAI keeps the conversation server-side (previous_response_id): each request carries one "
                      "screenshot, and every earlier one stays in the billed context; there is nothing to prune.")
    finally:
        wire.stop()


def _encoder(screen: Image.Image, sent: tuple[int, int]) -> Callable[[int], Awaitable[None]]:
    async def encode(i: int) -> None:
        encode_image(screen, sent, "png")
    return encode


def _default_keep(provider: Provider) -> int | None:
    return 5 if provider.route == "chat" else 3


def _images_kept(provider: Provider, steps: int) -> int:
    keep, batch = (5, 1) if provider.route == "chat" else (3, 5)
    due = max(0, steps - keep)
    return steps - (due - due % batch)


if __name__ == "__main__":
    asyncio.run(main())
