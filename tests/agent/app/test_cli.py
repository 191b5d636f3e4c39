"""The ``screenloop`` command as a user runs it: a real process, real exit codes, real files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from actions import Click, Done, TypeSecret, TypeText, Wait
from agent.record.events import ActionEvent, RunFinished, read_events
from agent.models import Turn

from ...conftest import saved_check

SCREENLOOP = str(Path(sys.executable).parent / "screenloop")


def write_turns(path: Path, turns: list[Turn]) -> str:
    path.write_text("\n".join(t.model_dump_json() for t in turns))
    return f"replay:{path}"


def form_turns(customer: str = "ACME") -> list[Turn]:
    return [
        Turn(actions=[Click(x=300, y=102), TypeText(text=customer)], message="customer"),
        Turn(actions=[Click(x=240, y=352)], message="save"),
        Turn(actions=[Done(summary="saved")]),
    ]


def screenloop(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SCREENLOOP, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def test_run_json_success(tmp_path: Path, page_server: str, submissions: list) -> None:
    model = write_turns(tmp_path / "turns.jsonl", form_turns())
    done = screenloop("run", "Create an invoice for ACME", "--model", model, "--env", "browser",
                      "--start-url", page_server + "/pages/form.html", "--check", saved_check(page_server, "ACME"),
                      "--out", str(tmp_path / "runs"), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # exactly one JSON document on stdout
    assert result["status"] == "success" and result["steps"] == 3
    assert Path(result["run_dir"], "report.html").exists()
    assert "step 1" in done.stderr  # the live view went to stderr
    listing = screenloop("runs", "--out", str(tmp_path / "runs"))
    assert result["run_id"] in listing.stdout and "success" in listing.stdout


def test_exit_codes(tmp_path: Path, page_server: str, submissions: list) -> None:
    url = page_server + "/pages/form.html"
    model = write_turns(tmp_path / "turns.jsonl", form_turns())
    unverified = screenloop("run", "x", "--model", model, "--start-url", url, "--out", str(tmp_path))
    assert unverified.returncode == 2, unverified.stderr
    budget = screenloop("run", "x", "--model", model, "--start-url", url, "--out", str(tmp_path), "--max-steps", "1")
    assert budget.returncode == 3
    failed = screenloop("run", "x", "--model", model, "--start-url", url, "--out", str(tmp_path),
                        "--check", "url_matches:/never$")
    assert failed.returncode == 1
    assert screenloop("run", "x", "--model", model, "--env", "moon").returncode == 64
    assert screenloop("run", "x", "--model", model, "--check", "nonsense").returncode == 64
    assert screenloop("run", "--model", model).returncode == 64  # no task


def test_secrets_stay_out_of_files_and_logs(tmp_path: Path, page_server: str, submissions: list) -> None:
    value = "s3cr3t-VALUE-91"
    model = write_turns(tmp_path / "turns.jsonl", [
        Turn(actions=[Click(x=300, y=222), TypeSecret(name="PW")]),
        Turn(actions=[Click(x=300, y=102), TypeText(text="user {{ secrets.PW }}")]),
        Turn(actions=[Click(x=240, y=352)]),
        Turn(actions=[Done()]),
    ])
    done = screenloop("run", "log in", "--model", model, "--start-url", page_server + "/pages/form.html",
                      "--secret", "PW=env:SCREENLOOP_TEST_PW", "--out", str(tmp_path / "runs"),
                      env={"SCREENLOOP_TEST_PW": value})
    assert done.returncode == 2, done.stderr
    assert submissions[0]["password"] == value and submissions[0]["customer"] == f"user {value}"
    assert value not in done.stdout and value not in done.stderr
    for path in (tmp_path / "runs").rglob("*"):
        if path.is_file():
            assert value.encode() not in path.read_bytes(), path


def test_a_run_killed_with_sigkill_keeps_its_finished_steps(tmp_path: Path, page_server: str) -> None:
    model = write_turns(tmp_path / "turns.jsonl", [
        Turn(actions=[Click(x=300, y=102), TypeText(text="one")]),
        Turn(actions=[Click(x=300, y=162), TypeText(text="two")]),
        Turn(actions=[Wait(seconds=60)]),
        Turn(actions=[Done()]),
    ])
    runs = tmp_path / "runs"
    process = subprocess.Popen([SCREENLOOP, "run", "x", "--model", model, "--start-url",
                                page_server + "/pages/form.html", "--out", str(runs)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        folders = list(runs.glob("*/run.jsonl"))
        text = folders[0].read_text() if folders else ""
        if '"type":"wait"' in text:
            break
        assert time.monotonic() < deadline, "the run never reached its third step"
        time.sleep(0.1)
    process.kill()
    process.wait(10)
    run_dir = folders[0].parent
    events = list(read_events(run_dir))
    typed = [e.action.text for e in events if isinstance(e, ActionEvent) and e.action.type == "type"]
    assert typed == ["one", "two"]
    assert not any(isinstance(e, RunFinished) for e in events)
    rendered = screenloop("report", str(run_dir))
    assert rendered.returncode == 0, rendered.stderr
    page = (run_dir / "report.html").read_text()
    assert "did not finish" in page and page.count("<article") == 3


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_ctrl_c_end_the_run_as_interrupted(tmp_path: Path, page_server: str, sig: int) -> None:
    model = write_turns(tmp_path / "turns.jsonl", [Turn(actions=[Wait(seconds=3)]), Turn(actions=[Wait(seconds=60)])])
    runs = tmp_path / "runs"
    process = subprocess.Popen([SCREENLOOP, "run", "x", "--model", model, "--start-url",
                                page_server + "/pages/form.html", "--out", str(runs), "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 60
    while not any('"type":"wait"' in p.read_text() for p in runs.glob("*/run.jsonl")):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    process.send_signal(sig)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 4
    assert json.loads(out)["status"] == "interrupted"
    events = list(read_events(next(runs.glob("*"))))
    assert isinstance(events[-1], RunFinished) and events[-1].status == "interrupted"
    # The wait that was running finished before the stop (the current action completes).
    assert any(isinstance(e, ActionEvent) and e.action.type == "wait" and e.ok for e in events)


def test_a_run_in_the_sandbox_with_the_live_view(tmp_path: Path) -> None:
    from tests.environments.sandbox.test_sandbox import container_unavailable

    reason = container_unavailable()
    if reason:
        if os.environ.get("SCREENLOOP_REQUIRE_CONTAINER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    # The sandbox has no network: the page travels in the URL itself.
    page = ("data:text/html,<body style='margin:0'><button style='position:absolute;left:100px;top:100px;"
            "width:300px;height:100px;font-size:30px' onclick=\"document.body.innerHTML="
            "'<h1 style=font-size:60px>Clicked OK</h1>'\">Press me</button></body>")
    model = write_turns(tmp_path / "turns.jsonl", [Turn(actions=[Click(x=250, y=150)]), Turn(actions=[Done()])])
    done = screenloop("run", "press the button", "--env", "sandbox", "--live", "--start-url", page, "--model", model,
                      "--check", "text_visible:Clicked OK", "--out", str(tmp_path / "runs"), "--json", timeout=240)
    assert done.returncode == 0, done.stderr
    assert "watch the sandbox live: http://127.0.0.1:" in done.stderr
    assert json.loads(done.stdout)["status"] == "success"


def test_a_desktop_program_started_with_app(tmp_path: Path, page_server: str, submissions: list) -> None:
    import shlex

    from environments import kiosk_argv

    program = shlex.join(kiosk_argv(page_server + "/pages/form.html", tmp_path / "profile"))
    model = write_turns(tmp_path / "turns.jsonl", form_turns("Initech"))
    done = screenloop("run", "Create an invoice for Initech", "--env", "desktop", "--app", program, "--model", model,
                      "--check", saved_check(page_server, "Initech"), "--out", str(tmp_path / "runs"), "--json")
    assert done.returncode == 0, done.stderr
    assert submissions[0]["customer"] == "Initech"
    assert json.loads(done.stdout)["status"] == "success"


def test_a_run_in_the_sandbox_reaches_the_hosts_page_through_the_allow_list(
        tmp_path: Path, page_server: str, submissions: list) -> None:
    from tests.environments.sandbox.test_sandbox import container_unavailable

    reason = container_unavailable()
    if reason:
        if os.environ.get("SCREENLOOP_REQUIRE_CONTAINER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    host = page_server.removeprefix("http://")  # 127.0.0.1:PORT, the host's loopback seen from the sandbox
    model = write_turns(tmp_path / "turns.jsonl", form_turns("SANDBOXED"))
    done = screenloop("run", "save an invoice for SANDBOXED", "--env", "sandbox", "--allow-domain", host,
                      "--start-url", f"{page_server}/pages/form.html", "--model", model,
                      "--check", saved_check(page_server, "SANDBOXED"), "--check", "text_visible:New invoice",
                      "--out", str(tmp_path / "runs"), "--json",
                      timeout=240)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "success"
    assert [s["customer"] for s in submissions] == ["SANDBOXED"]  # typed in the sandbox, saved on the host


def test_without_an_allow_list_the_sandbox_cannot_load_the_hosts_page(tmp_path: Path, page_server: str) -> None:
    from tests.environments.sandbox.test_sandbox import container_unavailable

    reason = container_unavailable()
    if reason:
        if os.environ.get("SCREENLOOP_REQUIRE_CONTAINER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    model = write_turns(tmp_path / "turns.jsonl", [Turn(actions=[Done()])])
    done = screenloop("run", "look", "--env", "sandbox", "--start-url", f"{page_server}/pages/form.html",
                      "--model", model, "--check", "text_visible:New invoice", "--out", str(tmp_path / "runs"),
                      "--json", timeout=240)
    result = json.loads(done.stdout)
    assert result["status"] == "failed", done.stderr  # the same check passes with the allow-list (above)
