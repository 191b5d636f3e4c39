"""Workflows end to end on the demo invoice app: record, export, replay with zero model calls,
survive a moved button, heal a renamed one, fail clearly without a model, and export a standalone
Playwright script that runs on its own."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions import Click, Done
from agent.record.events import ActionEvent, RunFinished, WorkflowStepEvent, read_events
from agent.workflows.export import export_workflow
from agent.workflows.export_playwright import export_playwright
from agent.loop import Agent
from agent.models import ReplayModel, Turn
from agent.workflows.replayer import Replayer
from agent.safety.secrets import Secrets
from agent.workflows.workflow import Workflow, load_workflow
from environments import Browser
from examples.invoice_app import DEMO_PASSWORD, AppServer, serve_app
from examples.invoice_app.script import demo_turns

ROOT = Path(__file__).resolve().parents[3]
SECRETS = Secrets({"APP_PASSWORD": DEMO_PASSWORD})


@pytest.fixture
def app(request: pytest.FixtureRequest) -> Iterator[AppServer]:
    with serve_app(getattr(request, "param", "standard")) as server:
        yield server


def saved_check(app: AppServer) -> str:
    return (f"command:{sys.executable} -c \"import json,sys,urllib.request;"
            f"d=json.load(urllib.request.urlopen('{app.url}/api/invoices'));"
            "sys.exit(0 if any(i['customer']=='ACME' and i['total']==120 for i in d['invoices']) else 1)\"")


@pytest.fixture(scope="module")
async def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A browser run of a (scripted) model creating the invoice, exported as a workflow."""
    from agent.checks import parse_check

    runs = tmp_path_factory.mktemp("recorded")
    with serve_app("standard") as server:
        async with Browser(start_url=server.url + "/login") as env:
            agent = Agent(ReplayModel(demo_turns()), env, secrets=SECRETS, runs_dir=runs, checks=[
                parse_check(saved_check(server))], config={"environment": "browser", "size": [1280, 800],
                                                           "start_url": server.url + "/login"})
            result = await agent.run("Create invoice for ACME: 3 x Widget at $40")
        assert result.status == "success", result.reason
    workflow = await export_workflow(result.run_dir)
    path = workflow.save(runs / "invoice.yaml")
    return result.run_dir, path


def for_app(workflow: Workflow, app: AppServer) -> Workflow:
    """The recorded workflow pointed at this test's app (its port differs from the recording's)."""
    old = workflow.environment.start_url or ""
    base = old[: old.index("/login")]
    text = workflow.dump_yaml().replace(base, app.url)
    import yaml

    return Workflow.model_validate(yaml.safe_load(text))


async def replay(workflow: Workflow, app: AppServer, tmp_path: Path, model: ReplayModel | None = None,
                 source: Workflow | None = None):  # type: ignore[no-untyped-def]
    async with Browser(start_url=app.url + "/login") as env:
        return await Replayer(workflow.rendered(), env, model=model, source=source or workflow, secrets=SECRETS,
                              runs_dir=tmp_path, grace=1.0).run()


def step_events(run_dir: Path) -> list[WorkflowStepEvent]:
    return [e for e in read_events(run_dir) if isinstance(e, WorkflowStepEvent)]


