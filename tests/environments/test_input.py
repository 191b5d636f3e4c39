"""What the page saw: every test drives a real page on a real Xvfb desktop (XTEST) and in a real
headless browser (Playwright), then reads back the events the page recorded."""

from __future__ import annotations

import asyncio

import pytest

from actions import Click, Drag, Frame, HoldKey, KeyPress, Point, Scroll, TypeText
from environments.desktop.desktop import SCROLL_STEP_PX

from ..conftest import Surface

CENTERS = {"btn-a": (140, 70), "btn-b": (400, 70), "text": (250, 160), "area": (250, 250), "pad": (760, 620)}


async def clicks_on(surface: Surface, element: str) -> list[dict]:
    return [e for e in await surface.events("click") if e["id"] == element]


async def test_click_lands_on_the_calibration_point(surface: Surface) -> None:
    for x, y in [(600, 500), (900, 700), (959, 759)]:
        result = await surface.env.execute(Click(x=x, y=y))
        assert result.ok, result.error
    await surface.wait_for("window.__events.filter(e => e.type === 'click').length === 3")
    seen = [(e["x"], e["y"], e["id"]) for e in await surface.events("click")]
    assert seen == [(600, 500, "pad"), (900, 700, "pad"), (959, 759, "pad")]


@pytest.mark.parametrize(("button", "dom_button", "event"), [
    ("left", 0, "click"), ("middle", 1, "auxclick"), ("right", 2, "contextmenu"),
])
async def test_each_button_reaches_the_element(surface: Surface, button: str, dom_button: int, event: str) -> None:
    result = await surface.env.execute(Click(x=140, y=70, button=button))
    assert result.ok, result.error
    await surface.wait_for(f"window.__events.some(e => e.type === '{event}')")
    downs = await surface.events("mousedown")
    assert [(e["id"], e["button"]) for e in downs] == [("btn-a", dom_button)]


@pytest.mark.parametrize("count", [2, 3])
async def test_double_and_triple_click(surface: Surface, count: int) -> None:
    assert (await surface.env.execute(Click(x=52, y=390, count=count))).ok
    await surface.wait_for(f"window.__events.filter(e => e.type === 'click').length === {count}")
    details = [e["detail"] for e in await surface.events("click")]
    assert details == list(range(1, count + 1))
    assert len(await surface.events("dblclick")) == 1
    selected = await surface.page.evaluate("getSelection().toString().trim()")
    assert selected == ("Alpha" if count == 2 else "Alpha beta gamma. Delta epsilon zeta.")


async def test_shift_click_holds_shift_only_during_the_click(surface: Surface) -> None:
    await surface.env.execute(Click(x=140, y=70, keys=["SHIFT"]))
    await surface.env.execute(Click(x=400, y=70))
    await surface.wait_for("window.__events.filter(e => e.type === 'click').length === 2")
    assert [(e["id"], e["shift"]) for e in await surface.events("click")] == [("btn-a", True), ("btn-b", False)]


async def test_ctrl_click_from_a_model_spelling(surface: Surface) -> None:
    await surface.env.execute(Click(x=760, y=620, keys=("control",)))
    await surface.wait_for("window.__events.some(e => e.type === 'mousedown')")
    down = (await surface.events("mousedown"))[0]
    assert down["ctrl"] and not down["shift"] and not down["alt"]


async def test_ascii_text_is_typed_exactly(surface: Surface) -> None:
    text = "The quick brown fox: 0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ END"
    await surface.env.execute(Click(x=250, y=160))
    result = await surface.env.execute(TypeText(text=text))
    assert result.ok, result.error
    assert result.changed
    await surface.wait_for(f"document.getElementById('text').value.length === {len(text)}")
    assert await surface.value("#text") == text


async def test_non_ascii_text_is_typed_exactly(surface: Surface) -> None:
    text = "Grüße, café — naïve 日本語 😀 ok\nline two é"
    await surface.env.execute(Click(x=250, y=250))
    result = await surface.env.execute(TypeText(text=text))
    assert result.ok, result.error
    await surface.wait_for("document.getElementById('area').value.endsWith('two é')")
    assert await surface.value("#area") == text


