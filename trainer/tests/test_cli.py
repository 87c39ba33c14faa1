"""The CLI as the editor runs it: a subprocess, events on stdout and in events.jsonl, exit codes."""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time

import pytest

import tiny
from conftest import json_lines, read_events, run_cli, trainer_env


def event_types(events: list[dict]) -> list[str]:
    return [e["type"] for e in events]


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory, model_dir, train_file):
    from conftest import FAST

    run_dir = tiny.write_run(str(tmp_path_factory.mktemp("e2e")), **{
        **FAST, "model": model_dir, "train_file": train_file, "epochs": 3})
    result = run_cli("train", "--run-dir", run_dir)
    return run_dir, result


def test_train_end_to_end(finished_run):
    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-2000:]
    stdout_events = json_lines(result.stdout)  # raises if anything but JSON reached stdout
    file_events = read_events(run_dir)
    assert stdout_events == file_events
    kinds = [t for t in event_types(file_events) if t != "log"]
    assert kinds[0] == "start" and kinds[1] == "eval" and kinds[-2:] == ["eval", "done"]
    assert set(kinds[2:-2]) == {"step", "eval", "checkpoint"} and kinds[-3] == "checkpoint"
    evals = [e for e in file_events if e["type"] == "eval"]
    assert evals[0]["which"] == "base" and evals[0]["step"] == 0
    assert evals[-1]["which"] == "tuned" and evals[-1]["eval_loss"] < evals[0]["eval_loss"]
    # eval_every 0: one eval at the end of each of the 3 epochs (the last one is the final eval).
    assert len(evals) == 1 + 3
    start, done = file_events[0], file_events[-1]
    assert start["task"] == "sft" and start["device"] == "cpu" and start["grad_accum"] == 2
    assert start["train_records"] == 19 and start["eval_records"] == 5 and start["total_steps"] == 15
    assert done["status"] == "completed" and done["steps"] == 15
    assert os.path.isfile(os.path.join(run_dir, "adapter", "adapter_model.safetensors"))
    assert "INFO" in result.stderr  # human logs went to stderr


