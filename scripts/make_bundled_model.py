#!/usr/bin/env python3
"""Builds the bundled model models/tunelab-tiny-llama/: a byte-level BPE tokenizer with a chat template and
a small Llama pretrained from scratch on text this script generates (no downloads, no third-party text).

    PY=/root/.cache/tunelab/venv-probe/bin/python        # any Python with torch, transformers, tokenizers
    $PY scripts/make_bundled_model.py                    # about 10-15 minutes on 2 CPU cores
    $PY scripts/make_bundled_model.py --steps 20 --out /tmp/tiny   # a quick smoke run

The pretraining text comes from scripts/corpus/ (all of it generated there, nothing copied): prose about
elements, unit conversions, molar masses of small molecules, densities, reagents and lab practice, worked
physics and chemistry problems, plain English from a small random grammar, and chat conversations with a
science tutor about the same topics (45% of documents). The model thus knows the chat format, but not the
bundled sample dataset's domain (working out how to prepare buffers and solutions), which is what a LoRA
run on samples/ then teaches it. Label smoothing keeps it from becoming over-confident on this narrow text.
Deterministic for a given seed, torch version and thread count.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"))
from science_text import SYSTEM_PROMPTS, corpus, doc_texts  # noqa: E402  (generated pretraining text)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "models", "tunelab-tiny-llama")
SEED = 1234
THREADS = 2
MAX_BYTES = 20 * 1024 * 1024

VOCAB_SIZE = 4096
SPECIAL_TOKENS = ["<|pad|>", "<|bos|>", "<|eos|>", "<|system|>", "<|user|>", "<|assistant|>", "<|tool|>", "<|end|>"]
PAD, BOS, EOS, END = "<|pad|>", "<|bos|>", "<|eos|>", "<|end|>"

# Every turn is "<|role|>\n" + content + "<|end|>"; an assistant turn also ends with EOS so that generation
# stops and a trainer that labels the assistant span teaches the model to stop.
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] not in ['system', 'user', 'assistant', 'tool'] %}"
    "{{ raise_exception('Unknown role ' + message['role'] + ': use system, user, assistant or tool') }}"
    "{% endif %}"
    "{{ '<|' + message['role'] + '|>\n' + message['content'] + '<|end|>' }}"
    "{% if message['role'] == 'assistant' %}{{ eos_token }}{% endif %}"
    "{{ '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}"
)

ARCH = dict(hidden_size=256, intermediate_size=688, num_hidden_layers=4, num_attention_heads=4,
            num_key_value_heads=4, max_position_embeddings=1024, rope_theta=10000.0, rms_norm_eps=1e-5,
            tie_word_embeddings=True)
BLOCK = 256          # pretraining sequence length (documents are packed, each starts with BOS)
BATCH = 16           # sequences per step
STEPS = 400          # 1.6M tokens, about one pass over the corpus
LR = 3e-3            # peak; linear warmup then cosine to 10%
WARMUP = 40
WEIGHT_DECAY = 0.05
LABEL_SMOOTHING = 0.1   # keeps the model from becoming over-confident on the narrow generated corpus

# ---------------------------------------------------------------- tokenizer

def train_tokenizer(docs: list):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, special_tokens=SPECIAL_TOKENS, min_frequency=2,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    # Chat markers are special tokens: train on the message texts only, never on rendered markers.
    tok.train_from_iterator((text for doc in docs for text in doc_texts(doc)), trainer)
    bos_id = tok.token_to_id(BOS)
    # Like Llama: plain text gets a BOS when special tokens are requested; the chat template adds its own.
    tok.post_processor = processors.TemplateProcessing(single=f"{BOS} $A", pair=f"{BOS} $A {BOS} $B",
                                                       special_tokens=[(BOS, bos_id)])
    return tok


def save_tokenizer(tok, out: str) -> dict:
    tok.save(os.path.join(out, "tokenizer.json"))
    ids = {t: tok.token_to_id(t) for t in SPECIAL_TOKENS}
    extra = [t for t in SPECIAL_TOKENS if t not in (PAD, BOS, EOS)]
    # Written by hand so that transformers 4.x and 5.x both load it (5.x would write its own class name
    # and move the template to chat_template.jinja).
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": BOS, "eos_token": EOS, "pad_token": PAD, "unk_token": None,
        "additional_special_tokens": extra,
        "model_max_length": ARCH["max_position_embeddings"],
        "padding_side": "right",
        "clean_up_tokenization_spaces": False,
        "added_tokens_decoder": {str(ids[t]): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                                               "single_word": False, "special": True} for t in SPECIAL_TOKENS},
        "chat_template": CHAT_TEMPLATE,
    }
    with open(os.path.join(out, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(out, "special_tokens_map.json"), "w", encoding="utf-8") as f:
        json.dump({"bos_token": BOS, "eos_token": EOS, "pad_token": PAD, "additional_special_tokens": extra}, f, indent=2)
        f.write("\n")
    return ids


# ---------------------------------------------------------------- pretraining

def render_chat(messages: list[dict]) -> str:
    """The chat template's output, written out in Python so no tokenizer object is needed here."""
    parts = [BOS]
    for m in messages:
        parts.append(f"<|{m['role']}|>\n{m['content']}{END}" + (EOS if m["role"] == "assistant" else "") + "\n")
    return "".join(parts)