async def test_ctrl_a_selects_all_and_typing_replaces_it(surface: Surface) -> None:
    await surface.env.execute(Click(x=250, y=160))
    await surface.env.execute(TypeText(text="old value"))
    await surface.env.execute(KeyPress(keys=["CTRL", "A"]))
    await surface.env.execute(TypeText(text="new"))
    await surface.wait_for("document.getElementById('text').value === 'new'")


async def test_shift_tab_moves_focus_back(surface: Surface) -> None:
    await surface.env.execute(Click(x=250, y=250))
    await surface.env.execute(KeyPress(keys="shift+tab"))
    await surface.wait_for("document.activeElement.id === 'text'")
    tab = [e for e in await surface.events("keydown") if e["key"] == "Tab"]
    assert tab and tab[0]["shift"]


async def test_held_key_is_released_when_the_action_is_cancelled(surface: Surface) -> None:
    hold = asyncio.create_task(surface.env.execute(HoldKey(keys=["shift"], seconds=20)))
    await asyncio.sleep(0.3)
    hold.cancel()
    with pytest.raises(asyncio.CancelledError):
        await hold
    await surface.env.execute(Click(x=140, y=70))
    await surface.wait_for("window.__events.some(e => e.type === 'click')")
    assert [e["shift"] for e in await surface.events("click")] == [False]


async def test_scroll_moves_by_the_expected_pixels(surface: Surface) -> None:
    result = await surface.env.execute(Scroll(x=760, y=290, dy=360))
    assert result.ok and result.changed
    top = await surface.value("#scroller", "el => el.scrollTop")
    # Desktop: whole wheel clicks of SCROLL_STEP_PX (360 = 3 clicks); Browser: exact pixels.
    assert top == 360
    await surface.env.execute(Scroll(x=760, y=290, dy=-SCROLL_STEP_PX, dx=SCROLL_STEP_PX))
    assert await surface.value("#scroller", "el => [el.scrollTop, el.scrollLeft]") == [240, 120]


async def test_drag_moves_the_slider(surface: Surface) -> None:
    # The thumb starts at the left end; a 400-wide track on 0..400 maps about 1 px per unit.
    result = await surface.env.execute(Drag(path=[Point(x=48, y=345), Point(x=150, y=347), Point(x=248, y=345)]))
    assert result.ok and result.changed
    value = int(await surface.value("#slider"))
    assert 180 <= value <= 220, value


async def test_frame_with_a_non_identity_scale_clicks_the_right_element(surface: Surface) -> None:
    frame = Frame(screen=(1280, 800), image=(640, 400))
    model_x, model_y = 200, 35  # the centre of Button B in the half-size image the model sees
    x, y = frame.to_screen(model_x, model_y)
    await surface.env.execute(Click(x=x, y=y))
    await surface.wait_for("window.__events.some(e => e.type === 'click')")
    assert [e["id"] for e in await surface.events("click")] == ["btn-b"]


async def test_click_off_screen_is_an_error_and_the_environment_keeps_working(surface: Surface) -> None:
    result = await surface.env.execute(Click(x=1280, y=10))
    assert not result.ok
    assert "outside the screen (1280x800)" in (result.error or "")
    assert "0..1279" in (result.error or "")
    assert (await surface.env.execute(Click(x=140, y=70))).ok
    await surface.wait_for("window.__events.some(e => e.type === 'click' && e.id === 'btn-a')")


async def test_changed_reports_whether_the_screen_changed(surface: Surface) -> None:
    nothing = await surface.env.execute(Click(x=1200, y=20))
    something = await surface.env.execute(Click(x=400, y=70))
    assert not nothing.changed
    assert something.changed
    assert await surface.value("#status", "el => el.textContent") == "B clicked"


async def test_execute_returns_after_an_animation_has_finished(surface: Surface) -> None:
    result = await surface.env.execute(Click(x=920, y=70))
    assert result.ok and result.changed
    # No sleep here: settle waited for the 500 ms animation, so its end state is already on screen.
    assert await surface.value("#status", "el => el.textContent") == "moved"
    observation = await surface.env.observe()
    assert observation.image.getpixel((1010, 690))[0] > 150  # the red box at its end position
