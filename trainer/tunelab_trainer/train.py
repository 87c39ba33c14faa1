"""`python -m tunelab_trainer train --run-dir DIR [--resume]`: fine-tuning with a plain PyTorch loop.

Lifecycle: setup() (config, data, packages, device, tokenizer, model, optimizer, and with `resume`
the latest checkpoint) -> run() (base eval, steps, periodic eval/checkpoints, early stopping,
final eval, adapter, done). Cheap checks come first so that bad input fails in a second, before
torch is imported. Under `torchrun` every process runs this loop on its share of each step
(distributed.py); only rank 0 reports and writes files.
"""

from __future__ import annotations

import logging
import math
import os
import random
import time
from typing import Optional

from . import checkpoint, distributed, events
from .artifacts import save_adapter, write_metrics
from .batching import DataOrder, accumulation, micro_batches, share_of
from .config import load_config
from .control import Control
from .encoding import Example, pad_batch
from .environment import cpu_threads, device_label, pick_precision, require_packages
from .errors import TrainerError
from .generations import sample_generations
from .fast_lora import use_fast_lora
from .methods import quantization_config, uses_lora
from .modeling import (attach_method, count_params, load_model, load_tokenizer, pad_id, quiet_libraries,
                       require_chat_template)
from .packing import model_supports_packing, pack_rows, packed_batch
from .prepare import encode_or_fail, read_split
from .loss import labelled_nll
from .scoring import Score, perplexity, score

log = logging.getLogger("tunelab")
NO_PACKING_METHODS = ("prefix", "prompt")  # virtual tokens shift positions: packing would not be exact


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


def step_seed(seed: int, step: int, rank: int) -> int:
    """Dropout randomness of one step, independent of what ran before (so resuming is exact)."""
    return (seed * 1_000_003 + step * 7919 + rank) % (2 ** 63)


