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

from PIL import Image

from actions import UserError

__all__ = ["Word", "ocr_words", "ocr_text"]


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


async def ocr_words(image: Image.Image, *, scale: int = 2, timeout: float = 30.0) -> list[Word]:
    """Words on the image with their boxes, in the image's own pixels."""
    if shutil.which("tesseract") is None:
        raise UserError("reading text on a desktop needs tesseract (Debian package tesseract-ocr)")
    big = image.convert("L").resize((image.width * scale, image.height * scale), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    big.save(buffer, "PNG", compress_level=1)
    process = await asyncio.create_subprocess_exec(
        "tesseract", "stdin", "stdout", "--psm", "11", "tsv",
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
