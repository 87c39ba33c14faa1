"""Data parallel: 2 processes under torchrun (gloo on the CPU) train like 1 with the same effective batch."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from safetensors.torch import load_file

from conftest import json_lines, read_events, trainer_env
from tunelab_trainer.batching import accumulation
from tunelab_trainer.errors import TrainerError
from tunelab_trainer.events import EventSink
from tunelab_trainer.train import Training

# Dropout off: each process draws its own masks, so only the dropout-free curves can match exactly.
SETTINGS = dict(max_steps=3, effective_batch_size=4, micro_batch_size=1, lora_dropout=0.0, eval_every=2,
                eval_samples=1, sample_max_new_tokens=4)


def test_two_processes_match_one_with_the_same_effective_batch(make_run):
    single = make_run(**SETTINGS)
    out = io.StringIO()
    training = Training(single, EventSink(out))
    training.setup()
    training.run()
    one = json_lines(out.getvalue())

    double = make_run(**SETTINGS)
    env = {**trainer_env(), "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                           "-m", "tunelab_trainer", "train", "--run-dir", double],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    two = json_lines(proc.stdout)
    assert two == read_events(double)  # only rank 0 reports, once

    start = two[0]
    assert start["type"] == "start" and start["processes"] == 2 and start["grad_accum"] == 2
    assert one[0]["grad_accum"] == 4 and start["effective_batch_size"] == one[0]["effective_batch_size"] == 4
    steps = lambda events: [e for e in events if e["type"] == "step"]  # noqa: E731
    assert len(steps(two)) == len(steps(one)) == 3
    # Tolerance: the same sums in another order (float32 all-reduce) differ by rounding only.
    for a, b in zip(steps(one), steps(two)):
        assert b["loss"] == pytest.approx(a["loss"], abs=1e-5)
        assert b["grad_norm"] == pytest.approx(a["grad_norm"], rel=1e-4)
        assert b["tokens"] == a["tokens"]
    evals = lambda events: [e["eval_loss"] for e in events if e["type"] == "eval"]  # noqa: E731
    assert evals(two) == pytest.approx(evals(one), abs=1e-5)
    adapter_one = load_file(os.path.join(single, "adapter", "adapter_model.safetensors"))
    adapter_two = load_file(os.path.join(double, "adapter", "adapter_model.safetensors"))
    assert max(float((adapter_one[k] - adapter_two[k]).abs().max()) for k in adapter_one) <= 1e-5


def test_accumulation_is_divided_by_the_processes():
    assert accumulation(32, 4, 1) == 8 and accumulation(32, 4, 2) == 4
    with pytest.raises(TrainerError) as info:
        accumulation(12, 4, 2)
    assert info.value.kind == "config"
    assert "micro_batch_size x processes (4 x 2 = 8)" in info.value.message
    assert "Set effective_batch_size to 8 or 16" in info.value.hint
