"""Never lose work: checkpoints hold everything a run needs, and a killed run resumes exactly."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys

import pytest
import torch
from safetensors.torch import load_file

from conftest import json_lines, read_events, run_cli, trainer_env
from tunelab_trainer import checkpoint
from tunelab_trainer.control import Control
from tunelab_trainer.errors import TrainerError
from tunelab_trainer.events import EventSink
from tunelab_trainer.train import Training

# Dropout on: the resumed run must also reproduce the random masks.
RESUMABLE = dict(max_steps=8, save_every=2, eval_every=4, lora_dropout=0.1, eval_samples=0)


def _adapter(folder: str) -> dict:
    return load_file(os.path.join(folder, "adapter_model.safetensors"))


def _max_diff(a: dict, b: dict) -> float:
    assert a.keys() == b.keys()
    return max(float((a[k] - b[k]).abs().max()) for k in a)


def _train(run_dir: str, resume: bool = False, stop_after: int = 0) -> tuple[Training, list[dict]]:
    out = io.StringIO()
    control = Control()

    class StopAt(EventSink):
        def emit(self, event: dict) -> None:
            super().emit(event)
            if stop_after and event["type"] == "step" and event["step"] == stop_after:
                control.request_stop()

    training = Training(run_dir, StopAt(out, os.path.join(run_dir, "events.jsonl")), control, resume=resume)
    training.setup()
    training.run()
    return training, json_lines(out.getvalue())


def _kill_at_checkpoint(run_dir: str, step: int) -> None:
    """Runs the CLI on `run_dir` and SIGKILLs it as soon as it reports the checkpoint of `step`."""
    env = {**trainer_env(), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "tunelab_trainer", "train", "--run-dir", run_dir],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            text=True, env=env)
    try:
        for line in proc.stdout:
            event = json.loads(line)
            if event["type"] == "checkpoint" and event["step"] == step:
                proc.send_signal(signal.SIGKILL)  # no chance to save anything more
                break
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not os.path.exists(os.path.join(run_dir, "adapter"))


def _resume_to_the_end(run_dir: str, total_steps: int) -> list[dict]:
    resumed = run_cli("train", "--run-dir", run_dir, "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    events = json_lines(resumed.stdout)
    resume = next(e for e in events if e["type"] == "resume")
    assert resume["changed"] == []
    assert [e["step"] for e in events if e["type"] == "step"] == list(range(resume["step"] + 1, total_steps + 1))
    assert events[-1]["type"] == "done" and events[-1]["status"] == "completed"
    return events


def test_a_run_killed_mid_way_resumes_to_the_same_adapter(make_run):
    reference = make_run(**RESUMABLE)
    _train(reference)

    run_dir = make_run(**RESUMABLE)
    _kill_at_checkpoint(run_dir, 4)
    events = _resume_to_the_end(run_dir, 8)
    assert next(e for e in events if e["type"] == "resume")["step"] >= 4
    assert _max_diff(_adapter(os.path.join(run_dir, "adapter")), _adapter(os.path.join(reference, "adapter"))) <= 1e-5
    # The whole event history stays in events.jsonl: the killed part, then the resumed one.
    assert [e["type"] for e in read_events(run_dir)].count("start") == 2


# Prompt and prefix tuning keep their weights in a prompt encoder (prompt_embeddings / prefix_embeddings),
# not in lora_ layers: the saved embeddings and the optimizer state over them must both come back.
VIRTUAL = dict(max_steps=6, save_every=2, eval_every=3, eval_samples=0, num_virtual_tokens=4, learning_rate=0.05,
               max_seq_length=128)


@pytest.mark.parametrize("method", ["prompt", "prefix"])
def test_virtual_token_methods_killed_mid_way_resume_to_the_same_weights(make_run, method):
    reference = make_run(method=method, **VIRTUAL)
    _train(reference)
    final = _adapter(os.path.join(reference, "adapter"))
    assert final and all(k.endswith(("prompt_embeddings", "prefix_embeddings")) for k in final), sorted(final)

    run_dir = make_run(method=method, **VIRTUAL)
    _kill_at_checkpoint(run_dir, 2)
    events = _resume_to_the_end(run_dir, 6)
    assert next(e for e in events if e["type"] == "resume")["step"] >= 2
    # The checkpoint is far from the final weights: the resumed steps had real work to do.
    assert _max_diff(_adapter(os.path.join(run_dir, "checkpoints", "step-2")), final) > 1e-3
    assert _max_diff(_adapter(os.path.join(run_dir, "adapter")), final) <= 1e-5


@pytest.mark.parametrize("method", ["prompt", "prefix"])
def test_virtual_token_methods_stopped_and_resumed_in_process_match(make_run, method):
    reference = make_run(method=method, **VIRTUAL)
    _train(reference)

    run_dir = make_run(method=method, **VIRTUAL)
    _, first = _train(run_dir, stop_after=3)  # not on a save_every step: the stop writes its own checkpoint
    assert first[-1]["type"] == "done" and first[-1]["status"] == "stopped"
    training, events = _train(run_dir, resume=True)
    assert next(e for e in events if e["type"] == "resume")["step"] == 3
    assert events[-1]["type"] == "done" and events[-1]["status"] == "completed"
    assert training.optimizer.state  # AdamW moments came back with the weights
    assert _max_diff(_adapter(os.path.join(run_dir, "adapter")), _adapter(os.path.join(reference, "adapter"))) <= 1e-5


def test_checkpoint_holds_everything_a_resume_needs(make_run):
    training, _ = _train(make_run(max_steps=2, save_every=2, eval_samples=0))
    state = torch.load(os.path.join(training.run_dir, "checkpoints", "step-2", "trainer_state.pt"), weights_only=False)
    assert state["step"] == 2 and state["optimizer"]["state"]
    assert state["config"]["learning_rate"] == training.cfg["learning_rate"]
    assert state["scheduler"] == {"name": "cosine", "warmup_steps": 1, "total_steps": 2, "next_step": 2}
    assert {"python", "torch", "numpy"} <= set(state["rng"])
    assert state["data"] == {"seed": 7, "next_step": 2, "epoch": 0, "offset": 8}
    assert state["progress"]["tokens"] > 0 and state["base_eval"]["eval_loss"] > 0


def test_resume_reports_every_changed_setting_by_name(make_run):
    run_dir = make_run(**RESUMABLE)
    _, first = _train(run_dir, stop_after=3)
    assert first[-1]["type"] == "done" and first[-1]["status"] == "stopped"

    with open(os.path.join(run_dir, "config.json")) as f:
        config = json.load(f)
    config.update(learning_rate=0.01, max_steps=5)
    with open(os.path.join(run_dir, "config.json"), "w") as f:
        json.dump(config, f)
    _, events = _train(run_dir, resume=True)
    resume = next(e for e in events if e["type"] == "resume")
    assert resume["step"] == 3 and resume["checkpoint"].endswith("step-3")
    assert resume["changed"] == [{"field": "learning_rate", "checkpoint": 0.02, "now": 0.01},
                                 {"field": "max_steps", "checkpoint": 8, "now": 5}]
    assert [e["step"] for e in events if e["type"] == "step"] == [4, 5]

    config.update(lora_r=4)
    with open(os.path.join(run_dir, "config.json"), "w") as f:
        json.dump(config, f)
    with pytest.raises(TrainerError) as info:
        Training(run_dir, EventSink(io.StringIO()), resume=True).setup()
    assert info.value.kind == "config" and "lora_r 8 -> 4" in info.value.message


def test_resume_refuses_runs_without_checkpoint_or_already_completed(make_run):
    run_dir = make_run(max_steps=1)
    with pytest.raises(TrainerError, match="Nothing to resume"):
        Training(run_dir, EventSink(io.StringIO()), resume=True).setup()
    _train(run_dir)
    refused = run_cli("train", "--run-dir", run_dir, "--resume")
    assert refused.returncode == 1 and "already completed" in json_lines(refused.stdout)[-1]["message"]


def test_nan_stops_at_once_and_keeps_the_last_good_checkpoint(make_run):
    training = Training(make_run(max_steps=6, save_every=2, eval_samples=0), EventSink(io.StringIO()))
    training.setup()
    # An injected overflow in the 4th step's forward pass (what fp16 or a huge learning rate produce).
    head = training.model.get_base_model().lm_head
    head.register_forward_hook(lambda module, args, out: out * float("inf") if training.step == 3 and module.training else out)
    with pytest.raises(TrainerError) as info:
        training.run()
    err = info.value
    assert err.kind == "nan" and "step 4" in err.message
    kept = os.path.join(training.run_dir, "checkpoints", "step-2")
    assert err.extra["checkpoint"] == kept and kept in err.hint and "learning_rate" in err.hint
    assert sorted(os.listdir(os.path.dirname(kept))) == ["step-2"]  # nothing written after the bad step
    assert training.step == 3 and not os.path.exists(os.path.join(training.run_dir, "adapter"))


def _model_weights(folder: str) -> dict:
    return load_file(os.path.join(folder, "model.safetensors"))


def test_full_fine_tuning_resumes_to_the_same_weights(make_run):
    # Full fine-tuning saves model.safetensors, not an adapter: resume must read that too.
    settings = dict(method="full", max_steps=6, save_every=2, eval_every=3, eval_samples=0, learning_rate=1e-3)
    reference = make_run(**settings)
    _train(reference)

    run_dir = make_run(**settings)
    _, first = _train(run_dir, stop_after=3)
    assert first[-1]["type"] == "done" and first[-1]["status"] == "stopped"
    _, events = _train(run_dir, resume=True)
    assert next(e for e in events if e["type"] == "resume")["step"] == 3
    assert events[-1]["type"] == "done" and events[-1]["status"] == "completed"
    assert _max_diff(_model_weights(os.path.join(run_dir, "adapter")),
                     _model_weights(os.path.join(reference, "adapter"))) <= 1e-5


def test_resume_refuses_another_num_virtual_tokens_and_wrong_shapes_are_config_errors(make_run):
    run_dir = make_run(method="prompt", **{**VIRTUAL, "max_steps": 2})
    _train(run_dir)
    with open(os.path.join(run_dir, "config.json")) as f:
        config = json.load(f)
    config.update(num_virtual_tokens=8, max_steps=4)
    with open(os.path.join(run_dir, "config.json"), "w") as f:
        json.dump(config, f)
    with pytest.raises(TrainerError) as info:
        Training(run_dir, EventSink(io.StringIO()), resume=True).setup()
    assert info.value.kind == "config" and "num_virtual_tokens 4 -> 8" in info.value.message

    # Weights of another shape (a checkpoint that no setting explains) are a config error too, not a crash.
    fresh = Training(run_dir, EventSink(io.StringIO()))
    fresh.setup()
    with pytest.raises(TrainerError) as info:
        checkpoint.load_adapter_weights(fresh.model, os.path.join(run_dir, "checkpoints", "step-2"))
    assert info.value.kind == "config" and "[4, 32]" in info.value.message and "[8, 32]" in info.value.message
