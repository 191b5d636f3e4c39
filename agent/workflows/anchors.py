"""Anchors: taking them from a screen, and finding them again on another.

A replay must not click blind. Before a step acts, its anchor is looked for on the current
screen, cheapest way first:

1. in a browser, the recorded selector (its accessible name must still match), then role + name;
2. the image patch at the recorded place (normalized cross-correlation, a few milliseconds);
3. the image patch anywhere on the screen (one FFT correlation; several similar places are told
   apart by the anchor text near each);
4. the anchor text anywhere on the screen (OCR), plus the recorded offset from text to target.

Found where it was: the step runs as recorded. Found elsewhere: it runs shifted by the move.
Not found: the step is healed by the model, or the run fails naming the step.
"""

from __future__ import annotations

import base64
import difflib
import io
from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image

from environments import Browser, Environment, Observation

from ..record.events import ElementInfo
from ..perception.ocr import Word, ocr_words, text_near_point
from .workflow import Anchor

__all__ = ["Location", "capture_anchor", "locate"]

PATCH_HALF = (48, 20)
"""Half width and half height of the patch cut around a target (96 x 40 pixels)."""
MATCH = 0.90
"""Least normalized cross-correlation for a patch to count as found."""
IN_PLACE_PX = 3
WEAK_PATCH_STD = 25.0
"""A patch whose gray levels vary less than this (an empty field) needs its text to agree."""


@dataclass(frozen=True)
class Location:
    status: Literal["in_place", "moved", "missing"]
    point: tuple[int, int] | None
    delta: tuple[int, int]
    how: str
    """Which evidence found it (or what was tried)."""


async def capture_anchor(image: Image.Image, point: tuple[int, int], element: ElementInfo | None = None,
                         *, read_text: bool = True) -> Anchor:
    """An anchor for a target at ``point`` on ``image`` (the screen just before the action)."""
    x, y = point
    box = (max(0, x - PATCH_HALF[0]), max(0, y - PATCH_HALF[1]),
           min(image.width, x + PATCH_HALF[0]), min(image.height, y + PATCH_HALF[1]))
    buffer = io.BytesIO()
    image.crop(box).convert("L").save(buffer, "PNG", optimize=True)
    anchor = Anchor(point=point, patch=base64.b64encode(buffer.getvalue()).decode(), patch_box=box)
    if element is not None:
        anchor.role, anchor.name, anchor.selector = element.role, element.name, element.selector
        if element.box:
            anchor.box = tuple(round(v) for v in element.box)  # type: ignore[assignment]
    text, centre = None, None
    if element is not None and element.name:
        text = element.name
        if element.box:
            left, top, right, bottom = element.box
            centre = (round((left + right) / 2), round((top + bottom) / 2))
    elif read_text:
        text, centre = await _text_near(image, point)
    if text:
        anchor.text = text
        if centre is not None:
            anchor.text_offset = (x - centre[0], y - centre[1])
    return anchor


async def locate(anchor: Anchor, env: Environment, observation: Observation, *, use_ocr: bool = True) -> Location:
    """Where the anchor's target is on this screen now."""
    tried: list[str] = []
    if isinstance(env, Browser) and (anchor.selector or (anchor.role and anchor.name)):
        found = await _locate_element(anchor, env, tried)
        if found is not None:
            return found
    screen = _gray(observation.image)
    if anchor.patch and anchor.patch_box:
        template = _gray(Image.open(io.BytesIO(base64.b64decode(anchor.patch))))
        left, top, right, bottom = anchor.patch_box
        # A patch with little texture (an empty text field) looks like every other empty field:
        # where it matches, the text near it must match too.
        weak = float(template.std()) < WEAK_PATCH_STD
        here = screen[top:bottom, left:right]
        if here.shape == template.shape and _ncc(here, template) >= MATCH:
            if not (weak and anchor.text) or await _text_matches(anchor, observation.image, anchor.point):
                return Location("in_place", anchor.point, (0, 0), "image patch at the recorded place")
        tried.append("image patch")
        for x, y, _ in _search(screen, template):
            delta = (x - left, y - top)
            point = _shift(anchor.point, delta)
            # A match elsewhere is only the target if its text agrees (when the anchor has text).
            if anchor.text is None or await _text_matches(anchor, observation.image, point):
                return _found(anchor.point, delta, "image patch" + (" and text" if anchor.text else ""))
    if anchor.text and use_ocr:
        tried.append(f"text {anchor.text!r}")
        centre = _find_text(await ocr_words(observation.image, scale=1), anchor.text)
        if centre is not None:
            offset = anchor.text_offset or (0, 0)
            target = (centre[0] + offset[0], centre[1] + offset[1])
            return _found(anchor.point, (target[0] - anchor.point[0], target[1] - anchor.point[1]), "text")
    return Location("missing", None, (0, 0), ", ".join(tried) or "nothing to look for")


