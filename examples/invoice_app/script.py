"""What a model once did on the invoice app, as scripted turns: the source of examples/invoice.yaml
and of the workflow tests (coordinates are the standard variant's, at 1280x800)."""

from __future__ import annotations

from actions import Click, Done, TypeSecret, TypeText
from agent.models import Turn

DEFAULT_INPUTS = {"customer": "ACME", "item": "Widget", "quantity": "3", "unit_price": "40"}


def demo_turns(inputs: dict[str, str] | None = None) -> list[Turn]:
    values = {**DEFAULT_INPUTS, **(inputs or {})}

    def turn(*actions: object, message: str) -> Turn:
        return Turn(actions=list(actions), message=message)  # type: ignore[arg-type]

    return [
        turn(Click(x=566, y=190), TypeText(text="demo"), message="Sign in: the username first."),
        turn(Click(x=566, y=246), TypeSecret(name="APP_PASSWORD"), message="Then the password."),
        turn(Click(x=450, y=302), message="Sign in."),
        turn(Click(x=298, y=192), message="Open a new invoice."),
        turn(Click(x=566, y=190), TypeText(text=values["customer"]), message="Fill in the customer."),
        turn(Click(x=566, y=246), TypeText(text=values["item"]), message="The item."),
        turn(Click(x=566, y=302), TypeText(text=values["quantity"]), message="The quantity."),
        turn(Click(x=566, y=358), TypeText(text=values["unit_price"]), message="The unit price."),
        turn(Click(x=460, y=416), message="Save the invoice."),
        turn(Click(x=488, y=458), message="Confirm it."),
        turn(Done(summary="Invoice created."), message="The invoice is in the table."),
    ]
