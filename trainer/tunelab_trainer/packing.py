"""Packing several examples into one sequence without attention or labels across their boundaries.

Each packed row holds whole examples one after another; position ids restart at 0 for every
example. With `attention_mask=None`, transformers (masking_utils.find_packed_sequence_indices)
reads the position-id restarts as sequence boundaries and builds a block-diagonal causal mask
(eager/SDPA), or flash-attention's variable-length kernels use them directly. The first token of
every example carries no label, so no token is ever predicted from the example before it. Padding
at the end of a row is one more "example" of its own, with no labels.
"""

from __future__ import annotations

import sys
from typing import Sequence

from .encoding import IGNORE_INDEX, Example


def pack_rows(examples: Sequence[Example], capacity: int) -> list[list[Example]]:
    """First-fit decreasing: longest examples first, each into the first row it fits in."""
    rows: list[list[Example]] = []
    free: list[int] = []
    for example in sorted(examples, key=lambda e: len(e.input_ids), reverse=True):
        size = len(example.input_ids)
        for index, room in enumerate(free):
            if size <= room:
                rows[index].append(example)
                free[index] -= size
                break
        else:
            rows.append([example])
            free.append(capacity - size)
    return rows


def packed_batch(rows: Sequence[Sequence[Example]], pad_id: int):
    """(input_ids, position_ids, labels, real tokens) for rows of examples, right-padded."""
    import torch

    width = max(sum(len(e.input_ids) for e in row) for row in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE_INDEX, dtype=torch.long)
    positions = torch.zeros((len(rows), width), dtype=torch.long)
    real = 0
    for r, row in enumerate(rows):
        at = 0
        for example in row:
            n = len(example.input_ids)
            input_ids[r, at:at + n] = torch.tensor(example.input_ids, dtype=torch.long)
            labels[r, at + 1:at + n] = torch.tensor(example.labels[1:], dtype=torch.long)
            positions[r, at:at + n] = torch.arange(n)
            at += n
        real += at
        positions[r, at:] = torch.arange(width - at)  # the padding tail: a segment of its own
    return input_ids, positions, labels, real


def model_supports_packing(model) -> bool:
    """True when the model builds its attention mask with transformers' masking_utils, which
    honours position-id restarts (Llama, Mistral, Qwen2/3, Gemma, Phi3, ...). Other models would
    silently attend across examples, so packing is not exact for them."""
    base = model
    for attr in ("get_base_model",):
        if hasattr(base, attr):
            base = getattr(base, attr)()
    seen = set()
    for module in base.modules():
        name = type(module).__module__
        if name in seen:
            continue
        seen.add(name)
        if name.startswith("transformers.models.") and hasattr(sys.modules.get(name), "create_causal_mask"):
            return True
    return False
