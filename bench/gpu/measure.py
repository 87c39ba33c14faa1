"""One clock for both sides: tokens per second between optimizer-step ends, and peak memory of training.

Each side calls `begin()` just before its first optimizer step and `step_end(tokens)` after each one.
The first `warmup` steps are excluded: the timed window runs from the end of step `warmup` to the end
of the last step, so it holds everything either loop does between steps (batching, data loading,
logging). Peak memory is reset at `begin()` (after an empty_cache, so neither side carries cached
blocks from loading or a base evaluation) and read at the last step: the training peak, with the
model's weights in it, and without the final evaluation either side may run afterwards.
"""

from __future__ import annotations

import json
import resource
import time

GIB = 1024 ** 3


class StepClock:
    def __init__(self, device: str, warmup: int, total: int):
        self.cuda = device == "cuda"
        self.warmup, self.total = warmup, total
        self.began: float | None = None
        self.ends: list[float] = []
        self.tokens: list[int] = []
        self.losses: list[float] = []
        self.peak_allocated = self.peak_reserved = None

    def _sync(self) -> None:
        if self.cuda:
            import torch

            torch.cuda.synchronize()

    def begin(self) -> None:
        if self.began is not None:
            return
        if self.cuda:
            import torch

            torch.cuda.synchronize()
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
        self.began = time.perf_counter()

    def step_end(self, tokens: int, loss: float | None = None) -> None:
        self._sync()
        self.ends.append(time.perf_counter())
        self.tokens.append(int(tokens))
        if loss is not None:
            self.losses.append(float(loss))
        if self.cuda and len(self.ends) == self.total:
            import torch

            self.peak_allocated = torch.cuda.max_memory_allocated() / GIB
            self.peak_reserved = torch.cuda.max_memory_reserved() / GIB

    def result(self, side: str, **extra) -> dict:
        if len(self.ends) < self.total:
            raise SystemExit(f"{side}: ran {len(self.ends)} optimizer steps, expected {self.total}")
        start = self.ends[self.warmup - 1] if self.warmup else self.began
        seconds = self.ends[-1] - start
        tokens = sum(self.tokens[self.warmup:])
        steps = [b - a for a, b in zip([self.began] + self.ends[:-1], self.ends)]
        device_name = None
        if self.cuda:
            import torch

            device_name = torch.cuda.get_device_name()
        return {"side": side, "tokens": tokens, "seconds": seconds, "tokens_per_s": tokens / seconds,
                "timed_steps": len(self.ends) - self.warmup, "warmup_steps": self.warmup,
                "step_seconds": [round(s, 4) for s in steps], "step_tokens": self.tokens,
                "loss_first": self.losses[0] if self.losses else None,
                "loss_last": self.losses[-1] if self.losses else None,
                "peak_mem_gb": self.peak_allocated, "peak_reserved_gb": self.peak_reserved,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
                "device_name": device_name, **extra}


def report(result: dict) -> None:
    """The child's result: the last line of its stdout."""
    print(json.dumps(result), flush=True)


def read_spec(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)
