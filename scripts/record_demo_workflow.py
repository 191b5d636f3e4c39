"""Record examples/invoice.yaml: drive the demo app on a virtual desktop with a scripted model,
export the run as a workflow, and turn the typed values into inputs.

    .venv/bin/python scripts/record_demo_workflow.py

The scripted turns below are what a model did once; from then on the workflow replays without one.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actions import Click, Done, TypeSecret, TypeText  # noqa: E402
from agent.checks import CommandCheck  # noqa: E402
from agent.export import export_workflow  # noqa: E402
from agent.launch import open_environment  # noqa: E402
from agent.loop import Agent  # noqa: E402
from agent.models import ReplayModel, Turn  # noqa: E402
from agent.secrets import Secrets  # noqa: E402
from agent.workflow import InputSpec  # noqa: E402
from examples.invoice_app import DEMO_PASSWORD, serve_app  # noqa: E402

INPUTS = {"customer": "ACME", "item": "Widget", "quantity": "3", "unit_price": "40"}
CHECK = (
    "python3 -c \"import json, sys, urllib.request; "
    "rows = json.load(urllib.request.urlopen('{{ inputs.base_url }}/api/invoices'))['invoices']; "
    "sys.exit(0 if any(r['customer'] == '{{ inputs.customer }}' and r['quantity'] == {{ inputs.quantity }} "
    "and r['total'] == {{ inputs.quantity }} * {{ inputs.unit_price }} for r in rows) else 1)\""
)


def turns() -> list[Turn]:
    def turn(*actions: object, message: str) -> Turn:
        return Turn(actions=list(actions), message=message)  # type: ignore[arg-type]

    return [
        turn(Click(x=566, y=190), TypeText(text="demo"), message="Sign in: the username first."),
        turn(Click(x=566, y=246), TypeSecret(name="APP_PASSWORD"), message="Then the password."),
        turn(Click(x=450, y=302), message="Sign in."),
        turn(Click(x=298, y=192), message="Open a new invoice."),
        turn(Click(x=566, y=190), TypeText(text=INPUTS["customer"]), message="Fill in the customer."),
        turn(Click(x=566, y=246), TypeText(text=INPUTS["item"]), message="The item."),
        turn(Click(x=566, y=302), TypeText(text=INPUTS["quantity"]), message="The quantity."),
        turn(Click(x=566, y=358), TypeText(text=INPUTS["unit_price"]), message="The unit price."),
        turn(Click(x=460, y=416), message="Save the invoice."),
        turn(Click(x=488, y=458), message="Confirm it."),
        turn(Done(summary="Invoice created."), message="The invoice is in the table."),
    ]


async def main() -> None:
    with serve_app("standard") as app:
        url = app.url + "/login"
        async with open_environment("desktop", start_url=url) as env:
            agent = Agent(ReplayModel(turns()), env, secrets=Secrets({"APP_PASSWORD": DEMO_PASSWORD}),
                          runs_dir=ROOT / "runs", config={"environment": "desktop", "start_url": url,
                                                          "size": [1280, 800], "model": "scripted"})
            result = await agent.run("Create invoice for ACME: 3 x Widget at $40")
        if not app.state.invoices:
            raise SystemExit(f"the scripted run did not create the invoice: {result.reason}")
    workflow = await export_workflow(result.run_dir, name="create-invoice")
    for step in workflow.steps:  # typed values become inputs
        for i, action in enumerate(step.actions):
            for name, value in INPUTS.items():
                if isinstance(action, TypeText) and action.text == value:
                    step.actions[i] = TypeText(text=f"{{{{ inputs.{name} }}}}")
                    step.goal = step.goal.replace(repr(value), f"the {name.replace('_', ' ')}")
    workflow.description = "Sign in to the Acme back office and create an invoice."
    workflow.environment.start_url = "{{ inputs.base_url }}/login"
    workflow.inputs = {
        "base_url": InputSpec(description="Where the app runs", default="http://127.0.0.1:8080"),
        **{name: InputSpec(description=f"Invoice {name.replace('_', ' ')}", default=value)
           for name, value in INPUTS.items()},
    }
    workflow.checks = [CommandCheck(command=CHECK)]
    path = workflow.save(ROOT / "examples" / "invoice.yaml")
    print(f"wrote {path} ({len(workflow.steps)} steps) from run {result.run_dir}")


if __name__ == "__main__":
    asyncio.run(main())
