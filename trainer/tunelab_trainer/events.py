"""Trainer events: one JSON object per line on stdout and appended to `<run>/events.jsonl`.

Mirror: src/core/events.ts (TrainerEvent types and parseEventLine). Change both together.
Every event has `type` and `time` (Unix seconds, float). Non-finite floats are written as null
so that every line stays valid JSON.
"""

from __future__ import annotations

import json
import math
import os
import time
from typing import IO, Any, Optional

ERROR_KINDS = ("config", "data", "environment", "oom", "nan", "internal")
DONE_STATUSES = ("completed", "stopped")
EVAL_WHICH = ("base", "tuned")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _event(type_: str, **fields: Any) -> dict:
    event = {"type": type_}
    event.update({key: _finite(value) for key, value in fields.items()})
    event["time"] = time.time()
    return event


def start_event(*, run_id: str, model: str, device: str, dtype: str, method: str, task: str,
                trainable_params: int, total_params: int, train_records: int, eval_records: int,
                total_steps: int, effective_batch_size: int, micro_batch_size: int,
                grad_accum: int, processes: int = 1, packing: bool = False, eval_source: str = "file",
                resumed_from_step: Optional[int] = None) -> dict:
    """grad_accum is per process: effective = micro x grad_accum x processes. eval_source: file | carved | none."""
    return _event("start", run_id=run_id, model=model, device=device, dtype=dtype, method=method,
                  task=task, trainable_params=trainable_params, total_params=total_params,
                  train_records=train_records, eval_records=eval_records, total_steps=total_steps,
                  effective_batch_size=effective_batch_size, micro_batch_size=micro_batch_size,
                  grad_accum=grad_accum, processes=processes, packing=packing, eval_source=eval_source,
                  resumed_from_step=resumed_from_step)


def step_event(*, step: int, total_steps: int, epoch: float, loss: float, lr: float,
               grad_norm: float, tokens: int, tokens_per_s: float) -> dict:
    return _event("step", step=step, total_steps=total_steps, epoch=epoch, loss=loss, lr=lr,
                  grad_norm=grad_norm, tokens=tokens, tokens_per_s=tokens_per_s)


def eval_event(*, step: int, eval_loss: float, perplexity: float, eval_tokens: int, which: str,
               samples: Optional[list] = None) -> dict:
    """samples: [{prompt, completion}] greedy generations for the first few eval prompts."""
    assert which in EVAL_WHICH
    return _event("eval", step=step, eval_loss=eval_loss, perplexity=perplexity,
                  eval_tokens=eval_tokens, which=which, samples=samples or [])


def resume_event(*, step: int, checkpoint: str, changed: list) -> dict:
    """A run continued from `checkpoint`; changed: [{field, checkpoint, now}] settings that differ from it."""
    return _event("resume", step=step, checkpoint=checkpoint, changed=changed)


def checkpoint_event(*, step: int, path: str) -> dict:
    return _event("checkpoint", step=step, path=path)


def done_event(*, status: str, adapter_path: str, base_eval_loss: Optional[float],
               base_perplexity: Optional[float], eval_loss: Optional[float],
               perplexity: Optional[float], steps: int, duration_s: float, early_stopped: bool = False,
               best_step: Optional[int] = None) -> dict:
    """best_step: with early stopping, the step whose adapter was kept (its eval loss is eval_loss)."""
    assert status in DONE_STATUSES
    return _event("done", status=status, adapter_path=adapter_path, base_eval_loss=base_eval_loss,
                  base_perplexity=base_perplexity, eval_loss=eval_loss, perplexity=perplexity,
                  steps=steps, duration_s=duration_s, early_stopped=early_stopped, best_step=best_step)


def error_event(*, kind: str, message: str, hint: str, **extra: Any) -> dict:
    """`extra` carries optional detail such as `problems` (a list of {field, message})."""
    assert kind in ERROR_KINDS
    return _event("error", kind=kind, message=_one_line(message), hint=_one_line(hint), **extra)


def log_event(*, level: str, message: str) -> dict:
    return _event("log", level=level, message=_one_line(message))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class EventSink:
    """Writes each event as one JSON line to a stream (the real stdout) and, if given, a file."""

    def __init__(self, stream: IO[str], path: Optional[str] = None):
        self._stream = stream
        self._file = open(path, "a", encoding="utf-8") if path else None

    def emit(self, event: dict) -> None:
        line = json.dumps(event, ensure_ascii=False, allow_nan=False) + "\n"
        if self._file is not None:
            self._file.write(line)
            self._file.flush()
        try:
            self._stream.write(line)
            self._stream.flush()
        except (BrokenPipeError, ValueError):
            # The parent went away (e.g. the editor window reloaded); events.jsonl still has it all.
            pass

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def claim_stdout() -> IO[str]:
    """Keep the real stdout for events and point fd 1 (and sys.stdout) at stderr.

    Libraries print progress bars and warnings; this way nothing but events reaches stdout,
    not even output written from C code.
    """
    import sys

    sys.stdout.flush()
    events_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(events_fd, "w", encoding="utf-8", buffering=1)
