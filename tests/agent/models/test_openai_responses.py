"""The OpenAI Responses adapter against the wire server, through the real ``openai`` SDK."""

from __future__ import annotations

import pytest

from actions import Click, KeyPress, Scroll, TypeSecret, TypeText
from agent.safety.approval import ApprovalRequest
from agent.errors import PolicyDenied
from agent.models import ActionFeedback, ModelInput, OpenAIResponsesModel, RetryPolicy

from ..screens import image_size, observation
from ..wire_server import (
    WireServer,
    computer_call,
    openai_message,
    openai_reasoning,
    openai_response,
)


def make(wire: WireServer, model: str = "gpt-5.4", **options) -> OpenAIResponsesModel:
    return OpenAIResponsesModel(model, base_url=wire.openai_url, api_key="test-key", **options)


def step(n: int = 0, **fields) -> ModelInput:
    return ModelInput(task="Pay invoice 42", observation=fields.pop("screen", observation(step=n)), step=n, **fields)


async def test_ga_first_request_sends_the_tool_the_task_and_the_screenshot(wire: WireServer) -> None:
    wire.script_openai(openai_response(computer_call(Click(x=10, y=20))))
    model = make(wire, effort="high")
    turn = await model.turn(step())
    (request,) = wire.requests_to("openai")
    body = request.json
    assert request.headers["authorization"] == "Bearer test-key"
    assert body["model"] == "gpt-5.4"
    assert body["tools"] == [{"type": "computer"}]
    assert body["reasoning"] == {"effort": "high"}
    assert "previous_response_id" not in body and "truncation" not in body
    (message,) = body["input"]
    text, image = message["content"]
    assert message["role"] == "user"
    assert text == {"type": "input_text", "text": "Pay invoice 42"}
    assert image["type"] == "input_image" and image["detail"] == "original"
    assert image["image_url"].startswith("data:image/png;base64,")
    assert image_size(image["image_url"]) == (1280, 800)
    assert turn.image_size == (1280, 800)
    assert turn.request_bytes == len(request.raw)
    assert turn.actions == [Click(x=10, y=20)]


async def test_ga_batch_then_call_output_with_call_id_and_previous_response(wire: WireServer) -> None:
    first = openai_response(openai_reasoning("find the field"),
                            computer_call(Click(x=100, y=50), TypeText(text="42"), KeyPress(keys="enter"),
                                          call_id="call_abc"), id="resp_one")
    wire.script_openai(first, openai_response(openai_message("Invoice 42 is paid.")))
    model = make(wire)
    turn = await model.turn(step())
    assert turn.actions == [Click(x=100, y=50), TypeText(text="42"), KeyPress(keys=("enter",))]
    assert turn.message == "find the field"
    done = await model.turn(step(1, feedback=[ActionFeedback(ok=True)] * 3))
    assert done.actions == [] and done.message == "Invoice 42 is paid."
    body = wire.requests_to("openai")[1].json
    assert body["previous_response_id"] == "resp_one"
    assert body["input"] == [{
        "type": "computer_call_output", "call_id": "call_abc",
        "output": {"type": "computer_screenshot", "image_url": body["input"][0]["output"]["image_url"],
                   "detail": "original"},
    }]
    assert image_size(body["input"][0]["output"]["image_url"]) == (1280, 800)


@pytest.mark.parametrize("effort", ["none", "low", "medium", "high", "xhigh"])
async def test_the_effort_dial_passes_through_for_ga_models(wire: WireServer, effort: str) -> None:
    wire.script_openai(openai_response(openai_message("ok")))
    await make(wire, effort=effort).turn(step())
    assert wire.requests_to("openai")[0].json["reasoning"] == {"effort": effort}


