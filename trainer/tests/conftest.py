"""Fixtures: one tiny model folder per session, run folders, and running the CLI as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import tiny

TRAINER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Settings under which the tiny model learns the facts within a few dozen steps.
FAST = dict(version=1, learning_rate=0.02, lora_dropout=0.0, effective_batch_size=4, micro_batch_size=2,
            warmup_ratio=0.1, eval_fraction=0.2, seed=7)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> str:
    return tiny.build_model_dir(str(tmp_path_factory.mktemp("tiny-llama")))


@pytest.fixture(scope="session")
def train_file(tmp_path_factory) -> str:
    return tiny.write_jsonl(str(tmp_path_factory.mktemp("data") / "train.jsonl"), tiny.chat_records(4))


@pytest.fixture
def make_run(tmp_path, model_dir, train_file):
    """make_run(**overrides) -> run folder with config.json (FAST settings on the tiny model)."""
    counter = iter(range(1000))

    def make(**overrides) -> str:
        config = {**FAST, "model": model_dir, "train_file": train_file, **overrides}
        return tiny.write_run(str(tmp_path / f"run-{next(counter)}"), **config)

    return make


def trainer_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = TRAINER_DIR
    env.pop("PYTHONWARNINGS", None)
    return env


def run_cli(*args, python: str = sys.executable, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-m", "tunelab_trainer", *args], capture_output=True, text=True,
                          env=trainer_env(), stdin=subprocess.DEVNULL, timeout=timeout)


def json_lines(text: str) -> list[dict]:
    """Every non-empty line must be a JSON object (stdout carries nothing else)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def read_events(run_dir: str) -> list[dict]:
    path = os.path.join(run_dir, "events.jsonl")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return json_lines(f.read())
