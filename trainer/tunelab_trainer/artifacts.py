"""Files a run leaves behind: the adapter (atomically), checkpoints, eval/metrics.json."""

from __future__ import annotations

import json
import os
import shutil
from typing import Optional

from .scoring import Score

DEFINITIONS = {
    "sft": "mean token NLL over assistant tokens",
    "cpt": "mean token NLL over text tokens",
}


def save_atomically(write, final_dir: str) -> str:
    """`write(tmp_dir)` then rename, so a half-written folder never has the final name."""
    parent = os.path.dirname(final_dir)
    tmp = os.path.join(parent, f".{os.path.basename(final_dir)}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        write(tmp)
        if os.path.exists(final_dir):
            shutil.rmtree(final_dir)
        os.replace(tmp, final_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final_dir


def save_adapter(model, run_dir: str) -> str:
    return save_atomically(model.save_pretrained, os.path.join(run_dir, "adapter"))


def save_checkpoint(model, state: dict, run_dir: str, step: int) -> str:
    import torch

    def write(tmp: str) -> None:
        model.save_pretrained(tmp)
        torch.save(state, os.path.join(tmp, "trainer_state.pt"))

    os.makedirs(os.path.join(run_dir, "checkpoints"), exist_ok=True)
    return save_atomically(write, os.path.join(run_dir, "checkpoints", f"step-{step}"))


def _score_dict(score: Optional[Score]) -> Optional[dict]:
    return None if score is None else {"eval_loss": score.eval_loss, "perplexity": score.perplexity}


def write_metrics(run_dir: str, task: str, eval_records: int, base: Optional[Score], tuned: Optional[Score]) -> str:
    known = base or tuned
    metrics = {
        "eval_records": eval_records,
        "eval_tokens": known.eval_tokens if known else 0,
        "base": _score_dict(base),
        "tuned": _score_dict(tuned),
        "definitions": {"eval_loss": DEFINITIONS[task], "perplexity": "exp(eval_loss)"},
    }
    folder = os.path.join(run_dir, "eval")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "metrics.json")
    tmp = path + f".tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
    return path