def token_stream(tok, docs: list) -> list[int]:
    bos, eos = tok.token_to_id(BOS), tok.token_to_id(EOS)
    stream: list[int] = []
    for doc in docs:
        if isinstance(doc, list):
            stream += tok.encode(render_chat(doc), add_special_tokens=False).ids
        else:
            stream += [bos] + tok.encode(doc, add_special_tokens=False).ids + [eos]
    return stream


def blocks(stream: list[int], size: int):
    import torch

    n = len(stream) // size
    return torch.tensor(stream[: n * size], dtype=torch.long).view(n, size)


def lr_at(step: int, steps: int) -> float:
    if step < WARMUP:
        return LR * (step + 1) / WARMUP
    progress = (step - WARMUP) / max(1, steps - WARMUP)
    return LR * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def evaluate(model, data) -> float:
    import torch

    model.eval()
    losses = []
    with torch.no_grad():
        for i in range(0, len(data), BATCH):
            batch = data[i:i + BATCH]
            losses.append(model(input_ids=batch, labels=batch).loss.item())
    model.train()
    return sum(losses) / len(losses)


def lm_loss(model, batch, smoothing: float = 0.0):
    import torch.nn.functional as F

    logits = model(input_ids=batch).logits[:, :-1]
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), batch[:, 1:].reshape(-1), label_smoothing=smoothing)


def pretrain(model, train, held, steps: int, smoothing: float, log) -> dict:
    import torch

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=LR, betas=(0.9, 0.95))
    order = torch.randperm(len(train))
    recent: list[float] = []
    model.train()
    start = time.time()
    for step in range(steps):
        rows = [(step * BATCH + j) % len(train) for j in range(BATCH)]
        batch = train[order[rows]]
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps)
        loss = lm_loss(model, batch, smoothing)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        recent = (recent + [loss.item()])[-20:]
        if step % 25 == 0 or step == steps - 1:
            log(f"step {step + 1}/{steps} loss {loss.item():.3f} lr {lr_at(step, steps):.2e} "
                f"({time.time() - start:.0f}s, cpu {time.process_time():.0f}s)")
    return {"steps": steps, "train_tokens": steps * BATCH * BLOCK, "final_train_loss": round(sum(recent) / len(recent), 4),
            "heldout_loss": round(evaluate(model, held), 4)}


# ---------------------------------------------------------------- checks

def folder_bytes(path: str) -> int:
    return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))


