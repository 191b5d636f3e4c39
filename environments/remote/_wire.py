"""The HTTP protocol between ``screenloop serve`` and ``Remote``: paths, headers, bodies, images.

Both ends import this one module, so the protocol cannot drift between them. Why these choices:

- An observation travels as the image bytes in the body and its metadata as one JSON header, not
  as base64 inside JSON: base64 adds a third to the size and two extra passes over 3 MB per frame.
- The default image format is ``raw`` (RGB pixels, no encoding): on loopback or a Unix socket,
  moving 3 MB costs less than compressing it (PNG level 1 is about 8 ms at 1280x800). ``png``
  (lossless) and ``jpeg`` are there for slower links.
- Beside a sandbox on the same host, even 3 MB over a socket costs 4-7 ms (measured), so a
  client that shares a directory with the server (the sandbox's run dir, on tmpfs) asks for
  ``via=file``: the server writes the raw frame there and answers with its name; reading it back
  costs about a millisecond.
- The token is a bearer token; it is compared in constant time on the server.
"""

from __future__ import annotations

import base64
import io
import json
import re
from typing import Literal

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from ..base import ActionResult, Observation

__all__ = [
    "ErrorReply",
    "FRAME_HEADER",
    "FRAME_NAME",
    "ExecuteReply",
    "Health",
    "ImageFormat",
    "LaunchReply",
    "LaunchRequest",
    "OBSERVATION_HEADER",
    "TOKEN_ENV",
    "content_type",
    "decode_image",
    "encode_image",
    "observation_from_wire",
    "observation_header",
]

TOKEN_ENV = "SCREENLOOP_TOKEN"
"""The environment variable the server reads its token from, unless told another."""

OBSERVATION_HEADER = "x-screenloop-observation"
"""Response header of ``GET /observe``: the observation's metadata as ASCII JSON."""

FRAME_HEADER = "x-screenloop-frame"
"""Response header of ``GET /observe?via=file``: the file name of the frame in the shared directory."""

FRAME_NAME = re.compile(r"frame-[0-9]+-[0-9a-f]{8}\.rgb")
"""The only names a client reads from the shared directory."""

ImageFormat = Literal["raw", "png", "jpeg"]

_CONTENT_TYPES: dict[str, str] = {
    "raw": "application/x-screenloop-rgb",
    "png": "image/png",
    "jpeg": "image/jpeg",
}


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Health(_Wire):
    """``GET /health``: the server is up and its environment is started."""

    status: Literal["ok"] = "ok"
    kind: str = Field(description="Which environment: 'desktop' or 'browser'.")
    width: int = Field(description="Screen width in pixels.")
    height: int = Field(description="Screen height in pixels.")
    display: str | None = Field(None, description="The X display the environment runs on.")


class ExecuteReply(_Wire):
    """``POST /execute``: an ``ActionResult``; an image the action produced travels as PNG base64
    (only zoom produces one, a small crop, so the cost does not matter there)."""

    ok: bool
    error: str | None = None
    changed: bool = False
    elapsed_ms: float = 0.0
    settle_ms: float = 0.0
    output: str | None = None
    image_png: str | None = None

    @classmethod
    def of(cls, result: ActionResult) -> ExecuteReply:
        image = None
        if result.image is not None:
            image = base64.b64encode(encode_image(result.image, "png")).decode("ascii")
        return cls(**result.model_dump(), image_png=image)

    def result(self) -> ActionResult:
        image = None
        if self.image_png is not None:
            image = Image.open(io.BytesIO(base64.b64decode(self.image_png))).convert("RGB")
        return ActionResult(**self.model_dump(exclude={"image_png"}), image=image)


class LaunchRequest(_Wire):
    """``POST /launch``: start a program on the desktop."""

    argv: list[str] = Field(min_length=1, max_length=256, description="Program and arguments.")
    env: dict[str, str] = Field(default_factory=dict, description="Extra environment variables.")


class LaunchReply(_Wire):
    pid: int = Field(description="Process id inside the sandbox.")


class ErrorReply(_Wire):
    """Every non-2xx answer: ``detail`` is the reason in words; ``error`` names the failure class
    on 503 (``DisplayError``, ``BrowserCrashed``...), so ``Remote`` re-raises the same type."""

    detail: str
    error: str | None = None


def encode_image(image: Image.Image, fmt: ImageFormat, quality: int = 80) -> bytes:
    if fmt == "raw":
        return image.tobytes()
    buffer = io.BytesIO()
    if fmt == "png":
        image.save(buffer, "PNG", compress_level=1)
    else:
        image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def content_type(fmt: ImageFormat) -> str:
    return _CONTENT_TYPES[fmt]


def decode_image(data: bytes, content: str, size: tuple[int, int]) -> Image.Image:
    if content.startswith(_CONTENT_TYPES["raw"]):
        if len(data) != size[0] * size[1] * 3:
            raise ValueError(f"raw image of {len(data)} bytes does not match {size[0]}x{size[1]} RGB")
        return Image.frombuffer("RGB", size, data, "raw", "RGB", 0, 1)
    return Image.open(io.BytesIO(data)).convert("RGB")


def observation_header(observation: Observation) -> str:
    return json.dumps(observation.model_dump(), ensure_ascii=True, separators=(",", ":"))


def observation_from_wire(header: str, data: bytes, content: str) -> Observation:
    meta = json.loads(header)
    image = decode_image(data, content, (meta["width"], meta["height"]))
    return Observation(image=image, **meta)
