"""Baseline: a plain Hugging Face `Trainer` + peft LoRA run (stock collator, padding to the longest record
of each micro-batch) on the benchmark's model and data. `python side_baseline.py SPEC.json`; last
stdout line: JSON. The only additions to a plain script are measuring ones: a callback that reads the
clock at each optimizer step, and a `training_step` that counts the real (non-padding) tokens."""

from __future__ import annotations

import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from measure import StepClock, read_spec, report  # noqa: E402
from workload import encode_file  # noqa: E402


def main() -> None:
    spec = read_spec(sys.argv[1])
    p = spec["profile"]
    cuda = p["device"] == "cuda"

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import (AutoModelForCausalLM, AutoTokenizer, DataCollatorForSeq2Seq, Trainer, TrainerCallback,
                              TrainingArguments)

    if cuda and not torch.cuda.is_available():
        raise SystemExit("baseline: no CUDA GPU")
    tokenizer = AutoTokenizer.from_pretrained(spec["model_dir"])
    train = [{"input_ids": e.input_ids, "attention_mask": [1] * len(e.input_ids), "labels": e.labels}
             for e in encode_file(spec["task"], spec["train_file"], tokenizer, p["max_seq_length"])]
    model = AutoModelForCausalLM.from_pretrained(spec["model_dir"], dtype=torch.bfloat16 if cuda else torch.float32)
    model.config.use_cache = False  # as the usual peft/TRL recipes do: no KV cache while training
    torch.manual_seed(p["seed"])
    model = get_peft_model(model, LoraConfig(r=p["lora_r"], lora_alpha=p["lora_alpha"], lora_dropout=p["lora_dropout"],
                                             target_modules="all-linear", bias="none", task_type="CAUSAL_LM"))
    steps = p["warmup_steps"] + p["timed_steps"]
    clock = StepClock(p["device"], p["warmup_steps"], steps)
    counted = {"tokens": None, "loss": None, "seen": 0}

    class Clock(TrainerCallback):
        def on_step_begin(self, *_, **__):
            clock.begin()

        def on_step_end(self, *_, **__):
            tokens = int(counted["tokens"]) - counted["seen"]  # one device sync per optimizer step
            counted["seen"] += tokens
            clock.step_end(tokens, float(counted["loss"]))
            counted["loss"] = None

    class CountingTrainer(Trainer):
        def training_step(self, model, inputs, *args, **kwargs):
            real = inputs["attention_mask"].sum()  # stays on the device: no sync per micro-batch
            counted["tokens"] = real if counted["tokens"] is None else counted["tokens"] + real
            loss = super().training_step(model, inputs, *args, **kwargs)
            counted["loss"] = loss.detach() if counted["loss"] is None else counted["loss"] + loss.detach()
            return loss

    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(
            output_dir=out, per_device_train_batch_size=p["micro_batch_size"],
            gradient_accumulation_steps=p["effective_batch_size"] // p["micro_batch_size"], max_steps=steps,
            learning_rate=p["learning_rate"], lr_scheduler_type="cosine",
            warmup_steps=math.ceil(p["warmup_ratio"] * steps), weight_decay=0.0, max_grad_norm=p["max_grad_norm"],
            optim="adamw_torch", gradient_checkpointing=spec["gradient_checkpointing"],
            gradient_checkpointing_kwargs={"use_reentrant": False}, seed=p["seed"], use_cpu=not cuda,
            bf16=cuda, fp16=False, eval_strategy="no", save_strategy="no", logging_strategy="no", report_to="none",
            disable_tqdm=True, remove_unused_columns=False, dataloader_num_workers=0)
        trainer = CountingTrainer(model=model, args=args, train_dataset=train, callbacks=[Clock()],
                                  data_collator=DataCollatorForSeq2Seq(tokenizer, padding="longest",
                                                                       label_pad_token_id=-100))
        trainer.train()
    trainable = sum(q.numel() for q in model.parameters() if q.requires_grad)
    total = sum(q.numel() for q in model.parameters())
    report(clock.result("baseline", packing=False, dtype="bfloat16" if cuda else "float32",
                        device=p["device"], trainable_params=trainable, total_params=total))


if __name__ == "__main__":
    main()