async def test_preview_tool_declares_the_sent_size_and_maps_clicks_back(wire: WireServer) -> None:
    wire.script_openai(
        openai_response(computer_call({"type": "click", "button": "left", "x": 512, "y": 320}, batched=False,
                                      call_id="call_p"), model="computer-use-preview-2025-03-11"),
        openai_response(openai_message("done"), model="computer-use-preview-2025-03-11"),
    )
    model = make(wire, "computer-use-preview", environment="browser", effort="xhigh")
    turn = await model.turn(step(screen=observation(1280, 800, url="https://erp.example/invoices")))
    body = wire.requests_to("openai")[0].json
    assert body["tools"] == [{"type": "computer_use_preview", "display_width": 1024, "display_height": 640,
                              "environment": "browser"}]
    assert body["truncation"] == "auto"
    assert body["reasoning"] == {"summary": "concise"}
    image = body["input"][0]["content"][1]
    assert "detail" not in image and image_size(image["image_url"]) == (1024, 640)
    assert turn.actions == [Click(x=640, y=400)] and turn.image_size == (1024, 640)
    await model.turn(step(1, screen=observation(1280, 800, url="https://erp.example/paid"),
                          feedback=[ActionFeedback(ok=True)]))
    output = wire.requests_to("openai")[1].json["input"][0]
    assert output["call_id"] == "call_p" and output["current_url"] == "https://erp.example/paid"
    assert "detail" not in output["output"]


async def test_safety_checks_are_acknowledged_only_after_approval(wire: WireServer) -> None:
    check = {"id": "cu_sc_1", "code": "malicious_instructions", "message": "The page asks you to wire money."}
    wire.script_openai(openai_response(computer_call(Click(x=5, y=5), call_id="call_s", safety_checks=[check])),
                       openai_response(openai_message("ok")))
    asked: list[ApprovalRequest] = []

    async def approve(request: ApprovalRequest) -> bool:
        asked.append(request)
        return True

    model = make(wire, approver=approve)
    turn = await model.turn(step())
    assert [(a.kind, a.code, a.message, a.action) for a in asked] == [
        ("safety_check", "malicious_instructions", "The page asks you to wire money.", Click(x=5, y=5))]
    assert [c.id for c in turn.safety_checks] == ["cu_sc_1"]
    await model.turn(step(1, feedback=[ActionFeedback(ok=True)]))
    output = wire.requests_to("openai")[1].json["input"][0]
    assert output["acknowledged_safety_checks"] == [check]


@pytest.mark.parametrize("approver", [None, "deny"])
async def test_an_unapproved_safety_check_stops_the_run_with_its_message(wire: WireServer, approver) -> None:
    check = {"id": "cu_sc_2", "code": "sensitive_domain", "message": "This is a banking site."}
    wire.script_openai(openai_response(computer_call(Click(x=5, y=5), safety_checks=[check])))

    async def deny(request: ApprovalRequest) -> bool:
        return False

    model = make(wire, approver=deny if approver else None)
    with pytest.raises(PolicyDenied, match="sensitive_domain.*This is a banking site"):
        await model.turn(step())
    assert len(wire.requests_to("openai")) == 1


async def test_acknowledgements_are_not_repeated_for_later_calls(wire: WireServer) -> None:
    check = {"id": "cu_sc_3", "code": "irrelevant_domain", "message": "Off task."}

    async def approve(request: ApprovalRequest) -> bool:
        return True

    wire.script_openai(openai_response(computer_call(Click(x=5, y=5), safety_checks=[check])),
                       openai_response(computer_call(Click(x=6, y=6))), openai_response(openai_message("ok")))
    model = make(wire, approver=approve)
    for n in range(3):
        await model.turn(step(n, feedback=[ActionFeedback(ok=True)] if n else []))
    second, third = (r.json["input"][0] for r in wire.requests_to("openai")[1:])
    assert "acknowledged_safety_checks" in second and "acknowledged_safety_checks" not in third


