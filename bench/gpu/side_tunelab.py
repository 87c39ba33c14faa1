"""Tunelab's trainer (tunelab_trainer.train.Training, as `tunelab train` runs it) on the benchmark's
model and data, in a throwaway run folder. `python side_tunelab.py SPEC.json`; last stdout line: JSON."""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from measure import StepClock, read_spec, report  # noqa: E402
import workload  # noqa: E402,F401  (puts trainer/ on sys.path)


def main() -> None:
    spec = read_spec(sys.argv[1])
    p = spec["profile"]

    from tunelab_trainer.events import EventSink
    from tunelab_trainer.train import Training

    with tempfile.TemporaryDirectory() as run_dir:
        config = {
            "version": 1, "model": spec["model_dir"], "train_file": spec["train_file"], "eval_file": spec["eval_file"],
            "task": "cpt" if spec["task"] == "text" else "sft", "method": "lora", "lora_r": p["lora_r"],
            "lora_alpha": p["lora_alpha"], "lora_dropout": p["lora_dropout"], "target_modules": "all-linear",
            "learning_rate": p["learning_rate"], "max_steps": p["warmup_steps"] + p["timed_steps"],
            "effective_batch_size": p["effective_batch_size"], "micro_batch_size": p["micro_batch_size"],
            "max_seq_length": p["max_seq_length"], "gradient_checkpointing": spec["gradient_checkpointing"],
            "warmup_ratio": p["warmup_ratio"], "lr_scheduler": "cosine", "max_grad_norm": p["max_grad_norm"],
            "weight_decay": 0.0, "seed": p["seed"], "device": p["device"],
            # No evaluation, generation or checkpoint inside the timed steps (the baseline does none either).
            "eval_every": 10 ** 6, "save_every": 0, "eval_samples": 0,
        }
        with open(os.path.join(run_dir, "config.json"), "w", encoding="utf-8") as f:
            json.dump(config, f)
        out = io.StringIO()
        training = Training(run_dir, EventSink(out))
        training.setup()
        clock = StepClock(p["device"], p["warmup_steps"], p["warmup_steps"] + p["timed_steps"])
        step = training._step

        def timed_step(*args):
            clock.begin()
            loss, grad_norm, lr, tokens = step(*args)
            clock.step_end(tokens, loss)
            return loss, grad_norm, lr, tokens

        training._step = timed_step
        training.run()
    start = next(json.loads(line) for line in out.getvalue().splitlines() if '"type": "start"' in line)
    report(clock.result("tunelab", packing=start["packing"], dtype=start["dtype"], device=start["device"],
                        trainable_params=start["trainable_params"], total_params=start["total_params"]))


if __name__ == "__main__":
    main()
