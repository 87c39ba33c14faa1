"""`python -m tunelab_trainer train --run-dir DIR`: LoRA fine-tuning with a plain PyTorch loop.

Lifecycle: setup() (config, data, packages, device, tokenizer, model, optimizer) -> run()
(base eval, steps, periodic eval/checkpoints, final eval, adapter, done). Cheap checks come first
so that bad input fails in a second, before torch is imported.
"""

from __future__ import annotations

import logging
import math
import os
import random
import time
from typing import Iterator, Optional

from . import events
from .artifacts import save_adapter, save_checkpoint, write_metrics
from .config import load_config
from .control import Control
from .encoding import Example, pad_batch
from .environment import pick_device, require_packages, set_cpu_threads
from .errors import TrainerError
from .modeling import (attach_lora, count_params, load_model, load_tokenizer, pad_id, quiet_libraries,
                       require_chat_template)
from .prepare import encode_or_fail, read_split
from .scoring import Score, score, summed_nll

log = logging.getLogger("tunelab")


def lr_at(step: int, total: int, peak: float, warmup: int, schedule: str) -> float:
    """Learning rate of 0-based optimizer step `step`: linear warmup to `peak`, then the schedule."""
    if step < warmup:
        return peak * (step + 1) / warmup
    if schedule == "constant":
        return peak
    progress = (step - warmup) / max(1, total - warmup)
    if schedule == "linear":
        return peak * (1.0 - progress)
    return peak * 0.5 * (1.0 + math.cos(math.pi * progress))


def step_groups(examples: list[Example], group_size: int, micro: int, seed: int) -> Iterator[list[list[Example]]]:
    """Endless optimizer-step groups, reshuffled each epoch from the seed.

    Within a group, examples are sorted by length before cutting micro-batches: the group's
    gradient is the same, and dynamic padding wastes less.
    """
    epoch = 0
    while True:
        order = list(range(len(examples)))
        random.Random(seed + epoch).shuffle(order)
        for start in range(0, len(order), group_size):
            group = sorted((examples[i] for i in order[start:start + group_size]), key=lambda e: len(e.input_ids))
            yield [group[j:j + micro] for j in range(0, len(group), micro)]
        epoch += 1


