"""The environment contract: observe the screen, execute one action, close.

Like httpx's transport, an environment owns I/O and nothing else: it never knows which model is
driving it. ``BaseEnvironment`` holds what every implementation shares: the open/closed state, the
bound check of every point against the screen, and the execute pipeline
(check -> perform -> settle -> result), so that an implementation only writes ``_perform`` (one
``match`` over the action union) and ``_probe`` (a cheap digest of the screen).
"""

from __future__ import annotations

import enum
import time
from abc import ABC, abstractmethod
from typing import Any, Protocol, Self, runtime_checkable

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from actions import (
    Action,
    ActionError,
    Done,
    Drag,
    Fail,
    OffScreen,
    Screenshot,
    UserError,
    Wait,
    Zoom,
    action_point,
)

from .errors import EnvironmentClosed
from .settle import SettlePolicy, wait_until_stable

__all__ = ["ActionResult", "BaseEnvironment", "Environment", "EnvironmentState", "Lifecycle", "Observation"]


class Observation(BaseModel):
    """One screenshot and what is known about it."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    image: Image.Image = Field(exclude=True, description="The screen, RGB, in screen pixels.")
    width: int = Field(description="Screen width in pixels.")
    height: int = Field(description="Screen height in pixels.")
    url: str | None = Field(None, description="The page URL in a browser; None on a desktop.")
    timestamp: float = Field(description="Unix time of the capture, in seconds.")
    digest: str = Field(description="Cheap content hash; equal digests mean an unchanged screen.")


class ActionResult(BaseModel):
    """The outcome of one action, for the loop and for the model."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    ok: bool = Field(description="The action ran to the end.")
    error: str | None = Field(None, description="Why it did not, in words for the model.")
    changed: bool = Field(False, description="The screen differs from before the action.")
    elapsed_ms: float = Field(0.0, description="Wall time of the whole execute call, in milliseconds.")
    settle_ms: float = Field(0.0, description="Part of elapsed_ms spent waiting for the screen to settle.")
    output: str | None = Field(None, description="Text the action produced (a script's result).")
    image: Image.Image | None = Field(None, exclude=True, description="An image the action produced (zoom).")


@runtime_checkable
class Environment(Protocol):
    """Where actions run. Async; used as ``async with``."""

    size: tuple[int, int]

    async def observe(self) -> Observation: ...
    async def execute(self, action: Action, *, settle: bool = True) -> ActionResult: ...
    async def close(self) -> None: ...
    async def __aenter__(self) -> Any: ...
    async def __aexit__(self, *exc: object) -> None: ...


class EnvironmentState(enum.Enum):
    UNOPENED = "unopened"
    OPENED = "opened"
    CLOSED = "closed"


_NO_SETTLE = (Screenshot, Done, Fail, Zoom, Wait)


class Lifecycle(ABC):
    """The opened/closed state every environment shares (httpx's ``ClientState``): started once by
    ``async with``, closed once, and refusing use before and after with a sentence."""

    def __init__(self) -> None:
        self.state = EnvironmentState.UNOPENED

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Bring the environment up; called by ``async with``. A failed start closes what it began."""
        if self.state is EnvironmentState.CLOSED:
            raise EnvironmentClosed(f"cannot reopen a {type(self).__name__} once it has been closed")
        if self.state is EnvironmentState.OPENED:
            return
        try:
            await self._start()
        except BaseException:
            await self._close()
            self.state = EnvironmentState.CLOSED
            raise
        self.state = EnvironmentState.OPENED

    async def close(self) -> None:
        """Release everything the environment started. Safe to call twice."""
        if self.state is EnvironmentState.CLOSED:
            return
        self.state = EnvironmentState.CLOSED
        await self._close()

    def _require_open(self) -> None:
        if self.state is EnvironmentState.UNOPENED:
            raise EnvironmentClosed(
                f"{type(self).__name__} is not started: use `async with {type(self).__name__}(...) as env`"
            )
        if self.state is EnvironmentState.CLOSED:
            raise EnvironmentClosed(f"{type(self).__name__} has been closed")

    @abstractmethod
    async def _start(self) -> None: ...

    @abstractmethod
    async def _close(self) -> None: ...


class BaseEnvironment(Lifecycle):
    """Shared lifecycle and execute pipeline; subclasses do the I/O."""

    size: tuple[int, int]
    settle_policy: SettlePolicy

    def __init__(self, width: int, height: int, settle: SettlePolicy | None = None) -> None:
        super().__init__()
        if width <= 0 or height <= 0:
            raise UserError(f"screen size must be positive, got {width}x{height}")
        self.size = (width, height)
        self.settle_policy = settle or SettlePolicy()

    # the contract -------------------------------------------------------------------------
    async def observe(self) -> Observation:
        """Capture the screen now."""
        self._require_open()
        return await self._observe()

    async def execute(self, action: Action, *, settle: bool = True) -> ActionResult:
        """Run one action, wait for the screen to settle, and say what happened.

        A bad action (off screen, unknown key, unsupported here) comes back as
        ``ActionResult(ok=False, error=...)`` for the model, and the environment keeps working.
        A broken machine raises ``EnvironmentFailure``. ``settle=False`` returns as soon as the
        input is delivered (``changed`` is then unknown, reported False): for a caller that acts
        again at once, such as a replay typing into the field it just clicked.
        """
        self._require_open()
        started = time.perf_counter()
        try:
            self._check_bounds(action)
            before = await self._probe()
            output = await self._perform(action)
        except ActionError as exc:
            return ActionResult(ok=False, error=str(exc), elapsed_ms=_ms_since(started))
        settle_ms, changed = 0.0, False
        if settle and not isinstance(action, _NO_SETTLE):
            settled = await wait_until_stable(self._probe, before=before, policy=self.settle_policy)
            settle_ms, changed = settled.waited_ms, settled.changed
        elif isinstance(action, Wait):
            changed = (await self._probe()) != before
        text, image = output if output is not None else (None, None)
        return ActionResult(
            ok=True, changed=changed, elapsed_ms=_ms_since(started), settle_ms=settle_ms,
            output=text, image=image,
        )

    def _check_bounds(self, action: Action) -> None:
        width, height = self.size
        points: list[tuple[int, int]] = []
        if isinstance(action, Drag):
            points = [(p.x, p.y) for p in action.path]
        elif isinstance(action, Zoom):
            left, top, right, bottom = action.region
            points = [(left, top), (right - 1, bottom - 1)]
        elif (point := action_point(action)) is not None:
            points = [point]
        for x, y in points:
            if not (0 <= x < width and 0 <= y < height):
                raise OffScreen(x, y, width, height)

    def zoom(self, image: Image.Image, region: tuple[int, int, int, int]) -> Image.Image:
        """The region of a screenshot, at full resolution."""
        return image.crop(region)

    # what implementations write (and _start/_close from Lifecycle) -------------------------
    @abstractmethod
    async def _observe(self) -> Observation: ...

    @abstractmethod
    async def _probe(self) -> str:
        """A cheap digest of what is on screen, for settle and change detection."""

    @abstractmethod
    async def _perform(self, action: Action) -> tuple[str | None, Image.Image | None] | None:
        """Carry out the action; return ``(text, image)`` when it produces output."""


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