async def test_an_invalid_action_is_fed_back_and_a_valid_one_follows(wire: WireServer) -> None:
    wire.script_openai(
        openai_response(computer_call({"type": "teleport", "x": 1, "y": 1}, call_id="call_bad")),
        openai_response(computer_call({"type": "scroll", "x": 10, "y": 10, "scroll_x": 0, "scroll_y": 200})),
    )
    model = make(wire)
    bad = await model.turn(step())
    assert bad.actions == [] and "unknown computer action type 'teleport'" in bad.error
    good = await model.turn(step(1))
    assert good.error is None and good.actions == [Scroll(x=10, y=10, dy=200)]
    output, words = wire.requests_to("openai")[1].json["input"]
    assert output["type"] == "computer_call_output" and output["call_id"] == "call_bad"
    assert words["role"] == "user"
    assert "could not be used: unknown computer action type 'teleport'" in words["content"][0]["text"]


async def test_failed_actions_and_notes_reach_the_model(wire: WireServer) -> None:
    wire.script_openai(openai_response(computer_call(Click(x=1, y=1), TypeText(text="hello"))),
                       openai_response(openai_message("ok")))
    model = make(wire)
    await model.turn(step())
    await model.turn(step(1, feedback=[ActionFeedback(ok=True), ActionFeedback(ok=False, error="no field has focus")],
                          notes=["the screen did not change after your last 3 actions"]))
    text = wire.requests_to("openai")[1].json["input"][1]["content"][0]["text"]
    assert "action 2 (type 'hello') failed: no field has focus" in text
    assert "the screen did not change after your last 3 actions" in text


async def test_after_a_plain_message_the_next_turn_sends_text_and_a_screenshot(wire: WireServer) -> None:
    wire.script_openai(openai_response(openai_message("Done, I think.")), openai_response(openai_message("Yes.")))
    model = make(wire)
    await model.turn(step())
    await model.turn(step(1, notes=["the task check failed: invoice 42 is still open"]))
    (message,) = wire.requests_to("openai")[1].json["input"]
    assert message["content"][0]["text"].endswith("the task check failed: invoice 42 is still open")
    assert message["content"][1]["type"] == "input_image"


async def test_usage_and_cost_come_from_the_response_and_the_price_table(wire: WireServer) -> None:
    usage = {"input_tokens": 10_000, "input_tokens_details": {"cached_tokens": 8_000}, "output_tokens": 500,
             "output_tokens_details": {"reasoning_tokens": 300}, "total_tokens": 10_500}
    wire.script_openai(openai_response(openai_message("ok"), model="gpt-5.4-2026-03-05", usage=usage))
    turn = await make(wire).turn(step())
    assert (turn.usage.input_tokens, turn.usage.cached_input_tokens, turn.usage.output_tokens,
            turn.usage.reasoning_tokens) == (2_000, 8_000, 500, 300)
    assert turn.usage.cost_usd == pytest.approx((2_000 * 2.50 + 8_000 * 0.25 + 500 * 15.00) / 1e6)
    assert turn.model == "gpt-5.4-2026-03-05"


async def test_secrets_are_typed_by_name_only(wire: WireServer) -> None:
    wire.script_openai(openai_response(computer_call(
        TypeText(text="{{ secrets.ERP_PASSWORD }}"), TypeText(text="{{ERP_PASSWORD}}"), TypeText(text="{{OTHER}}"))))
    turn = await make(wire).turn(step(secrets=["ERP_PASSWORD"]))
    assert turn.actions == [TypeSecret(name="ERP_PASSWORD"), TypeSecret(name="ERP_PASSWORD"), TypeText(text="{{OTHER}}")]
    prompt = wire.requests_to("openai")[0].json["input"][0]["content"][0]["text"]
    assert "ERP_PASSWORD" in prompt and "{{ secrets.ERP_PASSWORD }}" in prompt


async def test_jpeg_screenshots_by_setting(wire: WireServer) -> None:
    wire.script_openai(openai_response(openai_message("ok")))
    await make(wire, image_format="jpeg", retry=RetryPolicy(attempts=1)).turn(step())
    image = wire.requests_to("openai")[0].json["input"][0]["content"][1]["image_url"]
    assert image.startswith("data:image/jpeg;base64,")
