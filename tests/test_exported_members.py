"""Every public name of the three packages is exported, and every export exists."""

from __future__ import annotations

import importlib
import inspect

import pytest


@pytest.mark.parametrize("package", ["actions", "environments", "agent"])
def test_all_is_sorted_and_complete(package: str) -> None:
    module = importlib.import_module(package)
    exported = module.__all__
    assert exported == sorted(exported), f"{package}.__all__ is not sorted"
    for name in exported:
        assert hasattr(module, name), f"{package}.{name} is listed but missing"
    public = {
        name for name, value in vars(module).items()
        if not name.startswith("_") and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", "").startswith(package)
    }
    assert public <= set(exported), f"{package} exports are missing: {sorted(public - set(exported))}"


def test_imports_run_one_way() -> None:
    """actions imports nothing of ours; environments never imports agent (DESIGN.md)."""
    import ast
    from pathlib import Path

    root = Path(__file__).parent.parent
    forbidden = {"actions": {"environments", "agent"}, "environments": {"agent"}}
    for package, banned in forbidden.items():
        for path in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                for name in names:
                    assert name.split(".")[0] not in banned, f"{path} imports {name}"