async def _locate_element(anchor: Anchor, env: Browser, tried: list[str]) -> Location | None:
    page = env.page
    candidates = []
    if anchor.selector:
        candidates.append(("selector " + anchor.selector, page.locator(anchor.selector)))
    if anchor.role and anchor.name:
        candidates.append((f"role {anchor.role} named {anchor.name!r}",
                           page.get_by_role(anchor.role, name=anchor.name, exact=True)))  # type: ignore[arg-type]
    for how, locator in candidates:
        tried.append(how)
        try:
            if await locator.count() != 1 or not await locator.is_visible():
                continue
            if anchor.name and how.startswith("selector"):
                name = await locator.evaluate(_NAME_JS)
                if _norm(name) != _norm(anchor.name):
                    tried[-1] += f" (now named {name!r})"
                    continue
            box = await locator.bounding_box()
        except Exception:  # a detached or navigating page: try the next way
            continue
        if box is None:
            continue
        centre = (round(box["x"] + box["width"] / 2), round(box["y"] + box["height"] / 2))
        if anchor.box:
            old = ((anchor.box[0] + anchor.box[2]) / 2, (anchor.box[1] + anchor.box[3]) / 2)
            delta = (round(centre[0] - old[0]), round(centre[1] - old[1]))
        else:
            delta = (centre[0] - anchor.point[0], centre[1] - anchor.point[1])
        return _found(anchor.point, delta, how)
    return None


_NAME_JS = """el => (el.getAttribute('aria-label') || (el.labels && el.labels.length ? el.labels[0].innerText : '')
  || el.innerText || el.getAttribute('placeholder') || el.getAttribute('title') || '').replace(/\\s+/g, ' ').trim()"""


def _found(point: tuple[int, int], delta: tuple[int, int], how: str) -> Location:
    if abs(delta[0]) <= IN_PLACE_PX and abs(delta[1]) <= IN_PLACE_PX:
        return Location("in_place", point, (0, 0), how)
    return Location("moved", _shift(point, delta), delta, how)


def _shift(point: tuple[int, int], delta: tuple[int, int]) -> tuple[int, int]:
    return point[0] + delta[0], point[1] + delta[1]


def _gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"), dtype=np.float32)


def _ncc(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    denominator = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / denominator) if denominator > 1e-6 else (1.0 if np.allclose(a, b) else 0.0)


def _search(screen: np.ndarray, template: np.ndarray, limit: int = 5) -> list[tuple[int, int, float]]:
    """Top-left corners where the template matches (score >= MATCH), best first, overlaps removed."""
    screen, template = screen.astype(np.float64), template.astype(np.float64)  # float32 sums lose the variance
    h, w = template.shape
    H, W = screen.shape
    t = template - template.mean()
    t_norm = float(np.sqrt((t * t).sum()))
    if t_norm < 1e-3 or h > H or w > W:
        return []  # a flat patch (an empty field) matches everywhere: it cannot locate anything
    shape = (H + h - 1, W + w - 1)
    correlation = np.fft.irfft2(np.fft.rfft2(screen, shape) * np.fft.rfft2(t[::-1, ::-1], shape), shape)
    correlation = correlation[h - 1:H, w - 1:W]
    integral = np.pad(screen, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    squares = np.pad(screen * screen, ((1, 0), (1, 0))).cumsum(0).cumsum(1)

    def window(table: np.ndarray) -> np.ndarray:
        return table[h:, w:] - table[:-h, w:] - table[h:, :-w] + table[:-h, :-w]

    count = h * w
    sums, sum_squares = window(integral), window(squares)
    variance = np.maximum(sum_squares - sums * sums / count, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        # A window with (almost) no texture cannot be told apart from noise: it never matches.
        scores = np.where(variance > 4.0 * count, correlation / (np.sqrt(variance) * t_norm), 0)
    found = []
    for _ in range(limit):
        index = int(np.argmax(scores))
        y, x = divmod(index, scores.shape[1])
        score = float(scores[y, x])
        if score < MATCH:
            break
        found.append((x, y, score))
        scores[max(0, y - h // 2):y + h // 2 + 1, max(0, x - w // 2):x + w // 2 + 1] = -1
    return found


async def _text_matches(anchor: Anchor, image: Image.Image, point: tuple[int, int]) -> bool:
    """The anchor's text is near ``point``, and where it was relative to the target (a label left of
    its field, a button's own label): the same words elsewhere on another page do not count."""
    assert anchor.text is not None
    text, centre = await _text_near(image, point)
    if text is None or not _same_text(anchor.text, text):
        return False
    if anchor.text_offset is None or centre is None:
        return True
    expected = (centre[0] + anchor.text_offset[0], centre[1] + anchor.text_offset[1])
    return abs(expected[0] - point[0]) <= 20 and abs(expected[1] - point[1]) <= 20


def _same_text(a: str, b: str) -> bool:
    """Equal enough for OCR: the same but for a character or two, or one inside a little more."""
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return False
    if difflib.SequenceMatcher(None, a, b).ratio() >= 0.8:
        return True
    short, long = sorted((a, b), key=len)
    return short in long and len(long) <= len(short) + 8


async def _text_near(image: Image.Image, point: tuple[int, int]) -> tuple[str | None, tuple[int, int] | None]:
    try:
        return await text_near_point(image, point)
    except Exception:  # no tesseract, or it failed: the patch alone must do
        return None, None


def _find_text(words: list[Word], text: str) -> tuple[int, int] | None:
    """The centre of the first run of consecutive words that spells ``text``."""
    target = _norm(text).split()
    if not target:
        return None
    ordered = sorted(words, key=lambda w: (w.top // 8, w.left))
    for i in range(len(ordered) - len(target) + 1):
        run = ordered[i:i + len(target)]
        if [_norm(w.text) for w in run] == target:
            left, top = min(w.left for w in run), min(w.top for w in run)
            right, bottom = max(w.left + w.width for w in run), max(w.top + w.height for w in run)
            return (left + right) // 2, (top + bottom) // 2
    return None


def _norm(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace()).split())