async def test_an_exported_run_replays_on_the_same_app_with_zero_model_calls(recorded, app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    workflow = for_app(load_workflow(recorded[1]), app)
    assert len(workflow.steps) == 10 and workflow.steps[0].anchor and workflow.steps[0].anchor.selector == "#username"
    assert "APP_PASSWORD" in workflow.secrets and DEMO_PASSWORD not in recorded[1].read_text()
    result = await replay(workflow, app, tmp_path)
    assert result.status == "success", result.reason
    assert result.model_calls == 0 and "zero model calls" in result.reason
    finished = [e for e in read_events(result.run_dir) if isinstance(e, RunFinished)][0]
    assert finished.model_calls == 0
    assert [i["customer"] for i in app.state.invoices] == ["ACME"]
    assert {e.status for e in step_events(result.run_dir)} == {"in_place"}


@pytest.mark.parametrize("app", ["moved"], indirect=True)
async def test_a_moved_button_is_found_and_clicked_where_it_is_now(recorded, app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = await replay(for_app(load_workflow(recorded[1]), app), app, tmp_path)
    assert result.status == "success", result.reason
    assert result.model_calls == 0
    save = step_events(result.run_dir)[8]
    assert save.status == "moved" and save.delta != (0, 0)
    clicks = [e.action for e in read_events(result.run_dir) if isinstance(e, ActionEvent) and e.step == 8]
    assert isinstance(clicks[0], Click) and (clicks[0].x, clicks[0].y) == (460 + save.delta[0], 416 + save.delta[1])
    assert len(app.state.invoices) == 1


@pytest.mark.parametrize("app", ["renamed"], indirect=True)
async def test_a_renamed_button_without_a_model_fails_naming_the_step(recorded, app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = await replay(for_app(load_workflow(recorded[1]), app), app, tmp_path)
    assert result.status == "failed" and result.exit_code == 1
    assert "step 9 (\"Click 'Save invoice'\")" in result.reason
    assert "no model is configured" in result.reason and "step-0008.png" in result.reason
    assert (result.run_dir / "step-0008.png").exists()
    assert app.state.invoices == []


@pytest.mark.parametrize("app", ["renamed"], indirect=True)
async def test_a_renamed_button_heals_and_the_healed_workflow_replays_without_a_model(recorded, app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    workflow = for_app(load_workflow(recorded[1]), app)
    model = ReplayModel([Turn(actions=[Click(x=475, y=416)], message="The button is now called Create invoice."),
                         Turn(actions=[Done(summary="clicked it")])])
    result = await replay(workflow, app, tmp_path, model=model)
    assert result.status == "success", result.reason
    assert result.model_calls == 2
    model.assert_consumed()
    assert [e.status for e in step_events(result.run_dir)][8] == "healed"
    healed_path, diff_path = result.run_dir / "workflow.healed.yaml", result.run_dir / "workflow.diff"
    diff = diff_path.read_text()
    assert "Create invoice" in diff and "-    text: Save invoice" in diff
    healed = load_workflow(healed_path)
    assert healed.steps[8].anchor is not None and healed.steps[8].anchor.name == "Create invoice"
    with serve_app("renamed") as again:
        second = await replay(for_app(healed, again), again, tmp_path)
        assert second.status == "success", second.reason
        assert second.model_calls == 0
        assert len(again.state.invoices) == 1


async def test_the_playwright_export_runs_without_screenloop(recorded, app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    script = tmp_path / "replay.py"
    script.write_text(export_playwright(recorded[0]))
    assert "page.locator('#save').click()" in script.read_text()
    assert DEMO_PASSWORD not in script.read_text()
    blocker = textwrap.dedent(f"""
        import runpy, sys
        class Blocker:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('actions', 'environments', 'agent', 'examples'):
                    raise ImportError('screenloop is not installed here: ' + name)
        sys.meta_path.insert(0, Blocker())
        sys.argv = [{str(script)!r}, {app.url + '/login'!r}]
        runpy.run_path(sys.argv[0], run_name='__main__')
    """)
    done = subprocess.run([sys.executable, "-I", "-c", blocker], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "APP_PASSWORD": DEMO_PASSWORD})
    assert done.returncode == 0, done.stderr
    assert [i["customer"] for i in app.state.invoices] == ["ACME"]


def test_inputs_and_secrets_through_the_cli(app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = DEMO_PASSWORD
    done = subprocess.run(
        [str(Path(sys.executable).parent / "screenloop"), "run", str(ROOT / "examples" / "invoice.yaml"),
         "--env", "browser", "--input", f"base_url={app.url}", "--input", "customer=Globex Corp",
         "--input", "quantity=5", "--secret", "APP_PASSWORD=env:INVOICE_APP_PASSWORD", "--out", str(tmp_path),
         "--json"],
        capture_output=True, text=True, timeout=180, env={**os.environ, "INVOICE_APP_PASSWORD": secret})
    assert done.returncode == 0, done.stderr
    assert [(i["customer"], i["quantity"], i["total"]) for i in app.state.invoices] == [("Globex Corp", 5, 200.0)]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    assert secret not in done.stdout + done.stderr


def test_a_workflow_run_without_its_secret_is_a_usage_error(app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = subprocess.run([str(Path(sys.executable).parent / "screenloop"), "run",
                           str(ROOT / "examples" / "invoice.yaml"), "--env", "browser",
                           "--input", f"base_url={app.url}", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 64 and "APP_PASSWORD" in done.stderr


async def test_the_demo_replays_on_a_desktop_with_zero_model_calls(tmp_path: Path) -> None:
    from agent.app.demo import run_demo

    assert await run_demo(out=tmp_path) == 0
    run_dir = next(tmp_path.iterdir())
    finished = [e for e in read_events(run_dir) if isinstance(e, RunFinished)][0]
    assert finished.status == "success" and finished.model_calls == 0
    assert (run_dir / "report.html").exists()