class Training:
    def __init__(self, run_dir: str, sink: events.EventSink, control: Optional[Control] = None,
                 resume: bool = False):
        self.run_dir = os.path.abspath(run_dir)
        self.sink = sink
        self.control = control or Control()
        self.resume = resume
        self.world = distributed.world_from_env()
        self.model = None
        self.tokenizer = None

    def emit(self, event: dict) -> None:
        if self.world.main:
            self.sink.emit(event)

    # ---- setup -------------------------------------------------------------------------------
    def setup(self) -> None:
        self.started = time.time()
        cfg = self.cfg = load_config(self.run_dir)
        self.resume_from = checkpoint.latest(self.run_dir) if self.resume else None
        if self.resume and self.resume_from is None:
            raise TrainerError("config", f"Nothing to resume: {self.run_dir} has no complete checkpoint",
                               "Start the run again without --resume (set save_every to checkpoint during training).")
        split = read_split(cfg)
        self.task = split.task
        self.eval_source = "file" if cfg["eval_file"] else ("carved" if split.eval else "none")

        quiet_libraries()
        require_packages()
        import torch
        import transformers

        transformers.logging.set_verbosity_warning()
        transformers.utils.logging.disable_progress_bar()
        random.seed(cfg["seed"])
        torch.manual_seed(cfg["seed"])
        self.device, self.amp = pick_precision(cfg["device"], cfg["method"])
        weights_dtype, self.autocast = self.amp.weights_dtype, self.amp.autocast_dtype
        self.dtype_name = self.amp.precision.name
        if self.world.size > 1 and self.device.type == "cuda":
            self.device = torch.device("cuda", self.world.local_rank)
            torch.cuda.set_device(self.device)
        if self.device.type == "cpu" and not os.environ.get("OMP_NUM_THREADS"):
            # Processes on one machine share its cores.
            torch.set_num_threads(max(1, cpu_threads() // self.world.local_size))
        distributed.init(self.world, self.device.type)
        self.grad_accum = accumulation(cfg["effective_batch_size"], cfg["micro_batch_size"], self.world.size)

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
            self.emit(events.log_event(level="warning", message=warning))
        self.carve_note = (f"No eval_file: {len(split.eval)} of {len(split.train) + len(split.eval)} train records "
                           f"(eval_fraction {cfg['eval_fraction']:g}, seed {cfg['seed']}) are held out for evaluation"
                           if self.eval_source == "carved" else None)

        log.info("loading %s on %s (%s)", cfg["model"], self.device, self.dtype_name)
        model = load_model(cfg["model"], cfg["trust_remote_code"], weights_dtype, self.device,
                           quantization_config(cfg["method"], self.autocast))
        torch.manual_seed(cfg["seed"])  # adapter init independent of what loading consumed
        self.model = attach_method(model, cfg, cfg["gradient_checkpointing"])
        if self.device.type == "cpu" and uses_lora(cfg["method"]):
            log.info("fused CPU path on %d LoRA layers", use_fast_lora(self.model))
        self.model.train()
        self.params = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(self.params, lr=cfg["learning_rate"], weight_decay=cfg["weight_decay"])
        self.packing_exact = model_supports_packing(self.model) and cfg["method"] not in NO_PACKING_METHODS
        self.packing = self._packing_choice()

        self.order = DataOrder(len(self.train_examples), cfg["effective_batch_size"], cfg["seed"])
        self.steps_per_epoch = self.order.steps_per_epoch
        self.total_steps = cfg["max_steps"] or max(1, math.ceil(cfg["epochs"] * self.steps_per_epoch))
        self.warmup_steps = math.ceil(cfg["warmup_ratio"] * self.total_steps)

        # Progress that a checkpoint carries over.
        self.step, self.tokens, self.train_seconds = 0, 0, 0.0
        self.base: Optional[Score] = None
        self.last: Optional[Score] = None
        self.best: Optional[dict] = None          # {"step", "eval_loss", "eval_tokens"} of the best eval so far
        self.best_weights: Optional[dict] = None
        self.bad_evals = 0
        self.last_eval_step = -1                  # step of self.last
        self.changes: list[dict] = []
        if self.resume_from:
            self._restore(self.resume_from)

    def _packing_choice(self) -> bool:
        setting = self.cfg.get("packing", "auto")
        if setting is True and not self.packing_exact:
            raise TrainerError("config", "packing is true, but packing is not exact for this model or method "
                                         f"({self.cfg['method']}): examples would attend to each other",
                               'Set packing to "auto" (packs only where exact) or false.')
        return self.packing_exact if setting == "auto" else bool(setting)

    def _restore(self, path: str) -> None:
        state = checkpoint.load_state(path)
        self.changes = checkpoint.config_changes(state["config"], self.cfg)
        blocking = [c for c in self.changes if c["field"] in checkpoint.INCOMPATIBLE]
        if blocking:
            raise TrainerError(
                "config", f"Cannot resume {os.path.basename(path)}: settings that shape the adapter or its data "
                          f"changed: {checkpoint.describe_changes(blocking)}",
                "Put these settings back in config.json to resume, or start a new run.",
                problems=[{"field": c["field"], "message": f"{c['field']} was {c['checkpoint']!r} in the checkpoint"}
                          for c in blocking])
        checkpoint.load_adapter_weights(self.model, path)
        self.optimizer.load_state_dict(state["optimizer"])
        self.amp.load_state_dict(state.get("loss_scaler") or {})
        checkpoint.restore_rng(state["rng"])
        self.step = state["step"]
        progress = state["progress"]
        self.tokens, self.train_seconds = progress["tokens"], progress["train_seconds"]
        self.base = Score(**state["base_eval"]) if state.get("base_eval") else None
        self.last = Score(**state["last_eval"]) if state.get("last_eval") else None
        self.last_eval_step = state.get("last_eval_step", -1)
        stopping = state["early_stopping"]
        self.best, self.bad_evals = stopping["best"], stopping["bad_evals"]
        best_dir = os.path.join(checkpoint.checkpoints_dir(self.run_dir), "best")
        if self.best and os.path.isdir(best_dir):
            self.best_weights = checkpoint.saved_weights(best_dir)

    # ---- run ---------------------------------------------------------------------------------
    def run(self) -> dict:
        try:
            return self._run()
        finally:
            distributed.shutdown(self.world)

    def _run(self) -> dict:
        cfg = self.cfg
        trainable, total = count_params(self.model)
        self.emit(events.start_event(
            run_id=os.path.basename(self.run_dir), model=cfg["model"], device=device_label(self.device),
            dtype=self.dtype_name, method=cfg["method"], task=self.task, trainable_params=trainable,
            total_params=total, train_records=len(self.train_examples), eval_records=len(self.eval_examples),
            total_steps=self.total_steps, effective_batch_size=cfg["effective_batch_size"],
            micro_batch_size=cfg["micro_batch_size"], grad_accum=self.grad_accum, processes=self.world.size,
            packing=self.packing, eval_source=self.eval_source, resumed_from_step=self.step if self.resume_from else None))
        log.info("training %d steps: %d trainable of %d parameters, %d train / %d eval examples, %d process(es), "
                 "packing %s", self.total_steps, trainable, total, len(self.train_examples), len(self.eval_examples),
                 self.world.size, "on" if self.packing else "off")
        if self.carve_note:
            log.info(self.carve_note)
            self.emit(events.log_event(level="info", message=self.carve_note))
        if self.resume_from:
            self.emit(events.resume_event(step=self.step, checkpoint=self.resume_from, changed=self.changes))
            log.info("resumed from %s at step %d%s", self.resume_from, self.step,
                     f"; changed since the checkpoint: {checkpoint.describe_changes(self.changes)}" if self.changes else "")
        else:
            with self.model.disable_adapter():
                self.base = self._evaluate(0, "base")

        last_eval_step = self.last_eval_step
        last_checkpoint_step = self.step if self.resume_from else -1
        early_stopped = False
        while self.step < self.total_steps and not self._stop_requested():
            began = time.time()
            loss, grad_norm, lr, step_tokens = self._step(self.step)
            self.step += 1
            self.tokens += step_tokens
            self.train_seconds += time.time() - began
            self.emit(events.step_event(
                step=self.step, total_steps=self.total_steps, epoch=round(self.step / self.steps_per_epoch, 4),
                loss=loss, lr=lr, grad_norm=grad_norm, tokens=self.tokens,
                tokens_per_s=self.tokens / max(self.train_seconds, 1e-9)))
            log.info("step %d/%d loss %.4f lr %.3g grad_norm %.3g", self.step, self.total_steps, loss, lr, grad_norm)
            if self.step < self.total_steps and self._eval_due(self.step):
                result = self._evaluate(self.step, "tuned")
                if result is not None:  # None: interrupted by a stop request
                    self.last, last_eval_step = result, self.step
                    self.last_eval_step = self.step
                    early_stopped = self._track_best(result)
            if cfg["save_every"] and self.step % cfg["save_every"] == 0 and self.step < self.total_steps:
                self._checkpoint()
                last_checkpoint_step = self.step
            if early_stopped:
                break

        stopped = self.step < self.total_steps and not early_stopped
        if stopped:
            log.info("stop requested: saving at step %d", self.step)
        # The trained weights are safe on disk before the final eval, which may still fail (e.g. out
        # of memory); `adapter/` itself is written only once the run has succeeded.
        if last_checkpoint_step != self.step:
            self._checkpoint()
        if last_eval_step != self.step:
            result = self._evaluate(self.step, "tuned", hurry=True)
            if result is not None:
                self.last = result
                self._track_best(result)
        best_step = None
        if cfg.get("early_stopping_patience") and self.best is not None and self.best_weights is not None:
            best_step = self.best["step"]
            if best_step != self.step:
                # Early stopping keeps the adapter with the lowest eval loss, not the last one.
                self._load_weights(self.best_weights)
                self.last = Score(eval_loss=self.best["eval_loss"], perplexity=perplexity(self.best["eval_loss"]),
                                  eval_tokens=self.best["eval_tokens"])
                log.info("restored the best adapter (step %d, eval loss %.4f)", best_step, self.best["eval_loss"])
        base, last = self.base, self.last
        adapter = os.path.join(self.run_dir, "adapter")
        if self.world.main:
            write_metrics(self.run_dir, self.task, len(self.eval_examples), base, last)
            adapter = save_adapter(self.model, self.run_dir)
        done = events.done_event(
            status="stopped" if stopped else "completed", adapter_path=adapter,
            base_eval_loss=base.eval_loss if base else None, base_perplexity=base.perplexity if base else None,
            eval_loss=last.eval_loss if last else None, perplexity=last.perplexity if last else None,
            steps=self.step, duration_s=time.time() - self.started, early_stopped=early_stopped, best_step=best_step)
        self.emit(done)
        return done

    def _stop_requested(self) -> bool:
        return distributed.any_true(self.world, self.control.stop_requested, self.device)

    def _micro_batches(self, mine: list[Example]):
        """(input_ids, attention or None, position_ids or None, labels, real tokens) per forward pass."""
        micro = self.cfg["micro_batch_size"]
        if self.packing and mine:
            # Rows no longer than the step's longest example: packing then only removes padding and never
            # lengthens the attention span; rows of similar length share a micro-batch.
            capacity = min(self.cfg["max_seq_length"], max(len(e.input_ids) for e in mine))
            rows = sorted(pack_rows(mine, capacity), key=lambda row: sum(len(e.input_ids) for e in row))
            for i in range(0, len(rows), micro):
                chunk = rows[i:i + micro]
                if all(len(row) == 1 for row in chunk):  # nothing packed here: the plain causal path is cheaper
                    input_ids, attention, labels = pad_batch([row[0] for row in chunk], pad_id(self.tokenizer))
                    yield input_ids, self._padding_mask(attention), None, labels, int(attention.sum())
                    continue
                input_ids, positions, labels, real = packed_batch(chunk, pad_id(self.tokenizer))
                yield input_ids, None, positions, labels, real
        else:
            for batch in micro_batches(mine, micro):
                input_ids, attention, labels = pad_batch(batch, pad_id(self.tokenizer))
                yield input_ids, self._padding_mask(attention), None, labels, int(attention.sum())

    def _padding_mask(self, attention):
        """The attention mask to pass, or None where the causal mask alone is exact.

        Padding is on the right: a real token's causal window never reaches it, and the padding
        positions carry no labels, so the loss and every gradient are the same without the mask,
        while the attention kernel may skip the blocks above the diagonal (SDPA's is_causal path).
        Only for models whose masks come from transformers' masking utilities (those packing
        trusts) and methods that add no virtual tokens.
        """
        return None if self.packing_exact else attention

    def _step(self, step: int) -> tuple[float, float, float, int]:
        import torch

        cfg = self.cfg
        torch.manual_seed(step_seed(cfg["seed"], step, self.world.rank))
        group = [self.train_examples[i] for i in self.order.indices(step)]
        # Normalise by the whole step's label count (all processes): every token weighs the same.
        loss_tokens = sum(e.loss_tokens for e in group)
        loss_sum = 0.0
        step_tokens = 0
        for input_ids, attention, positions, labels, real in self._micro_batches(
                share_of(group, self.world.rank, self.world.size)):
            to_device = (lambda t: None if t is None else t.to(self.device))  # noqa: E731
            nll, _ = labelled_nll(self.model, to_device(input_ids), to_device(attention), to_device(labels),
                                  self.autocast, position_ids=to_device(positions))
            self.amp.backward(nll / loss_tokens)
            loss_sum += float(nll.detach())
            step_tokens += real
        distributed.sum_gradients(self.world, self.params)
        loss_sum, step_tokens = distributed.sum_floats(self.world, [loss_sum, float(step_tokens)], self.device)
        loss = loss_sum / loss_tokens
        if not math.isfinite(loss):
            raise self._nan_error(f"Loss became {'NaN' if math.isnan(loss) else 'infinite'} at step {step + 1}")
        lr = lr_at(step, self.total_steps, cfg["learning_rate"], self.warmup_steps, cfg["lr_scheduler"])
        for group_ in self.optimizer.param_groups:
            group_["lr"] = lr
        max_norm = cfg["max_grad_norm"] if cfg["max_grad_norm"] > 0 else float("inf")
        self.amp.unscale(self.optimizer)
        grad_norm = float(torch.nn.utils.clip_grad_norm_(self.params, max_norm))
        if not math.isfinite(grad_norm) and self.amp.scaler is None:
            raise self._nan_error(f"Gradients became {'NaN' if math.isnan(grad_norm) else 'infinite'} at step {step + 1}")
        # With fp16 loss scaling an overflowing step is skipped by the scaler (and the scale lowered), not an error.
        self.amp.step(self.optimizer)
        self.optimizer.zero_grad(set_to_none=True)
        return loss, grad_norm, lr, int(step_tokens)

    def _nan_error(self, message: str) -> TrainerError:
        kept = checkpoint.latest(self.run_dir)
        where = (f" The last good checkpoint is {kept}: fix the setting and run `tunelab train --resume` on this run."
                 if kept else " No checkpoint was saved before it (set save_every to keep some).")
        fp16 = " With fp16, the loss scale overflowed: use bf16 or fp32." if self.dtype_name == "float16" else ""
        return TrainerError("nan", message + ". Training stopped; nothing after the last good step was saved.",
                            f"Lower learning_rate (now {self.cfg['learning_rate']:g}) or lora_alpha "
                            f"(now {self.cfg['lora_alpha']:g}), keep max_grad_norm at 1.0, check the data for "
                            f"broken records, and avoid fp16 overflow (prefer bf16).{fp16}{where}",
                            checkpoint=kept)

    def _eval_due(self, step: int) -> bool:
        every = self.cfg["eval_every"] or self.steps_per_epoch
        return bool(self.eval_examples) and step % every == 0

    def _evaluate(self, step: int, which: str, hurry: bool = False) -> Optional[Score]:
        """Eval loss over every process's share of the eval split; sample generations on rank 0."""
        if not self.eval_examples:
            return None
        single = self.world.size == 1
        abort = (lambda: self.control.hurry) if hurry else (lambda: self.control.stop_requested)
        mine = self.eval_examples[self.world.rank::self.world.size]
        result = score(self.model, mine, self.cfg["micro_batch_size"], pad_id(self.tokenizer), self.device,
                       self.autocast, should_abort=abort if single else None)
        if single:
            if result is None:
                return None
        else:
            total, tokens = distributed.sum_floats(
                self.world, [result.eval_loss * result.eval_tokens if result else 0.0,
                             float(result.eval_tokens) if result else 0.0], self.device)
            if tokens == 0:
                return None
            loss = total / tokens
            result = Score(eval_loss=loss, perplexity=perplexity(loss), eval_tokens=int(tokens))
        samples = []
        if self.world.main and not (hurry and self.control.stop_requested):
            samples = sample_generations(self.model, self.tokenizer, self.eval_examples, self.cfg.get("eval_samples", 0),
                                         self.cfg.get("sample_max_new_tokens", 32), self.device)
        self.emit(events.eval_event(step=step, eval_loss=result.eval_loss, perplexity=result.perplexity,
                                    eval_tokens=result.eval_tokens, which=which, samples=samples))
        log.info("eval (%s) at step %d: loss %.4f perplexity %.3f", which, step, result.eval_loss, result.perplexity)
        return result

    def _track_best(self, result: Score) -> bool:
        """Records the best eval; True when early stopping says to stop (patience evals without improvement)."""
        patience = self.cfg.get("early_stopping_patience", 0)
        if not patience:
            return False
        if self.best is None or result.eval_loss < self.best["eval_loss"] - self.cfg.get("early_stopping_min_delta", 0.0):
            self.best = {"step": self.step, "eval_loss": result.eval_loss, "eval_tokens": result.eval_tokens}
            self.best_weights = self._weights()
            self.bad_evals = 0
            if self.world.main:
                checkpoint.save_best(self.model, self.run_dir, self.step, result.eval_loss)
            return False
        self.bad_evals += 1
        if self.bad_evals >= patience:
            log.info("early stopping at step %d: no eval loss below %.4f - %g for %d evals (best at step %d)",
                     self.step, self.best["eval_loss"], self.cfg.get("early_stopping_min_delta", 0.0), patience,
                     self.best["step"])
            return True
        return False

    def _weights(self) -> dict:
        """A copy of the trained weights (adapter, or every weight for full fine-tuning)."""
        if hasattr(self.model, "peft_config"):
            from peft import get_peft_model_state_dict

            return {k: v.detach().clone() for k, v in get_peft_model_state_dict(self.model).items()}
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    def _load_weights(self, weights: dict) -> None:
        if hasattr(self.model, "peft_config"):
            from peft import set_peft_model_state_dict

            set_peft_model_state_dict(self.model, weights)
        else:
            self.model.load_state_dict(weights, strict=False)

    def _checkpoint(self) -> None:
        if not self.world.main:
            return
        score_dict = (lambda s: None if s is None else
                      {"eval_loss": s.eval_loss, "perplexity": s.perplexity, "eval_tokens": s.eval_tokens})
        state = {
            "step": self.step, "config": self.cfg, "optimizer": self.optimizer.state_dict(),
            "loss_scaler": self.amp.state_dict(),
            "scheduler": {"name": self.cfg["lr_scheduler"], "warmup_steps": self.warmup_steps,
                          "total_steps": self.total_steps, "next_step": self.step},
            "rng": checkpoint.rng_states(),
            "data": {"seed": self.cfg["seed"], "next_step": self.step, **self.order.position(self.step)},
            "progress": {"tokens": self.tokens, "train_seconds": self.train_seconds},
            "base_eval": score_dict(self.base), "last_eval": score_dict(self.last), "last_eval_step": self.last_eval_step,
            "early_stopping": {"best": self.best, "bad_evals": self.bad_evals},
            "processes": self.world.size,
        }
        path = checkpoint.save(self.model, state, self.run_dir, f"step-{self.step}")
        self.emit(events.checkpoint_event(step=self.step, path=path))