def check_saved(out: str, log) -> str:
    """Loads the folder the way users will and returns one greedy reply to a chat question."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(out, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(out, local_files_only=True)
    messages = [{"role": "system", "content": SYSTEM_PROMPTS[0]},
                {"role": "user", "content": "What is the chemical symbol for iron?"}]
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    full = messages + [{"role": "assistant", "content": "Fe."}]
    if tokenizer.apply_chat_template(full, tokenize=False) != render_chat(full):
        raise SystemExit("make_bundled_model: CHAT_TEMPLATE and render_chat() disagree; keep them in step")
    ids = tokenizer(text, add_special_tokens=False, return_tensors="pt")
    with torch.no_grad():
        out_ids = model.generate(**ids, max_new_tokens=40, do_sample=False)
    reply = tokenizer.decode(out_ids[0, ids["input_ids"].shape[1]:], skip_special_tokens=False)
    log(f"check: {messages[1]['content']!r} -> {reply!r}")
    return reply


# ---------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=OUT, help=f"output folder (default {os.path.relpath(OUT, ROOT)})")
    parser.add_argument("--steps", type=int, default=STEPS, help=f"pretraining steps (default {STEPS})")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--label-smoothing", type=float, default=LABEL_SMOOTHING)
    parser.add_argument("--threads", type=int, default=THREADS, help="torch CPU threads (default 2)")
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")              # everything is made here; never reach the hub
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import torch
        from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM
        from tokenizers import Tokenizer  # noqa: F401
    except ImportError as exc:
        print(f"make_bundled_model: {exc.name} is missing; run it with the trainer's Python "
              f"(pip install torch transformers tokenizers safetensors)", file=sys.stderr)
        return 2

    def log(message: str) -> None:
        print(f"[{time.time() - began:6.0f}s] {message}", file=sys.stderr, flush=True)

    began = time.time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    train_docs = corpus(rng, 24000)
    held_docs = corpus(random.Random(args.seed + 1), 600)
    tok = train_tokenizer(train_docs)
    train = blocks(token_stream(tok, train_docs), BLOCK)
    held = blocks(token_stream(tok, held_docs), BLOCK)
    log(f"tokenizer: {tok.get_vocab_size()} tokens; corpus: {train.numel()} train tokens, {held.numel()} held-out")

    ids = {t: tok.token_to_id(t) for t in SPECIAL_TOKENS}
    vocab = -(-tok.get_vocab_size() // 64) * 64   # the corpus may not fill VOCAB_SIZE; no unused rows
    config = LlamaConfig(vocab_size=vocab, bos_token_id=ids[BOS], eos_token_id=ids[EOS], pad_token_id=ids[PAD],
                         hidden_act="silu", attention_bias=False, mlp_bias=False, **ARCH)
    model = LlamaForCausalLM(config)
    params = sum(p.numel() for p in model.parameters())
    log(f"model: {params / 1e6:.2f}M parameters")
    stats = pretrain(model, train, held, args.steps, args.label_smoothing, log)

    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):   # no stale files from an earlier layout
        os.remove(os.path.join(args.out, name))
    model.config.use_cache = True
    model.save_pretrained(args.out, safe_serialization=True)
    # transformers 5 writes `dtype`; 4.x reads `torch_dtype`: keep both.
    cfg_path = os.path.join(args.out, "config.json")
    with open(cfg_path, encoding="utf-8") as f:
        saved = json.load(f)
    saved["torch_dtype"] = saved["dtype"] = "float32"
    with open(cfg_path, "w", encoding="utf-8") as f:
        json.dump(saved, f, indent=2, sort_keys=True)
        f.write("\n")
    GenerationConfig(bos_token_id=ids[BOS], eos_token_id=[ids[EOS], ids[END]], pad_token_id=ids[PAD],
                     do_sample=False, max_new_tokens=256).save_pretrained(args.out)
    save_tokenizer(tok, args.out)

    for name in os.listdir(args.out):   # safetensors writes 0600; the files ship to every user
        os.chmod(os.path.join(args.out, name), 0o644)
    size = folder_bytes(args.out)
    if size > MAX_BYTES:
        print(f"make_bundled_model: {args.out} is {size / 2**20:.1f} MiB, over the 20 MiB limit; "
              f"shrink ARCH or VOCAB_SIZE", file=sys.stderr)
        return 1
    reply = check_saved(args.out, log)
    summary = {"parameters": params, "vocab_size": tok.get_vocab_size(), "folder_mib": round(size / 2**20, 2),
               "label_smoothing": args.label_smoothing, **stats, "seconds": round(time.time() - began), "cpu_seconds": round(time.process_time()), "threads": args.threads, "seed": args.seed,
               "torch": torch.__version__, "check_reply": reply}
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
