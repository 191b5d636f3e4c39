"""End to end with the real OpenAI and Anthropic SDKs talking HTTP to the local wire server, which
plays a scripted model: the loop fills a real form in a Desktop (Chromium on Xvfb) and in a
Browser, and the page's server says what was saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page
from rich.console import Console

from actions import Click, TypeText
from agent.safety.approval import ApprovalRequest
from agent.checks import parse_check
from agent.record.live import LiveView
from agent.loop import Agent
from agent.models import make_model
from agent.workflows.replayer import Replayer
from agent.safety.secrets import Secrets
from environments import Browser, Desktop
from examples.invoice_app import DEMO_PASSWORD, serve_app

from ..conftest import saved_check
from .workflows.test_workflows import app, for_app, recorded  # noqa: F401 - fixtures shared with the workflow tests
from .wire_server import (
    WireServer,
    anthropic_message,
    computer_call,
    openai_message,
    openai_response,
    text_block,
    tool_use,
)

FORM = "/pages/form.html"
CUSTOMER, AMOUNT, PASSWORD, NOTE, SAVE, DELETE = (300, 102), (300, 162), (300, 222), (300, 282), (240, 352), (440, 352)


def openai(wire: WireServer, **options: object):  # type: ignore[no-untyped-def]
    return make_model("openai:gpt-5.4", base_url=wire.openai_url, api_key="test-key", **options)


def anthropic(wire: WireServer, **options: object):  # type: ignore[no-untyped-def]
    return make_model("anthropic:claude-sonnet-4-6", base_url=wire.anthropic_url, api_key="test-key", **options)


@pytest.fixture
async def form(browser: Browser, page_server: str, submissions: list) -> Browser:
    await browser.page.goto(page_server + FORM)
    return browser


@pytest.fixture
async def desktop_form(desktop: Desktop, desktop_page: Page, page_server: str, submissions: list) -> Desktop:
    await desktop_page.goto(page_server + FORM)
    await desktop_page.wait_for_function("document.readyState === 'complete'")
    return desktop


async def test_openai_fills_the_form_in_a_browser(form: Browser, wire: WireServer, page_server: str,
                                                  submissions: list, tmp_path: Path) -> None:
    wire.script_openai(
        openai_response(openai_message("I will fill in the invoice."),
                        computer_call(Click(x=CUSTOMER[0], y=CUSTOMER[1]), TypeText(text="ACME"),
                                      Click(x=AMOUNT[0], y=AMOUNT[1]), TypeText(text="120"),
                                      Click(x=SAVE[0], y=SAVE[1]), call_id="call_fill")),
        openai_response(openai_message("The invoice is saved.")),
    )
    model = openai(wire)
    result = await Agent(model, form, checks=[parse_check(saved_check(page_server, "ACME"))], runs_dir=tmp_path).run(
        "Create an invoice for ACME, amount 120")
    assert result.status == "success", result.reason
    assert submissions[0]["customer"] == "ACME" and submissions[0]["amount"] == "120"
    assert result.model_calls == 2 and result.usage.input_tokens > 0 and result.usage.cost_usd > 0
    second = wire.requests_to("openai")[1].json
    outputs = [item for item in second["input"] if item.get("type") == "computer_call_output"]
    assert outputs[0]["call_id"] == "call_fill"
    assert outputs[0]["output"]["image_url"].startswith("data:image/png;base64,")
    wire.assert_consumed()


async def test_anthropic_fills_the_form_on_a_desktop(desktop_form: Desktop, wire: WireServer, page_server: str,
                                                     submissions: list, tmp_path: Path) -> None:
    wire.script_anthropic(
        anthropic_message(text_block("Customer first."), tool_use(Click(x=CUSTOMER[0], y=CUSTOMER[1]))),
        anthropic_message(tool_use(TypeText(text="Globex"))),
        anthropic_message(tool_use(Click(x=AMOUNT[0], y=AMOUNT[1]))),
        anthropic_message(tool_use(TypeText(text="75"))),
        anthropic_message(tool_use(Click(x=SAVE[0], y=SAVE[1]))),
        anthropic_message(text_block("Saved.")),
    )
    result = await Agent(anthropic(wire), desktop_form, checks=[parse_check(saved_check(page_server, "Globex"))],
                         runs_dir=tmp_path).run("Create an invoice for Globex, amount 75")
    assert result.status == "success", result.reason
    assert submissions[0]["customer"] == "Globex" and submissions[0]["amount"] == "75"
    requests = wire.requests_to("anthropic")
    assert len(requests) == 6
    assert requests[0].headers["anthropic-beta"].startswith("computer-use-2025-11-24")
    last = requests[-1].json["messages"][-1]["content"]
    assert last[0]["type"] == "tool_result" and last[0]["content"][-1]["type"] == "image"


async def test_a_model_that_says_done_too_early_fails(form: Browser, wire: WireServer, page_server: str,
                                                      submissions: list, tmp_path: Path) -> None:
    wire.script_anthropic(
        anthropic_message(tool_use(Click(x=CUSTOMER[0], y=CUSTOMER[1]))),
        anthropic_message(text_block("All done, the invoice is saved!")),
    )
    result = await Agent(anthropic(wire), form, checks=[parse_check(saved_check(page_server, "ACME"))], runs_dir=tmp_path).run(
        "Create an invoice for ACME")
    assert result.status == "failed" and "checks failed" in result.reason
    assert result.claim == "All done, the invoice is saved!"
    assert submissions == []


async def test_an_openai_safety_check_is_not_acknowledged_without_approval(form: Browser, wire: WireServer,
                                                                           deletions: list, tmp_path: Path) -> None:
    check = {"id": "sc_1", "code": "malicious_instructions", "message": "The page asks to delete all data."}
    wire.script_openai(openai_response(computer_call(Click(x=DELETE[0], y=DELETE[1]), safety_checks=[check])))
    asked: list[ApprovalRequest] = []

    async def nobody(request: ApprovalRequest) -> bool:
        asked.append(request)
        return False

    result = await Agent(openai(wire, approver=nobody), form, approver=nobody, runs_dir=tmp_path).run("Tidy up")
    assert result.status == "failed" and "The page asks to delete all data." in result.reason
    assert asked[0].kind == "safety_check" and asked[0].code == "malicious_instructions"
    assert deletions == []  # the action behind the check never ran
    assert len(wire.requests_to("openai")) == 1  # and nothing acknowledged it


async def test_an_approved_safety_check_is_acknowledged(form: Browser, wire: WireServer, deletions: list,
                                                        tmp_path: Path) -> None:
    check = {"id": "sc_2", "code": "irrelevant_domain", "message": "Unusual page."}
    wire.script_openai(openai_response(computer_call(Click(x=DELETE[0], y=DELETE[1]), safety_checks=[check],
                                                     call_id="call_ok")),
                       openai_response(openai_message("done")))

    async def yes(request: ApprovalRequest) -> bool:
        return True

    await Agent(openai(wire, approver=yes), form, approver=yes, runs_dir=tmp_path).run("Tidy up")
    assert len(deletions) == 1
    output = [i for i in wire.requests_to("openai")[1].json["input"] if i.get("type") == "computer_call_output"][0]
    assert output["acknowledged_safety_checks"][0]["id"] == "sc_2"


async def test_a_secret_value_reaches_no_request_record_report_or_log(form: Browser, wire: WireServer,
                                                                      submissions: list, tmp_path: Path) -> None:
    value = "Tr0ub4dor&3-horse"
    wire.script_openai(
        openai_response(computer_call(Click(x=PASSWORD[0], y=PASSWORD[1]), TypeText(text="{{ secrets.PW }}"),
                                      Click(x=NOTE[0], y=NOTE[1]), TypeText(text="{{ secrets.PW }}"),
                                      Click(x=SAVE[0], y=SAVE[1]))),
        openai_response(openai_message("done")),
    )
    console = Console(record=True, width=200)
    result = await Agent(openai(wire), form, secrets=Secrets({"PW": value}), runs_dir=tmp_path,
                         listeners=[LiveView(console)]).run("Log in")
    assert submissions[0]["password"] == value and submissions[0]["note"] == value
    for request in wire.requests_to("openai"):
        assert value.encode() not in request.raw
    for path in result.run_dir.iterdir():
        assert value.encode() not in path.read_bytes(), path.name
    log = console.export_text()
    assert value not in log and "type secret PW" in log


@pytest.mark.parametrize("app", ["renamed"], indirect=True)
async def test_a_renamed_button_heals_through_the_anthropic_wire(recorded, app, wire: WireServer,  # type: ignore[no-untyped-def]  # noqa: F811
                                                                 tmp_path: Path) -> None:
    from agent.workflows.workflow import load_workflow

    wire.script_anthropic(
        anthropic_message(text_block("The save button is now called Create invoice."), tool_use(Click(x=475, y=416))),
        anthropic_message(text_block("Done.")),
    )
    workflow = for_app(load_workflow(recorded[1]), app)
    async with Browser(start_url=app.url + "/login") as env:
        result = await Replayer(workflow.rendered(), env, model=anthropic(wire), source=workflow,
                                secrets=Secrets({"APP_PASSWORD": DEMO_PASSWORD}), runs_dir=tmp_path, grace=1.0).run()
    assert result.status == "success", result.reason
    assert result.model_calls == 2  # only the broken step went to the model
    prompt = wire.requests_to("anthropic")[0].json["messages"][0]["content"]
    assert any("Click 'Save invoice'" in block.get("text", "") for block in prompt)
    assert (result.run_dir / "workflow.healed.yaml").exists() and (result.run_dir / "workflow.diff").exists()
    healed = load_workflow(result.run_dir / "workflow.healed.yaml")
    with serve_app("renamed") as again:
        async with Browser(start_url=again.url + "/login") as env:
            second = await Replayer(for_app(healed, again).rendered(), env,
                                    secrets=Secrets({"APP_PASSWORD": DEMO_PASSWORD}), runs_dir=tmp_path).run()
        assert second.status == "success" and second.model_calls == 0
        assert len(again.state.invoices) == 1
