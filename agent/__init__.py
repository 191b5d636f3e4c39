"""The agent: the loop, model adapters, policy, runs, workflows and the CLI."""

__all__: list[str] = []
