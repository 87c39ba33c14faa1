"""Checkpoints that let a run continue exactly where it stopped (or was killed).

`<run>/checkpoints/step-N/` holds the adapter (PEFT format) and `trainer_state.pt`: step, config,
optimizer, scheduler, RNG states (python, numpy, torch, cuda), data position, progress counters,
the base/last evaluations and the early-stopping state. Folders are written under a temporary
name and renamed, so a folder with the final name is always complete; `latest()` ignores the rest.
`<run>/checkpoints/best/` holds the adapter with the lowest eval loss when early stopping is on.
"""

from __future__ import annotations

import json
import os
import random
import re
from typing import Any, Optional

from .artifacts import save_atomically
from .errors import TrainerError, first_line

STATE_FILE = "trainer_state.pt"
FORMAT = 1
# Settings that change the adapter's shape or the data it was trained on: a checkpoint cannot continue under others.
# (num_virtual_tokens is the row count of the prompt/prefix embeddings.)
INCOMPATIBLE = ("model", "method", "task", "lora_r", "target_modules", "num_virtual_tokens", "max_seq_length",
                "train_file")


def checkpoints_dir(run_dir: str) -> str:
    return os.path.join(run_dir, "checkpoints")


def rng_states() -> dict:
    import torch

    states: dict[str, Any] = {"python": random.getstate(), "torch": torch.get_rng_state()}
    try:
        import numpy

        states["numpy"] = numpy.random.get_state()
    except ImportError:
        pass
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        states["cuda"] = torch.cuda.get_rng_state_all()
    return states


def restore_rng(states: dict) -> None:
    import torch

    random.setstate(states["python"])
    torch.set_rng_state(states["torch"])
    if "numpy" in states:
        import numpy

        numpy.random.set_state(states["numpy"])
    if "cuda" in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])


def save(model, state: dict, run_dir: str, name: str) -> str:
    import torch

    def write(tmp: str) -> None:
        model.save_pretrained(tmp)
        torch.save({"format": FORMAT, **state}, os.path.join(tmp, STATE_FILE))

    os.makedirs(checkpoints_dir(run_dir), exist_ok=True)
    return save_atomically(write, os.path.join(checkpoints_dir(run_dir), name))


def save_best(model, run_dir: str, step: int, eval_loss: float) -> str:
    def write(tmp: str) -> None:
        model.save_pretrained(tmp)
        with open(os.path.join(tmp, "best.json"), "w", encoding="utf-8") as f:
            json.dump({"step": step, "eval_loss": eval_loss}, f)

    os.makedirs(checkpoints_dir(run_dir), exist_ok=True)
    return save_atomically(write, os.path.join(checkpoints_dir(run_dir), "best"))


def latest(run_dir: str) -> Optional[str]:
    """The complete `step-N` folder with the highest N, or None."""
    folder = checkpoints_dir(run_dir)
    if not os.path.isdir(folder):
        return None
    found = []
    for name in os.listdir(folder):
        match = re.fullmatch(r"step-(\d+)", name)
        if match and os.path.isfile(os.path.join(folder, name, STATE_FILE)):
            found.append((int(match.group(1)), name))
    return os.path.join(folder, max(found)[1]) if found else None


def load_state(path: str) -> dict:
    import torch

    try:
        state = torch.load(os.path.join(path, STATE_FILE), map_location="cpu", weights_only=False)
    except Exception as exc:
        raise TrainerError("config", f"The checkpoint {path} cannot be read ({type(exc).__name__}: {exc})",
                           "Delete that folder to resume from the one before it.")
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise TrainerError("config", f"The checkpoint {path} was written by another version of Tunelab",
                           "Start a new run.")
    return state


def saved_weights(path: str) -> dict:
    """The trained weights in a saved folder: a PEFT adapter, or (full fine-tuning) the whole model, sharded or not."""
    from safetensors.torch import load_file

    for name in ("adapter_model.safetensors", "model.safetensors"):
        if os.path.isfile(os.path.join(path, name)):
            return load_file(os.path.join(path, name))
    index = os.path.join(path, "model.safetensors.index.json")
    if os.path.isfile(index):
        with open(index, encoding="utf-8") as f:
            shards = sorted(set(json.load(f)["weight_map"].values()))
        weights: dict = {}
        for shard in shards:
            weights.update(load_file(os.path.join(path, shard)))
        return weights
    raise TrainerError("config", f"The checkpoint {path} holds no weights (no adapter_model.safetensors or "
                                 "model.safetensors)", "Delete that folder to resume from the one before it.")


def load_adapter_weights(model, path: str) -> None:
    """Puts the weights saved in `path` into `model`: the adapter of a PeftModel, or the whole model."""
    weights = saved_weights(path)
    hint = "Resume with the settings the run started with."
    try:
        if hasattr(model, "peft_config"):
            from peft import set_peft_model_state_dict

            result = set_peft_model_state_dict(model, weights)
            unexpected = [k for k in getattr(result, "unexpected_keys", []) or [] if "lora_" in k or "modules_to_save" in k]
        else:
            unexpected = list(model.load_state_dict(weights, strict=False).unexpected_keys)
    except RuntimeError as exc:
        # A tensor of another shape (e.g. the model folder was replaced by another size): torch's
        # message names the tensor and both shapes.
        raise TrainerError("config", f"The checkpoint's weights do not fit the model: {first_line(exc)} "
                           f"{_size_mismatch(exc)}".rstrip(), hint)
    if unexpected:
        raise TrainerError("config", f"The checkpoint's weights do not fit the model: {unexpected[0]} "
                           f"(and {len(unexpected) - 1} more)", hint)


def _size_mismatch(exc: Exception) -> str:
    """torch's first "size mismatch for ..." line, which says which tensor and which shapes."""
    lines = [line.strip() for line in str(exc).splitlines() if "size mismatch" in line]
    return f"({lines[0]})" if lines else ""


def config_changes(saved: dict, now: dict) -> list[dict]:
    """Every setting whose value differs, by name: [{field, checkpoint, now}]."""
    keys = sorted(set(saved) | set(now))
    return [{"field": k, "checkpoint": saved.get(k), "now": now.get(k)} for k in keys if saved.get(k) != now.get(k)]


def describe_changes(changes: list[dict]) -> str:
    return ", ".join(f"{c['field']} {json.dumps(c['checkpoint'])} -> {json.dumps(c['now'])}" for c in changes)
