"""What both sides of the training benchmark share: settings, data encoding, eval loss, peak memory."""

from __future__ import annotations

import json
import math
import os
import resource
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "trainer"))

MODEL = os.path.join(ROOT, "models", "tunelab-tiny-llama")
TRAIN = os.path.join(ROOT, "samples", "train.jsonl")
EVAL = os.path.join(ROOT, "samples", "eval.jsonl")

# The same for both: model, data, effective batch (micro x accumulation), sequence length, fp32 on the
# CPU, no gradient checkpointing, LoRA r 8 / alpha 16 / dropout 0.05 on all linear layers, AdamW,
# cosine schedule with warmup, clipping at 1.0, seed.
SETTINGS = dict(learning_rate=2e-3, epochs=2, effective_batch_size=16, micro_batch_size=8, max_seq_length=256,
                lora_r=8, lora_alpha=16, lora_dropout=0.05, warmup_ratio=0.03, weight_decay=0.0,
                max_grad_norm=1.0, gradient_checkpointing=False, seed=42)


def warmup_steps(total_steps: int) -> int:
    return math.ceil(SETTINGS["warmup_ratio"] * total_steps)


def encoded(path: str, tokenizer):
    """Tunelab's encoding (chat template, labels on the answers), used by both sides: same tokens, same labels."""
    from tunelab_trainer.data import read_dataset
    from tunelab_trainer.encoding import encode_chat

    return [encode_chat(tokenizer, r.messages, SETTINGS["max_seq_length"]) for r in read_dataset(path).records]


def eval_loss(model, tokenizer, examples) -> float:
    """Mean token NLL over the answer tokens of samples/eval.jsonl (the metric Tunelab reports)."""
    import torch

    from tunelab_trainer.scoring import score

    return score(model, examples, SETTINGS["micro_batch_size"], tokenizer.pad_token_id, torch.device("cpu"), None).eval_loss


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def report(**fields) -> None:
    """The child's one result line (last line of stdout)."""
    print(json.dumps(fields), flush=True)
