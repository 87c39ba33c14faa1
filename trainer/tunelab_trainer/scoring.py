"""Loss on a set of examples: mean token NLL over the tokens that carry labels, and perplexity."""

from __future__ import annotations

import math
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Callable, Optional

from .encoding import IGNORE_INDEX, Example, pad_batch


@dataclass
class Score:
    eval_loss: float
    perplexity: float
    eval_tokens: int


def perplexity(loss: float) -> float:
    return math.exp(min(loss, 700.0))  # stays a finite JSON number


def summed_nll(model, input_ids, attention, labels, autocast_dtype, position_ids=None):
    """(sum of token NLL over labelled positions, number of those positions) for one batch.

    Packed rows (packing.py) come with position_ids and no attention mask."""
    import torch
    import torch.nn.functional as F

    context = torch.autocast(device_type=input_ids.device.type, dtype=autocast_dtype) if autocast_dtype else nullcontext()
    with context:
        extra = {} if position_ids is None else {"position_ids": position_ids}
        logits = model(input_ids=input_ids, attention_mask=attention, use_cache=False, **extra).logits
    shifted = labels[:, 1:]
    nll = F.cross_entropy(logits[:, :-1].float().reshape(-1, logits.size(-1)), shifted.reshape(-1),
                          ignore_index=IGNORE_INDEX, reduction="sum")
    return nll, int((shifted != IGNORE_INDEX).sum())


def score(model, examples: list[Example], batch_size: int, pad_id: int, device, autocast_dtype,
          should_abort: Optional[Callable[[], bool]] = None) -> Optional[Score]:
    """None when there is nothing to score or `should_abort` said so."""
    import torch

    if not examples:
        return None
    was_training = model.training
    model.eval()
    total, tokens = 0.0, 0
    # Similar lengths together: less padding, same result.
    ordered = sorted(examples, key=lambda e: len(e.input_ids))
    try:
        with torch.no_grad():
            for start in range(0, len(ordered), batch_size):
                if should_abort is not None and should_abort():
                    return None
                batch = pad_batch(ordered[start:start + batch_size], pad_id)
                nll, count = summed_nll(model, *(t.to(device) for t in batch), autocast_dtype)
                total += float(nll)
                tokens += count
    finally:
        model.train(was_training)
    if tokens == 0:
        return None
    loss = total / tokens
    return Score(eval_loss=loss, perplexity=perplexity(loss), eval_tokens=tokens)