class Training:
    def __init__(self, run_dir: str, sink: events.EventSink, control: Optional[Control] = None):
        self.run_dir = os.path.abspath(run_dir)
        self.sink = sink
        self.control = control or Control()
        self.model = None
        self.tokenizer = None

    # ---- setup -------------------------------------------------------------------------------
    def setup(self) -> None:
        self.started = time.time()
        cfg = self.cfg = load_config(self.run_dir)
        split = read_split(cfg)
        self.task = split.task

        quiet_libraries()
        require_packages()
        import torch
        import transformers

        transformers.logging.set_verbosity_warning()
        transformers.utils.logging.disable_progress_bar()
        random.seed(cfg["seed"])
        torch.manual_seed(cfg["seed"])
        self.device, weights_dtype, self.autocast, self.dtype_name = pick_device(cfg["device"])
        if self.device.type == "cpu":
            log.info("CPU threads: %d", set_cpu_threads())

        self.tokenizer = load_tokenizer(cfg["model"], cfg["trust_remote_code"])
        if self.task == "sft":
            require_chat_template(self.tokenizer, cfg["model"])
        warnings = list(split.warnings)
        self.train_examples = encode_or_fail(self.task, split.train, self.tokenizer, cfg["max_seq_length"],
                                             cfg["train_file"], warnings)
        self.eval_examples = encode_or_fail(self.task, split.eval, self.tokenizer, cfg["max_seq_length"],
                                            cfg["eval_file"] or cfg["train_file"], warnings)
        for warning in warnings:
            log.warning(warning)
            self.sink.emit(events.log_event(level="warning", message=warning))

        log.info("loading %s on %s (%s)", cfg["model"], self.device, self.dtype_name)
        model = load_model(cfg["model"], cfg["trust_remote_code"], weights_dtype, self.device)
        torch.manual_seed(cfg["seed"])  # LoRA init independent of what loading consumed
        self.model = attach_lora(model, cfg, cfg["gradient_checkpointing"])
        self.model.train()
        self.params = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(self.params, lr=cfg["learning_rate"], weight_decay=cfg["weight_decay"])

        self.grad_accum = cfg["effective_batch_size"] // cfg["micro_batch_size"]
        self.steps_per_epoch = math.ceil(len(self.train_examples) / cfg["effective_batch_size"])
        self.total_steps = cfg["max_steps"] or max(1, math.ceil(cfg["epochs"] * self.steps_per_epoch))
        self.warmup_steps = math.ceil(cfg["warmup_ratio"] * self.total_steps)

    # ---- run ---------------------------------------------------------------------------------
    def run(self) -> dict:
        cfg = self.cfg
        trainable, total = count_params(self.model)
        self.sink.emit(events.start_event(
            run_id=os.path.basename(self.run_dir), model=cfg["model"], device=str(self.device),
            dtype=self.dtype_name, method=cfg["method"], task=self.task, trainable_params=trainable,
            total_params=total, train_records=len(self.train_examples), eval_records=len(self.eval_examples),
            total_steps=self.total_steps, effective_batch_size=cfg["effective_batch_size"],
            micro_batch_size=cfg["micro_batch_size"], grad_accum=self.grad_accum))
        log.info("training %d steps: %d trainable of %d parameters, %d train / %d eval examples",
                 self.total_steps, trainable, total, len(self.train_examples), len(self.eval_examples))

        with self.model.disable_adapter():
            base = self._evaluate(0, "base", abort=lambda: self.control.stop_requested)

        step, tokens, train_seconds = 0, 0, 0.0
        last: Optional[Score] = None
        last_eval_step = last_checkpoint_step = -1
        groups = step_groups(self.train_examples, cfg["effective_batch_size"], cfg["micro_batch_size"], cfg["seed"])
        while step < self.total_steps and not self.control.stop_requested:
            began = time.time()
            loss, grad_norm, lr, step_tokens = self._step(step, next(groups))
            step += 1
            tokens += step_tokens
            train_seconds += time.time() - began
            self.sink.emit(events.step_event(
                step=step, total_steps=self.total_steps, epoch=round(step / self.steps_per_epoch, 4), loss=loss,
                lr=lr, grad_norm=grad_norm, tokens=tokens, tokens_per_s=tokens / max(train_seconds, 1e-9)))
            log.info("step %d/%d loss %.4f lr %.3g grad_norm %.3g", step, self.total_steps, loss, lr, grad_norm)
            if step < self.total_steps and self._eval_due(step):
                result = self._evaluate(step, "tuned", abort=lambda: self.control.stop_requested)
                if result is not None:  # None: interrupted by a stop request
                    last, last_eval_step = result, step
            if cfg["save_every"] and step % cfg["save_every"] == 0 and step < self.total_steps:
                self._checkpoint(step)
                last_checkpoint_step = step

        stopped = step < self.total_steps
        if stopped:
            log.info("stop requested: saving at step %d", step)
        # The trained weights are safe on disk before the final eval, which may still fail (e.g. out
        # of memory); `adapter/` itself is written only once the run has succeeded.
        if last_checkpoint_step != step:
            self._checkpoint(step)
        if last_eval_step != step:
            last = self._evaluate(step, "tuned", abort=lambda: self.control.hurry)
        write_metrics(self.run_dir, self.task, len(self.eval_examples), base, last)
        adapter = save_adapter(self.model, self.run_dir)
        done = events.done_event(
            status="stopped" if stopped else "completed", adapter_path=adapter,
            base_eval_loss=base.eval_loss if base else None, base_perplexity=base.perplexity if base else None,
            eval_loss=last.eval_loss if last else None, perplexity=last.perplexity if last else None,
            steps=step, duration_s=time.time() - self.started)
        self.sink.emit(done)
        return done

    def _step(self, step: int, micro_batches: list[list[Example]]) -> tuple[float, float, float, int]:
        import torch

        cfg = self.cfg
        loss_tokens = sum(e.loss_tokens for batch in micro_batches for e in batch)
        loss_sum = torch.zeros((), device=self.device)
        step_tokens = 0
        for batch in micro_batches:
            input_ids, attention, labels = (t.to(self.device) for t in pad_batch(batch, pad_id(self.tokenizer)))
            nll, _ = summed_nll(self.model, input_ids, attention, labels, self.autocast)
            # Normalise by the step's total label count: every token weighs the same across micro-batches.
            (nll / loss_tokens).backward()
            loss_sum += nll.detach()
            step_tokens += int(attention.sum())
        loss = float(loss_sum) / loss_tokens
        if not math.isfinite(loss):
            raise self._nan_error(f"Loss became {'NaN' if math.isnan(loss) else 'infinite'} at step {step + 1}")
        lr = lr_at(step, self.total_steps, cfg["learning_rate"], self.warmup_steps, cfg["lr_scheduler"])
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        max_norm = cfg["max_grad_norm"] if cfg["max_grad_norm"] > 0 else float("inf")
        grad_norm = float(torch.nn.utils.clip_grad_norm_(self.params, max_norm))
        if not math.isfinite(grad_norm):
            raise self._nan_error(f"Gradients became {'NaN' if math.isnan(grad_norm) else 'infinite'} at step {step + 1}")
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        return loss, grad_norm, lr, step_tokens

    def _nan_error(self, message: str) -> TrainerError:
        return TrainerError("nan", message,
                            f"Lower learning_rate (now {self.cfg['learning_rate']:g}) or lora_alpha "
                            f"(now {self.cfg['lora_alpha']:g}), keep max_grad_norm at 1.0, and check the "
                            "data for broken records.")

    def _eval_due(self, step: int) -> bool:
        every = self.cfg["eval_every"] or self.steps_per_epoch
        return bool(self.eval_examples) and step % every == 0

    def _evaluate(self, step: int, which: str, abort) -> Optional[Score]:
        result = score(self.model, self.eval_examples, self.cfg["micro_batch_size"], pad_id(self.tokenizer),
                       self.device, self.autocast, should_abort=abort)
        if result is not None:
            self.sink.emit(events.eval_event(step=step, eval_loss=result.eval_loss, perplexity=result.perplexity,
                                             eval_tokens=result.eval_tokens, which=which))
            log.info("eval (%s) at step %d: loss %.4f perplexity %.3f", which, step, result.eval_loss,
                     result.perplexity)
        return result

    def _checkpoint(self, step: int) -> None:
        import torch

        state = {"step": step, "config": self.cfg, "optimizer": self.optimizer.state_dict(),
                 "rng": {"python": random.getstate(), "torch": torch.get_rng_state()}}
        path = save_checkpoint(self.model, state, self.run_dir, step)
        self.sink.emit(events.checkpoint_event(step=step, path=path))