def test_eval_command_rescores_base_and_adapter(finished_run):
    run_dir, _ = finished_run
    before = read_events(run_dir)
    result = run_cli("eval", "--run-dir", run_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    evals = json_lines(result.stdout)
    assert [(e["type"], e["which"]) for e in evals] == [("eval", "base"), ("eval", "tuned")]
    done = before[-1]
    assert evals[0]["eval_loss"] == pytest.approx(done["base_eval_loss"], abs=1e-4)
    assert evals[1]["eval_loss"] == pytest.approx(done["eval_loss"], abs=1e-4)
    assert read_events(run_dir) == before  # the run's status is untouched
    with open(os.path.join(run_dir, "eval", "metrics.json")) as f:
        assert json.load(f)["tuned"]["eval_loss"] == evals[1]["eval_loss"]


def test_training_again_in_a_finished_run_is_refused_without_touching_it(finished_run):
    run_dir, _ = finished_run
    before = read_events(run_dir)
    result = run_cli("train", "--run-dir", run_dir)
    assert result.returncode == 1 and json_lines(result.stdout)[0]["kind"] == "config"
    assert read_events(run_dir) == before


def assert_one_error(run_dir: str, result, kind: str) -> dict:
    assert result.returncode == 1, result.stderr[-2000:]
    stdout_events = json_lines(result.stdout)
    errors = [e for e in stdout_events if e["type"] == "error"]
    assert len(errors) == 1 and errors[0]["kind"] == kind, stdout_events
    assert errors[0]["message"] and errors[0]["hint"] and "\n" not in errors[0]["message"]
    assert "Traceback" not in result.stdout
    assert not os.path.exists(os.path.join(run_dir, "adapter"))
    assert read_events(run_dir)[-1] == errors[0]
    return errors[0]


def test_config_out_of_range_lists_every_problem(make_run):
    run_dir = make_run(lora_r=0, learning_rate=5, lr_scheduler="step")
    error = assert_one_error(run_dir, run_cli("train", "--run-dir", run_dir), "config")
    assert "3 problems" in error["message"] and "lora_r must be an integer from 1 to 1024" in error["message"]
    assert {p["field"] for p in error["problems"]} == {"lora_r", "learning_rate", "lr_scheduler"}


def test_missing_model_path(make_run, tmp_path):
    run_dir = make_run(model=str(tmp_path / "no-such-model"))
    error = assert_one_error(run_dir, run_cli("train", "--run-dir", run_dir), "config")
    assert "model folder not found" in error["message"]


def test_folder_that_is_not_a_hugging_face_model(make_run, tmp_path):
    fake = tmp_path / "fake-model"
    fake.mkdir()
    (fake / "config.json").write_text('{"hello": "world"}')
    run_dir = make_run(model=str(fake))
    error = assert_one_error(run_dir, run_cli("train", "--run-dir", run_dir), "config")
    assert "has no model_type, so it is not a Hugging Face model config" in error["message"]


def test_dataset_without_a_valid_record(make_run, tmp_path):
    bad = tiny.write_jsonl(str(tmp_path / "bad.jsonl"), ["{oops", '{"messages": []}', '{"foo": 1}'])
    run_dir = make_run(train_file=bad)
    error = assert_one_error(run_dir, run_cli("train", "--run-dir", run_dir), "data")
    assert error["message"] == "No valid record in bad.jsonl (3 lines): line 1: invalid JSON " \
                               "(Expecting property name enclosed in double quotes) and 2 more"


def test_nan_loss_is_reported_as_nan(make_run):
    # A huge LoRA scale (alpha / r) makes the first update overflow.
    run_dir = make_run(lora_alpha=1e30, learning_rate=1.0, max_steps=5)
    error = assert_one_error(run_dir, run_cli("train", "--run-dir", run_dir), "nan")
    assert "learning_rate" in error["hint"]
    assert "start" in event_types(read_events(run_dir))


PROBE_NO_TORCH = ("import importlib.util, sys; "
                  "sys.exit(0 if sys.version_info >= (3, 9) and importlib.util.find_spec('torch') is None else 1)")


@functools.lru_cache(maxsize=1)
def python_without_torch() -> str | None:
    """A real interpreter that lacks torch (the venv's base Python, usually)."""
    for candidate in (getattr(sys, "_base_executable", None), "/usr/bin/python3"):
        if not candidate or not os.path.exists(candidate):
            continue
        if os.path.realpath(candidate) == os.path.realpath(sys.executable):
            continue
        if subprocess.run([candidate, "-c", PROBE_NO_TORCH]).returncode == 0:
            return candidate
    return None


@pytest.mark.skipif(python_without_torch() is None, reason="no Python without torch on this machine")
def test_missing_packages_give_an_environment_error_with_the_pip_command(make_run):
    python = python_without_torch()
    run_dir = make_run()
    error = assert_one_error(run_dir, run_cli("train", "--run-dir", run_dir, python=python), "environment")
    assert "torch" in error["message"]
    assert "-m pip install" in error["hint"] and "torch==" in error["hint"]

    report = json.loads(run_cli("doctor", python=python).stdout)
    assert "torch" in report["missing"] and report["torch"] is None and report["ok"] is False
    assert report["fix"].startswith(python) and "torch==" in report["fix"]


def test_missing_run_folder_and_usage_errors(tmp_path):
    result = run_cli("train", "--run-dir", str(tmp_path / "nope"))
    assert result.returncode == 1 and json_lines(result.stdout)[0]["kind"] == "config"
    usage = run_cli("train")
    assert usage.returncode == 2 and usage.stdout == "" and "--run-dir" in usage.stderr


def start_long_run(run_dir: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tunelab_trainer", "train", "--run-dir", run_dir],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=trainer_env())


def wait_for_step(process: subprocess.Popen, step: int = 2) -> None:
    deadline = time.time() + 90
    for line in process.stdout:
        event = json.loads(line)
        if event["type"] == "step" and event["step"] >= step:
            return
        assert time.time() < deadline and event["type"] != "error", event
    raise AssertionError("the trainer ended before the first steps")


@pytest.mark.parametrize("how", ["sigterm", "stdin"])
def test_stop_finishes_the_step_saves_the_adapter_and_reports_stopped(make_run, how):
    run_dir = make_run(max_steps=100000, save_every=0)
    process = start_long_run(run_dir)
    try:
        wait_for_step(process)
        if how == "sigterm":
            process.send_signal(signal.SIGTERM)
        else:
            process.stdin.write("stop\n")
            process.stdin.flush()
        rest, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0
    done = json_lines(rest)[-1]
    assert done["type"] == "done" and done["status"] == "stopped" and 2 <= done["steps"] < 100000
    assert done["eval_loss"] is not None
    assert os.path.isfile(os.path.join(run_dir, "adapter", "adapter_model.safetensors"))
    assert os.path.isdir(os.path.join(run_dir, "checkpoints", f"step-{done['steps']}"))
    assert read_events(run_dir)[-1] == done


def test_sigint_cancels_at_once_without_a_result(make_run):
    run_dir = make_run(max_steps=100000)
    process = start_long_run(run_dir)
    try:
        wait_for_step(process)
        began = time.time()
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130 and time.time() - began < 5
    assert "done" not in event_types(read_events(run_dir))
    assert not os.path.exists(os.path.join(run_dir, "adapter"))
