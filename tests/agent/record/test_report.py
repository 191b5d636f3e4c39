"""report.html, opened in a real headless Chromium, shows what a person needs."""

from __future__ import annotations

from pathlib import Path

from actions import Click, Done, Drag, Point, Scroll, TypeText
from agent.checks import parse_check
from agent.loop import Agent
from agent.models import ReplayModel, Turn, Usage
from environments import Browser


async def test_the_report_renders_steps_marks_and_totals(browser: Browser, page_server: str, submissions: list,
                                                         tmp_path: Path) -> None:
    await browser.page.goto(page_server + "/pages/form.html")
    model = ReplayModel([
        Turn(actions=[Click(x=300, y=102), TypeText(text="ACME")], message="Filling the customer field.",
             usage=Usage(input_tokens=1500, cached_input_tokens=500, output_tokens=80, cost_usd=0.0123)),
        Turn(actions=[Drag(path=[Point(x=10, y=500), Point(x=200, y=520)]), Scroll(x=600, y=400, dy=200)],
             usage=Usage(input_tokens=1600, output_tokens=40, cost_usd=0.01)),
        Turn(actions=[Done(summary="The customer is filled in.")]),
    ])
    result = await Agent(model, browser, checks=[parse_check("text_visible:Saved invoice")],
                         runs_dir=tmp_path, config={"model": "replay", "environment": "browser"}).run("Fill ACME")
    assert result.status == "failed"  # nothing was saved: the check says so, whatever the model claims
    report = result.run_dir / "report.html"
    page = await browser.context.new_page()
    try:
        await page.goto(report.as_uri())
        assert await page.locator(".badge").inner_text() == "FAILED"
        assert "checks failed" in await page.locator(".reason").first.inner_text()
        assert await page.locator("article.step").count() == 3
        assert await page.locator("article#step-0 svg circle").count() == 2  # the click: ring and dot
        assert await page.locator("article#step-1 svg polyline").count() == 1  # the drag
        assert await page.locator("article#step-1 svg line").count() == 1  # the scroll
        assert "Filling the customer field." in await page.locator("article#step-0 .message").inner_text()
        assert "$0.0223" in await page.locator(".stats").inner_text()
        assert "✗" in await page.locator(".checks").inner_text()
        images = await page.eval_on_selector_all(".shot img", "els => els.map(e => e.naturalWidth)")
        assert images == [1100, 1100, 1100]  # embedded screenshots decoded
        shot = await page.screenshot(full_page=True)
        assert len(shot) > 50_000
    finally:
        await page.close()
