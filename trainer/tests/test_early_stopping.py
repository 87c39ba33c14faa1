"""Early stopping on eval loss keeps the best adapter; evals carry sample generations."""

from __future__ import annotations

import io
import os

import torch
from safetensors.torch import load_file

from conftest import json_lines
from tunelab_trainer.events import EventSink
from tunelab_trainer.train import Training


def test_early_stopping_restores_the_best_adapter(make_run, tmp_path):
    import tiny

    # The eval answers contradict the training ones: eval loss falls while the model learns the format,
    # then rises as it learns the training answers.
    wrong = [{"messages": [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": q},
                           {"role": "assistant", "content": a.replace("Paris", "Rome").replace("Rome.", "Madrid.")
                            .replace("blue", "green").replace("green.", "red.").replace("four", "two")}]}
             for q, a in tiny.FACTS]
    eval_file = tiny.write_jsonl(str(tmp_path / "wrong.jsonl"), wrong)
    out = io.StringIO()
    training = Training(make_run(eval_file=eval_file, max_steps=40, eval_every=2, early_stopping_patience=2,
                                 early_stopping_min_delta=0.0, eval_samples=2, sample_max_new_tokens=6),
                        EventSink(out))
    training.setup()
    done = training.run()
    events = json_lines(out.getvalue())
    evals = [e for e in events if e["type"] == "eval" and e["which"] == "tuned"]
    best = min(evals, key=lambda e: e["eval_loss"])

    assert done["early_stopped"] is True and done["steps"] < 40
    assert done["best_step"] == best["step"] < done["steps"]
    assert done["eval_loss"] == best["eval_loss"]
    # Stopped after `patience` evals without improvement on the best.
    assert [e["step"] for e in evals][-2:] == [best["step"] + 2, best["step"] + 4] == [done["steps"] - 2, done["steps"]]
    saved = load_file(os.path.join(done["adapter_path"], "adapter_model.safetensors"))
    best_dir = load_file(os.path.join(training.run_dir, "checkpoints", "best", "adapter_model.safetensors"))
    last = load_file(os.path.join(training.run_dir, "checkpoints", f"step-{done['steps']}", "adapter_model.safetensors"))
    assert saved.keys() == best_dir.keys()
    assert all(torch.equal(saved[k], best_dir[k]) for k in saved)
    assert max(float((saved[k] - last[k]).abs().max()) for k in saved) > 1e-4  # not simply the last weights

    # Each eval shows greedy completions of the first eval prompts (short, deterministic).
    assert all(len(e["samples"]) == 2 for e in evals)
    first = evals[0]["samples"][0]
    assert first["prompt"].endswith("<|assistant|>\n") and "France" in first["prompt"]
    assert isinstance(first["completion"], str)


def test_without_patience_the_last_adapter_is_kept(make_run):
    out = io.StringIO()
    training = Training(make_run(max_steps=4, eval_every=2, eval_samples=0), EventSink(out))
    training.setup()
    done = training.run()
    assert done["early_stopped"] is False and done["best_step"] is None and done["steps"] == 4
    assert not os.path.exists(os.path.join(training.run_dir, "checkpoints", "best"))
    assert all(e["samples"] == [] for e in json_lines(out.getvalue()) if e["type"] == "eval")
    # No eval_file: the eval split is carved from train (seeded) and the run says so.
    events = json_lines(out.getvalue())
    assert events[0]["eval_source"] == "carved" and events[0]["eval_records"] == 5
    assert any(e["type"] == "log" and "5 of 24 train records (eval_fraction 0.2, seed 7) are held out" in e["message"]
               for e in events)
