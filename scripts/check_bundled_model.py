#!/usr/bin/env python3
"""Checks that the bundled model learns the bundled sample dataset: a short LoRA run on the CPU.

    PY=/root/.cache/tunelab/venv-probe/bin/python
    $PY scripts/check_bundled_model.py            # demo settings; a few minutes on 2 CPU cores
    $PY scripts/check_bundled_model.py --epochs 1 --train-limit 64   # quicker, weaker

Loads models/tunelab-tiny-llama offline, renders samples/*.jsonl with its chat template, puts the loss on
assistant tokens only (everything after the generation prompt, including the end-of-turn and EOS
tokens), and trains LoRA (r=8, alpha=16, all linear layers) with the demo's settings from
src/core/bundled.ts: lr 2e-3, effective batch 16, micro-batch 8, 3 epochs, max length 256, cosine schedule.
Prints the base and tuned eval loss (mean token NLL over assistant tokens) as one JSON line and exits 1
unless the tuned loss is clearly lower (below 0.8 × base). Independent of trainer/ on purpose, so it
checks the model and data rather than the trainer.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IGNORE = -100


def read_chats(path: str) -> list[list[dict]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["messages"] for line in f if line.strip()]


def encode(tokenizer, messages: list[dict], max_length: int) -> tuple[list[int], list[int]]:
    """Token ids and labels for a conversation whose last turn is the assistant's."""
    prompt = tokenizer.apply_chat_template(messages[:-1], tokenize=False, add_generation_prompt=True)
    full = tokenizer.apply_chat_template(messages, tokenize=False)
    if not full.startswith(prompt):
        raise SystemExit("check_bundled_model: the chat template does not render the prompt as a prefix of the conversation")
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    ids = tokenizer(full, add_special_tokens=False)["input_ids"]
    if ids[:len(prompt_ids)] != prompt_ids:
        raise SystemExit("check_bundled_model: the prompt tokenizes differently inside the conversation")
    labels = [IGNORE] * len(prompt_ids) + ids[len(prompt_ids):]
    return ids[:max_length], labels[:max_length]


def batches(examples, size: int, pad_id: int):
    import torch

    for i in range(0, len(examples), size):
        chunk = examples[i:i + size]
        width = max(len(ids) for ids, _ in chunk)
        ids = torch.full((len(chunk), width), pad_id)
        labels = torch.full((len(chunk), width), IGNORE)
        mask = torch.zeros((len(chunk), width), dtype=torch.long)
        for row, (x, y) in enumerate(chunk):
            ids[row, :len(x)] = torch.tensor(x)
            labels[row, :len(y)] = torch.tensor(y)
            mask[row, :len(x)] = 1
        yield ids, mask, labels


def token_nll(model, ids, mask, labels):
    """Summed NLL and the number of predicted tokens (labels shifted by one)."""
    import torch.nn.functional as F

    logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1]
    target = labels[:, 1:]
    nll = F.cross_entropy(logits.reshape(-1, logits.size(-1)).float(), target.reshape(-1),
                          ignore_index=IGNORE, reduction="sum")
    return nll, int((target != IGNORE).sum())


def eval_loss(model, examples, pad_id: int) -> float:
    import torch

    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for ids, mask, labels in batches(examples, 8, pad_id):
            nll, n = token_nll(model, ids, mask, labels)
            total, count = total + nll.item(), count + n
    model.train()
    return total / count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.path.join(ROOT, "models", "tunelab-tiny-llama"))
    parser.add_argument("--train", default=os.path.join(ROOT, "samples", "train.jsonl"))
    parser.add_argument("--eval", default=os.path.join(ROOT, "samples", "eval.jsonl"))
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--batch", type=int, default=16, help="effective batch size")
    parser.add_argument("--micro-batch", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--train-limit", type=int, default=0, help="use only the first N train records (0 = all)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.batch % args.micro_batch:
        print("check_bundled_model: --batch must be a multiple of --micro-batch", file=sys.stderr)
        return 2
    for path in (args.model, args.train, args.eval):
        if not os.path.exists(path):
            print(f"check_bundled_model: {path} does not exist; build it with scripts/make_bundled_model.py "
                  f"or scripts/make_sample_data.py", file=sys.stderr)
            return 2

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    began, cpu_began = time.time(), time.process_time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    tokenizer = AutoTokenizer.from_pretrained(args.model, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(args.model, local_files_only=True, dtype=torch.float32)
    pad_id = tokenizer.pad_token_id
    train_chats = read_chats(args.train)
    if args.train_limit:
        train_chats = train_chats[:args.train_limit]
    train = [encode(tokenizer, m, args.max_length) for m in train_chats]
    evals = [encode(tokenizer, m, args.max_length) for m in read_chats(args.eval)]
    lengths = [len(ids) for ids, _ in train]

    base = eval_loss(model, evals, pad_id)
    model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.05, target_modules="all-linear",
                                             task_type="CAUSAL_LM"))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    accum = args.batch // args.micro_batch
    steps = max(1, math.ceil(len(train) * args.epochs / args.batch))
    warmup = max(1, round(0.03 * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warmup if s < warmup else 0.5 * (1 + math.cos(math.pi * (s - warmup) / max(1, steps - warmup))))
    rng = random.Random(args.seed)
    order: list[int] = []
    losses = []
    train_began = time.time()
    for step in range(steps):
        step_nll, step_tokens = 0.0, 0
        micro = []
        for _ in range(args.batch):
            if not order:
                order = list(range(len(train)))
                rng.shuffle(order)
            micro.append(train[order.pop()])
        parts = list(batches(micro, args.micro_batch, pad_id))
        total_tokens = sum(int((labels[:, 1:] != IGNORE).sum()) for _, _, labels in parts)
        for ids, mask, labels in parts:   # token-weighted mean over the whole effective batch
            nll, n = token_nll(model, ids, mask, labels)
            (nll / total_tokens).backward()
            step_nll, step_tokens = step_nll + nll.item(), step_tokens + n
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        schedule.step()
        opt.zero_grad(set_to_none=True)
        losses.append(step_nll / step_tokens)
        if step % 10 == 0 or step == steps - 1:
            print(f"step {step + 1}/{steps} loss {losses[-1]:.3f} ({time.time() - train_began:.0f}s)", file=sys.stderr, flush=True)
    train_s = time.time() - train_began
    tuned = eval_loss(model, evals, pad_id)
    result = {"base_eval_loss": round(base, 4), "tuned_eval_loss": round(tuned, 4),
              "base_perplexity": round(math.exp(base), 2), "tuned_perplexity": round(math.exp(tuned), 2),
              "train_records": len(train), "eval_records": len(evals), "steps": steps, "accumulation": accum,
              "mean_tokens": round(sum(lengths) / len(lengths), 1), "max_tokens": max(lengths),
              "final_train_loss": round(sum(losses[-5:]) / len(losses[-5:]), 4),
              "train_seconds": round(train_s), "seconds": round(time.time() - began),
              "cpu_seconds": round(time.process_time() - cpu_began), "threads": args.threads}
    print(json.dumps(result))
    if not tuned < 0.8 * base:
        print(f"check_bundled_model: tuned eval loss {tuned:.3f} is not clearly below the base {base:.3f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
