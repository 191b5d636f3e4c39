"""Text on a screenshot, read with Tesseract (Debian's ``tesseract-ocr``), for desktops.

In a browser the DOM tells what text is where; on a desktop only pixels do. Tesseract runs as a
subprocess with the image on stdin, bounded by a timeout, and answers in TSV with a box per word.
Small crops are scaled up first: Tesseract reads 10-14 px UI text poorly at its native size.
"""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps, ImageStat

from actions import UserError

__all__ = ["Word", "ocr_text", "ocr_words", "text_near_point"]


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float

    @property
    def center(self) -> tuple[int, int]:
        return self.left + self.width // 2, self.top + self.height // 2


async def ocr_words(image: Image.Image, *, scale: int = 2, psm: int = 11, timeout: float = 30.0) -> list[Word]:
    """Words on the image with their boxes, in the image's own pixels.

    ``psm`` is Tesseract's page segmentation mode: 11 finds sparse text anywhere, 7 reads one line.
    """
    if shutil.which("tesseract") is None:
        raise UserError("reading text on a desktop needs tesseract (Debian package tesseract-ocr)")
    big = image.convert("L").resize((image.width * scale, image.height * scale), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    big.save(buffer, "PNG", compress_level=1)
    process = await asyncio.create_subprocess_exec(
        "tesseract", "stdin", "stdout", "--psm", str(psm), "tsv",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(buffer.getvalue()), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise UserError(f"tesseract did not finish within {timeout:g} s") from None
    if process.returncode != 0:
        raise UserError(f"tesseract failed: {err.decode(errors='replace').strip()[:200]}")
    words = []
    for row in csv.DictReader(io.StringIO(out.decode(errors="replace")), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if not text or float(row.get("conf") or -1) < 0:
            continue
        words.append(Word(
            text=text, left=int(row["left"]) // scale, top=int(row["top"]) // scale,
            width=max(1, int(row["width"]) // scale), height=max(1, int(row["height"]) // scale),
            confidence=float(row["conf"]),
        ))
    return words


async def ocr_text(image: Image.Image, **kwargs: object) -> str:
    """The words of the image in reading order, joined by spaces."""
    words = await ocr_words(image, **kwargs)  # type: ignore[arg-type]
    words.sort(key=lambda w: (w.top // 10, w.left))
    return " ".join(w.text for w in words)


async def text_near_point(image: Image.Image, point: tuple[int, int]) -> tuple[str | None, tuple[int, int] | None]:
    """The text that names what is at ``point``: a button's own label, else the nearest line of words
    (a field's label sits to its left). Returns the text and its centre in image pixels.

    Tesseract reads light-on-dark text and mixed backgrounds poorly, so the element under the point
    (the region of one background colour around it) is read on its own first, inverted if dark.
    """
    region = _uniform_region(image, point)
    if region is not None:
        crop = image.crop(region).convert("L")
        if ImageStat.Stat(crop).mean[0] < 128:
            crop = ImageOps.invert(crop)
        words = [w for w in await ocr_words(crop, scale=3, psm=7) if w.confidence >= 50 and any(c.isalnum() for c in w.text)]
        if words:
            left, top = region[0] + min(w.left for w in words), region[1] + min(w.top for w in words)
            right = region[0] + max(w.left + w.width for w in words)
            bottom = region[1] + max(w.top + w.height for w in words)
            return " ".join(w.text for w in words), ((left + right) // 2, (top + bottom) // 2)
    return await _nearest_line(image, point)


def _uniform_region(image: Image.Image, point: tuple[int, int], max_size: tuple[int, int] = (240, 50)
                    ) -> tuple[int, int, int, int] | None:
    """The box of the one-colour area around a point (a button's face), or None if it is the page."""
    x, y = point
    window = image.convert("RGB").crop((max(0, x - 12), max(0, y - 6), x + 12, y + 6))
    colours = window.getcolors(24 * 12) or []
    if not colours:
        return None
    background = max(colours)[1]
    seed = next(((x + dx, y + dy) for dx in range(-12, 13) for dy in range(-6, 7)
                 if 0 <= x + dx < image.width and 0 <= y + dy < image.height
                 and image.getpixel((x + dx, y + dy))[:3] == background), None)
    if seed is None:
        return None
    left, top = max(0, x - max_size[0]), max(0, y - max_size[1])
    area = image.convert("RGB").crop((left, top, min(image.width, x + max_size[0]), min(image.height, y + max_size[1])))
    marker = (255, 0, 255) if background != (255, 0, 255) else (0, 255, 0)
    ImageDraw.floodfill(area, (seed[0] - left, seed[1] - top), marker, thresh=24)
    box = _box_of_colour(area, marker)
    if box is None:
        return None
    bl, bt, br, bb = box
    if br - bl >= max_size[0] * 2 - 4 or bb - bt >= max_size[1] * 2 - 4 or (br - bl) < 12 or (bb - bt) < 10:
        return None  # the page background, or a speck
    return left + bl, top + bt, left + br, top + bb


def _box_of_colour(image: Image.Image, colour: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    import numpy as np

    pixels = np.asarray(image)
    hit = np.all(pixels == np.array(colour, dtype=pixels.dtype), axis=-1)
    rows, cols = np.any(hit, axis=1), np.any(hit, axis=0)
    if not rows.any():
        return None
    top, bottom = int(np.argmax(rows)), int(len(rows) - np.argmax(rows[::-1]))
    left, right = int(np.argmax(cols)), int(len(cols) - np.argmax(cols[::-1]))
    return left, top, right, bottom


async def _nearest_line(image: Image.Image, point: tuple[int, int]) -> tuple[str | None, tuple[int, int] | None]:
    """The line of words nearest the point, grown while words are close together."""
    x, y = point
    box = (max(0, x - 420), max(0, y - 30), min(image.width, x + 260), min(image.height, y + 30))  # labels sit left
    words = [Word(w.text, w.left + box[0], w.top + box[1], w.width, w.height, w.confidence)
             for w in await ocr_words(image.crop(box)) if w.confidence >= 40]
    if not words:
        return None, None
    nearest = min(words, key=lambda w: _distance(w, point))
    line = sorted((w for w in words if abs(w.center[1] - nearest.center[1]) <= max(6, nearest.height // 2)),
                  key=lambda w: w.left)
    group = [nearest]
    for direction in (-1, 1):
        index = line.index(nearest)
        while 0 <= index + direction < len(line):
            a, b = line[index], line[index + direction]
            gap = b.left - (a.left + a.width) if direction == 1 else a.left - (b.left + b.width)
            if gap > max(14, a.height):
                break
            group.append(b)
            index += direction
    group.sort(key=lambda w: w.left)
    left, top = min(w.left for w in group), min(w.top for w in group)
    right, bottom = max(w.left + w.width for w in group), max(w.top + w.height for w in group)
    return " ".join(w.text for w in group), ((left + right) // 2, (top + bottom) // 2)


def _distance(word: Word, point: tuple[int, int]) -> float:
    dx = max(word.left - point[0], 0, point[0] - (word.left + word.width))
    dy = max(word.top - point[1], 0, point[1] - (word.top + word.height))
    return (dx * dx + dy * dy) ** 0.5
