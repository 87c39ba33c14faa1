"""Baseline: a plain Hugging Face `Trainer` + peft LoRA run (stock collator, padding to the longest of each batch)."""

from __future__ import annotations

import argparse
import tempfile
import time

from common import MODEL, SETTINGS, EVAL, TRAIN, encoded, eval_loss, peak_rss_mb, report, warmup_steps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=float, default=SETTINGS["epochs"])
    args = parser.parse_args()

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import (AutoModelForCausalLM, AutoTokenizer, DataCollatorForSeq2Seq, Trainer, TrainerCallback,
                              TrainingArguments)

    tokenizer = AutoTokenizer.from_pretrained(MODEL)
    train = [{"input_ids": e.input_ids, "attention_mask": [1] * len(e.input_ids), "labels": e.labels}
             for e in encoded(TRAIN, tokenizer)]
    held = encoded(EVAL, tokenizer)
    model = AutoModelForCausalLM.from_pretrained(MODEL, dtype=torch.float32)
    torch.manual_seed(SETTINGS["seed"])
    model = get_peft_model(model, LoraConfig(r=SETTINGS["lora_r"], lora_alpha=SETTINGS["lora_alpha"],
                                             lora_dropout=SETTINGS["lora_dropout"], target_modules="all-linear",
                                             bias="none", task_type="CAUSAL_LM"))
    accumulation = SETTINGS["effective_batch_size"] // SETTINGS["micro_batch_size"]
    steps = int(args.epochs * len(train) / SETTINGS["effective_batch_size"] + 0.999999)

    class Clock(TrainerCallback):
        seconds = 0.0

        cpu_seconds = 0.0

        def on_train_begin(self, *_, **__):
            self.began, self.cpu_began = time.perf_counter(), time.process_time()

        def on_train_end(self, *_, **__):
            Clock.seconds = time.perf_counter() - self.began
            Clock.cpu_seconds = time.process_time() - self.cpu_began

    with tempfile.TemporaryDirectory() as out:
        training_args = TrainingArguments(
            output_dir=out, per_device_train_batch_size=SETTINGS["micro_batch_size"],
            gradient_accumulation_steps=accumulation, num_train_epochs=args.epochs,
            learning_rate=SETTINGS["learning_rate"], lr_scheduler_type="cosine", warmup_steps=warmup_steps(steps),
            weight_decay=SETTINGS["weight_decay"], max_grad_norm=SETTINGS["max_grad_norm"], optim="adamw_torch",
            gradient_checkpointing=SETTINGS["gradient_checkpointing"], seed=SETTINGS["seed"], use_cpu=True,
            bf16=False, fp16=False, eval_strategy="no", save_strategy="no", logging_strategy="no",
            report_to="none", disable_tqdm=True, remove_unused_columns=False, dataloader_num_workers=0)
        trainer = Trainer(model=model, args=training_args, train_dataset=train,
                          data_collator=DataCollatorForSeq2Seq(tokenizer, padding="longest", label_pad_token_id=-100),
                          callbacks=[Clock()])
        trainer.train()
    # Real (non-padding) tokens processed: every record once per epoch.
    tokens = int(args.epochs * sum(len(r["input_ids"]) for r in train))
    report(side="baseline", tokens=tokens, train_seconds=Clock.seconds, tokens_per_s=tokens / Clock.seconds,
           cpu_seconds=Clock.cpu_seconds,
           eval_loss=eval_loss(model, tokenizer, held), peak_rss_mb=peak_rss_mb(), steps=trainer.state.global_step)


if __name__ == "__main__":
    main()
