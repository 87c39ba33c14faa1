"""`python -m tunelab_trainer eval --run-dir DIR`: score the base model and DIR/adapter on the eval split.

Writes eval/metrics.json and prints `eval` events on stdout. It does not append to events.jsonl:
the run's status is derived from that file's last event, and re-scoring must not change it.
"""

from __future__ import annotations

import json
import logging
import os

from . import events
from .artifacts import write_metrics
from .config import load_config
from .environment import pick_device, require_packages, set_cpu_threads
from .errors import TrainerError
from .methods import load_trained, quantization_config
from .modeling import load_model, load_tokenizer, pad_id, quiet_libraries, require_chat_template
from .prepare import encode_or_fail, read_split
from .scoring import score

log = logging.getLogger("tunelab")


def _trained_steps(run_dir: str) -> int:
    try:
        with open(os.path.join(run_dir, "events.jsonl"), encoding="utf-8") as f:
            steps = [json.loads(line).get("steps") for line in f if '"done"' in line]
        return int(steps[-1]) if steps and steps[-1] is not None else 0
    except (OSError, ValueError):
        return 0


def run_eval(run_dir: str, sink: events.EventSink) -> dict:
    run_dir = os.path.abspath(run_dir)
    cfg = load_config(run_dir)
    adapter_dir = os.path.join(run_dir, "adapter")
    saved = "config.json" if cfg["method"] == "full" else "adapter_config.json"  # full tuning saves a whole model
    if not os.path.isfile(os.path.join(adapter_dir, saved)):
        raise TrainerError("config", f"No adapter in {run_dir}", "Train this run to the end (or stop it) first.")
    split = read_split(cfg)
    if not split.eval:
        raise TrainerError("config", "This run has no eval split",
                           "Set eval_file, or eval_fraction above 0 with at least two train records.")
    quiet_libraries()
    require_packages()
    import torch
    import transformers

    transformers.utils.logging.disable_progress_bar()
    torch.manual_seed(cfg["seed"])
    device, weights_dtype, autocast, _ = pick_device(cfg["device"], cfg["method"])
    if device.type == "cpu":
        log.info("CPU threads: %d", set_cpu_threads())
    tokenizer = load_tokenizer(cfg["model"], cfg["trust_remote_code"])
    if split.task == "sft":
        require_chat_template(tokenizer, cfg["model"])
    warnings: list[str] = []
    examples = encode_or_fail(split.task, split.eval, tokenizer, cfg["max_seq_length"],
                              cfg["eval_file"] or cfg["train_file"], warnings)
    for warning in warnings:
        log.warning(warning)
    model = load_model(cfg["model"], cfg["trust_remote_code"], weights_dtype, device,
                       quantization_config(cfg["method"], autocast))
    batch = cfg["micro_batch_size"]
    base = score(model, examples, batch, pad_id(tokenizer), device, autocast)
    sink.emit(events.eval_event(step=0, eval_loss=base.eval_loss, perplexity=base.perplexity,
                                eval_tokens=base.eval_tokens, which="base"))
    # peft puts the adapter weights on the device of the layers they attach to.
    tuned_model = load_trained(model, adapter_dir, cfg["method"])
    tuned = score(tuned_model, examples, batch, pad_id(tokenizer), device, autocast)
    sink.emit(events.eval_event(step=_trained_steps(run_dir), eval_loss=tuned.eval_loss,
                                perplexity=tuned.perplexity, eval_tokens=tuned.eval_tokens, which="tuned"))
    write_metrics(run_dir, split.task, len(examples), base, tuned)
    return {"base": base, "tuned": tuned}
