"""The loop end to end with the replay model (a scripted, real ``Model``) on real environments.

The wire-level tests with the real OpenAI and Anthropic SDKs are in ``test_end_to_end.py``; here the
model is scripted directly so each test can aim at one behaviour of the loop.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from actions import (
    Click,
    Done,
    Fail,
    KeyPress,
    MouseDown,
    Navigate,
    TypeSecret,
    TypeText,
)
from agent.safety.approval import ApprovalRequest
from agent.checks import parse_check
from agent.record.events import ActionEvent, NoteEvent, RunFinished, read_events
from agent.loop import Agent, Budget
from agent.models import ReplayModel, Turn, Usage
from agent.safety.policy import Policy
from agent.safety.secrets import Secrets
from environments import Browser

from ..conftest import saved_check

FORM = "/pages/form.html"


def turn(*actions, message: str | None = None, cost: float = 0.0) -> Turn:  # type: ignore[no-untyped-def]
    return Turn(actions=list(actions), message=message, usage=Usage(input_tokens=1000, output_tokens=50, cost_usd=cost))


def fill_and_save(customer: str = "ACME", amount: str = "120") -> list[Turn]:
    return [
        turn(Click(x=300, y=102), TypeText(text=customer), message="I fill in the customer."),
        turn(Click(x=300, y=162), TypeText(text=amount)),
        turn(Click(x=240, y=352), message="Now I save."),
        turn(Done(summary=f"Saved the invoice for {customer}")),
    ]


@pytest.fixture
async def form(browser: Browser, page_server: str, submissions: list) -> Browser:
    await browser.page.goto(page_server + FORM)
    return browser


async def test_a_scripted_run_fills_the_form_and_checks_decide_success(form: Browser, page_server: str,
                                                                      submissions: list, tmp_path: Path) -> None:
    model = ReplayModel(fill_and_save())
    agent = Agent(model, form, checks=[parse_check(saved_check(page_server, "ACME")), parse_check("text_visible:Saved invoice #1")],
                  runs_dir=tmp_path)
    result = await agent.run("Create an invoice for ACME, amount 120")
    assert result.status == "success", result.reason
    assert result.exit_code == 0
    model.assert_consumed()
    assert submissions == [{"customer": "ACME", "amount": "120", "password": "", "note": ""}]
    events = list(read_events(result.run_dir))
    assert [e.event for e in events][:2] == ["run_started", "observation"]
    assert isinstance(events[-1], RunFinished) and events[-1].status == "success"
    assert (result.run_dir / "report.html").exists()
    assert (result.run_dir / "step-0000.png").exists()
    # The model heard how each action of the previous turn went.
    assert [f.ok for f in model.requests[1].feedback] == [True, True]


async def test_done_without_checks_is_unverified_never_success(form: Browser, tmp_path: Path) -> None:
    result = await Agent(ReplayModel(fill_and_save()), form, runs_dir=tmp_path).run("Create an invoice")
    assert result.status == "unverified" and result.exit_code == 2
    assert "no checks" in result.reason


async def test_a_model_claiming_done_early_fails_the_run(form: Browser, page_server: str, submissions: list,
                                                         tmp_path: Path) -> None:
    model = ReplayModel([turn(Click(x=300, y=102), TypeText(text="ACME")), turn(Done(summary="All saved!"))])
    result = await Agent(model, form, checks=[parse_check(saved_check(page_server, "ACME"))], runs_dir=tmp_path).run("Create an invoice")
    assert result.status == "failed", result.reason
    assert "checks failed" in result.reason and result.claim == "All saved!"
    assert submissions == []


async def test_clicking_the_same_dead_spot_ends_the_run_with_the_reason(form: Browser, tmp_path: Path) -> None:
    model = ReplayModel([turn(Click(x=900, y=600)) for _ in range(5)])
    result = await Agent(model, form, runs_dir=tmp_path).run("Do something")
    assert result.status == "failed"
    assert "repeated click(x=900, y=600) 3 times on an unchanged screen" in result.reason
    notes = [e for e in read_events(result.run_dir) if isinstance(e, NoteEvent)]
    assert notes and "did not change" in notes[0].message
    assert "did not change" in model.requests[2].notes[0]  # the model was told before the run failed


async def test_the_model_giving_up_fails_the_run(form: Browser, tmp_path: Path) -> None:
    result = await Agent(ReplayModel([turn(Fail(reason="no such customer"))]), form, runs_dir=tmp_path).run("x")
    assert result.status == "failed" and "no such customer" in result.reason


async def test_navigation_off_the_allow_list_is_blocked_and_the_model_is_told(form: Browser, tmp_path: Path) -> None:
    policy = Policy.model_validate({"domains": {"allow": ["127.0.0.1"]}})
    model = ReplayModel([turn(Navigate(url="https://evil.example/steal")), turn(Fail(reason="blocked"))])
    url_before = form.page.url
    await Agent(model, form, policy=policy, runs_dir=tmp_path).run("x")
    error = model.requests[1].feedback[0].error or ""
    assert "denied by policy" in error and "evil.example is not on the allow-list" in error
    assert form.page.url == url_before


async def test_a_click_on_delete_needing_confirmation_is_denied_headless(form: Browser, deletions: list,
                                                                         tmp_path: Path) -> None:
    policy = Policy.model_validate({"rules": [{"actions": ["click"], "text": ["delete"], "decision": "confirm"}]})
    asked: list[ApprovalRequest] = []

    async def nobody(request: ApprovalRequest) -> bool:
        asked.append(request)
        return False

    model = ReplayModel([turn(Click(x=440, y=352)), turn(Fail(reason="could not delete"))])
    result = await Agent(model, form, policy=policy, approver=nobody, runs_dir=tmp_path).run("Delete everything")
    assert deletions == []
    assert asked and "Delete all" in asked[0].message
    denied = [e for e in read_events(result.run_dir) if isinstance(e, ActionEvent)]
    assert denied[0].decision == "deny" and not denied[0].ok
    assert "not approved" in (model.requests[1].feedback[0].error or "")


async def test_an_approved_confirmation_runs_the_action(form: Browser, deletions: list, tmp_path: Path) -> None:
    policy = Policy.model_validate({"rules": [{"actions": ["click"], "text": ["delete"], "decision": "confirm"}]})

    async def yes(request: ApprovalRequest) -> bool:
        return True

    model = ReplayModel([turn(Click(x=440, y=352)), turn(Done())])
    await Agent(model, form, policy=policy, approver=yes, runs_dir=tmp_path).run("Delete everything")
    assert len(deletions) == 1


async def test_secret_values_never_reach_a_record(form: Browser, page_server: str, submissions: list,
                                                  tmp_path: Path) -> None:
    value = "hunter2-Zq9!"
    secrets = Secrets({"ERP_PASSWORD": value})
    model = ReplayModel([
        turn(Click(x=300, y=222), TypeSecret(name="ERP_PASSWORD")),
        turn(Click(x=300, y=282), TypeText(text="pw is {{ secrets.ERP_PASSWORD }}")),  # the placeholder form
        turn(Click(x=240, y=352)),
        turn(Done()),
    ])
    result = await Agent(model, form, secrets=secrets, runs_dir=tmp_path).run("Log in")
    assert submissions[0]["password"] == value and submissions[0]["note"] == f"pw is {value}"
    for path in result.run_dir.iterdir():
        assert value.encode() not in path.read_bytes(), path.name
    assert model.requests[0].secrets == ["ERP_PASSWORD"]  # names only: the adapters tell the model how
    # The screenshots were masked: the note field holding the secret is blacked out.
    from PIL import Image

    shot = Image.open(result.run_dir / "step-0003.png")
    assert shot.getpixel((300, 282)) == (40, 40, 40)


async def test_max_steps_and_max_cost_stop_the_run(form: Browser, tmp_path: Path) -> None:
    steps = [turn(Click(x=300 + 10 * i, y=102)) for i in range(10)]
    result = await Agent(ReplayModel(steps), form, budget=Budget(max_steps=3), runs_dir=tmp_path).run("x")
    assert result.status == "budget_exceeded" and result.exit_code == 3 and result.steps == 3
    costly = [turn(Click(x=300 + 10 * i, y=102), cost=0.40) for i in range(10)]
    result = await Agent(ReplayModel(costly), form, budget=Budget(max_cost_usd=1.0), runs_dir=tmp_path).run("x")
    assert result.status == "budget_exceeded" and "over the $1 budget" in result.reason
    assert result.usage.cost_usd == pytest.approx(1.2)


async def test_a_stop_request_lets_the_action_finish_and_releases_held_buttons(form: Browser, tmp_path: Path) -> None:
    class SlowThenScripted(ReplayModel):
        async def turn(self, request):  # type: ignore[no-untyped-def]
            if len(self.requests) == 1:
                await asyncio.sleep(30)  # the stop arrives while the model "thinks"
            return await super().turn(request)

    model = SlowThenScripted([turn(MouseDown(x=300, y=102)), turn(KeyPress(keys=["a"]))])
    agent = Agent(model, form, runs_dir=tmp_path)
    task = asyncio.create_task(agent.run("x"))
    await asyncio.sleep(1.0)
    agent.request_stop()
    result = await asyncio.wait_for(task, 10)
    assert result.status == "interrupted" and result.exit_code == 4
    actions = [e.action.type for e in read_events(result.run_dir) if isinstance(e, ActionEvent)]
    assert actions == ["mouse_down", "mouse_up"]  # the held button was released at the end
