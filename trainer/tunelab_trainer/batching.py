"""Which examples each optimizer step trains on, and how a step is split into micro-batches.

Effective batch = micro-batch x accumulation x processes. The order is a pure function of the
seed and the step number, so a resumed run, and every process of a multi-process run, sees
exactly the examples an uninterrupted single-process run would.
"""

from __future__ import annotations

import math
import random
from typing import Sequence

from .encoding import Example
from .errors import TrainerError


def accumulation(effective: int, micro: int, processes: int) -> int:
    """Micro-batches per process per optimizer step; raises a config error when it does not divide."""
    per_step = micro * processes
    if effective % per_step:
        lower = max(per_step, effective // per_step * per_step)
        raise TrainerError(
            "config",
            f"effective_batch_size ({effective}) must be a multiple of micro_batch_size x processes "
            f"({micro} x {processes} = {per_step})",
            f"Set effective_batch_size to {lower} or {lower + per_step}, or change micro_batch_size.")
    return effective // per_step


class DataOrder:
    """Step `s` trains on the s-th slice of `effective` examples of an epoch shuffled from `seed + epoch`."""

    def __init__(self, count: int, effective: int, seed: int):
        self.count, self.effective, self.seed = count, effective, seed
        self.steps_per_epoch = max(1, math.ceil(count / effective))
        self._orders: dict[int, list[int]] = {}

    def position(self, step: int) -> dict:
        """Where 0-based step `step` reads: epoch and the offset of its first example in that epoch."""
        return {"epoch": step // self.steps_per_epoch, "offset": step % self.steps_per_epoch * self.effective}

    def indices(self, step: int) -> list[int]:
        where = self.position(step)
        order = self._orders.get(where["epoch"])
        if order is None:
            order = list(range(self.count))
            random.Random(self.seed + where["epoch"]).shuffle(order)
            self._orders = {where["epoch"]: order}  # one epoch cached at a time
        return order[where["offset"]:where["offset"] + self.effective]


def share_of(examples: Sequence[Example], rank: int, processes: int) -> list[Example]:
    """This process's part of a step: longest first, dealt round-robin, so the token counts balance."""
    ordered = sorted(examples, key=lambda e: len(e.input_ids), reverse=True)
    return ordered[rank::processes]


def micro_batches(examples: Sequence[Example], micro: int) -> list[list[Example]]:
    """Unpacked: similar lengths together (shortest first), so dynamic padding wastes less."""
    ordered = sorted(examples, key=lambda e: len(e.input_ids))
    return [ordered[i:i + micro] for i in range(0, len(ordered), micro)]
