"""Tunelab's trainer (train.py) on the same model, data and settings, in a throwaway run folder."""

from __future__ import annotations

import argparse
import io
import json
import os
import tempfile
import time

from common import MODEL, SETTINGS, EVAL, TRAIN, peak_rss_mb, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=float, default=SETTINGS["epochs"])
    args = parser.parse_args()

    from tunelab_trainer.events import EventSink
    from tunelab_trainer.train import Training

    with tempfile.TemporaryDirectory() as run_dir:
        config = {"version": 1, "model": MODEL, "train_file": TRAIN, "eval_file": EVAL, **SETTINGS,
                  "epochs": args.epochs, "eval_every": 10 ** 6, "eval_samples": 0}
        with open(os.path.join(run_dir, "config.json"), "w", encoding="utf-8") as f:
            json.dump(config, f)
        out = io.StringIO()
        training = Training(run_dir, EventSink(out))
        training.setup()
        cpu = [0.0]
        step = training._step

        def timed_step(*args):  # CPU time of the optimizer steps, as the baseline's train loop measures it
            began = time.process_time()
            try:
                return step(*args)
            finally:
                cpu[0] += time.process_time() - began

        training._step = timed_step
        done = training.run()
    steps = [json.loads(line) for line in out.getvalue().splitlines() if '"type": "step"' in line]
    start = next(json.loads(line) for line in out.getvalue().splitlines() if '"type": "start"' in line)
    report(side="tunelab", tokens=steps[-1]["tokens"], train_seconds=training.train_seconds, cpu_seconds=cpu[0],
           tokens_per_s=steps[-1]["tokens_per_s"], eval_loss=done["eval_loss"], peak_rss_mb=peak_rss_mb(),
           steps=len(steps), packing=start["packing"])


if __name__ == "__main__":
    main()
