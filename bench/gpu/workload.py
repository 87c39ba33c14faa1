"""What both sides of the GPU throughput benchmark share: sizes, the model folder, the data, FLOPs.

Two profiles with the same code path: `gpu` (a ~0.45B Llama in bf16 at sequence length 2048 on
CUDA) and `smoke` (a tiny Llama in fp32 on the CPU, to check the script end to end). The model is
created from a config with random weights (the GPU machine has no network) and saved next to the
bundled model's tokenizer, so both trainers load it from a folder like any user model.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import sys
from dataclasses import asdict, dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "trainer"))

TOKENIZER_FROM = os.path.join(ROOT, "models", "tunelab-tiny-llama")
WORDS_FROM = os.path.join(ROOT, "samples", "train.jsonl")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json")

# The ~0.5B Llama that bench/gpu/memory_check.py also measures (llama-0.5b there): 0.38B in the decoder
# layers' matmuls, 2 x 33M in the untied embeddings and output layer.
GPU_MODEL = dict(hidden_size=1024, intermediate_size=4096, num_hidden_layers=24, num_attention_heads=16,
                 num_key_value_heads=8, vocab_size=32000)
SMOKE_MODEL = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                   num_key_value_heads=2, vocab_size=4032)


@dataclass
class Profile:
    """Everything that is the same on both sides (the brief's "same model, data, batch, ...")."""
    name: str
    model: dict
    device: str                     # cuda | cpu
    max_seq_length: int
    min_length: int                 # chat records: token lengths drawn uniformly from [min_length, max_seq_length]
    effective_batch_size: int
    micro_batch_size: int
    warmup_steps: int               # optimizer steps excluded from the timing (CUDA/cuBLAS/allocator warm-up)
    timed_steps: int
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    learning_rate: float = 2e-4
    warmup_ratio: float = 0.03
    max_grad_norm: float = 1.0
    seed: int = 42
    eval_records: int = 4

    @property
    def steps(self) -> int:
        return self.warmup_steps + self.timed_steps

    @property
    def precision(self) -> str:
        return "bfloat16" if self.device == "cuda" else "float32"

    def as_dict(self) -> dict:
        return asdict(self)


def profile(name: str, **overrides) -> Profile:
    if name == "gpu":
        base = Profile("gpu", GPU_MODEL, "cuda", max_seq_length=2048, min_length=256, effective_batch_size=32,
                       micro_batch_size=8, warmup_steps=5, timed_steps=30)
    elif name == "smoke":
        base = Profile("smoke", SMOKE_MODEL, "cpu", max_seq_length=128, min_length=32, effective_batch_size=4,
                       micro_batch_size=2, warmup_steps=1, timed_steps=3, eval_records=2)
    else:
        raise ValueError(f"unknown profile {name!r}: use gpu or smoke")
    for key, value in overrides.items():
        if value is not None:
            setattr(base, key, value)
    if base.effective_batch_size % base.micro_batch_size:
        raise SystemExit(f"effective batch {base.effective_batch_size} is not a multiple of micro-batch "
                         f"{base.micro_batch_size}")
    if base.timed_steps < 1 or base.warmup_steps < 0:
        raise SystemExit("timed steps must be at least 1 and warm-up steps at least 0")
    if base.max_seq_length < 64:
        raise SystemExit(f"sequence length {base.max_seq_length} is too short for a chat record (at least 64)")
    base.min_length = min(base.min_length, base.max_seq_length // 2)
    return base


def llama_config(p: Profile) -> dict:
    """A Llama config with the bundled tokenizer's special token ids."""
    with open(os.path.join(TOKENIZER_FROM, "config.json"), encoding="utf-8") as f:
        bundled = json.load(f)
    return {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "tie_word_embeddings": False,
            "max_position_embeddings": max(4096, p.max_seq_length), "rms_norm_eps": 1e-5,
            "bos_token_id": bundled["bos_token_id"], "eos_token_id": bundled["eos_token_id"],
            "pad_token_id": bundled["pad_token_id"], **p.model}


def build_model_folder(p: Profile, folder: str) -> str:
    """Random weights in the profile's precision, plus copies of the bundled tokenizer files."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    os.makedirs(folder, exist_ok=True)
    config = LlamaConfig(**{k: v for k, v in llama_config(p).items() if k != "model_type"})
    torch.manual_seed(p.seed)
    model = LlamaForCausalLM(config).to(getattr(torch, p.precision))
    model.save_pretrained(folder)
    del model
    for name in TOKENIZER_FILES:
        shutil.copy(os.path.join(TOKENIZER_FROM, name), os.path.join(folder, name))
    # The bundled tokenizer says 1024; records here are up to max_seq_length long.
    path = os.path.join(folder, "tokenizer_config.json")
    with open(path, encoding="utf-8") as f:
        tok_config = json.load(f)
    tok_config["model_max_length"] = max(tok_config.get("model_max_length", 0), p.max_seq_length)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tok_config, f, indent=2)
    return folder


def _word_pool() -> list[str]:
    """Real words (the bundled samples), so that the tokenizer splits them as it splits real text."""
    words: list[str] = []
    with open(WORDS_FROM, encoding="utf-8") as f:
        for line in f:
            for message in json.loads(line)["messages"]:
                words.extend(message["content"].split())
    return words


def _tokens_per_word(tokenizer, pool: list[str], rng: random.Random) -> float:
    chunks = [" ".join(rng.choice(pool) for _ in range(200)) for _ in range(20)]  # short: no over-length warning
    return sum(len(ids) for ids in tokenizer(chunks, add_special_tokens=False)["input_ids"]) / (200 * len(chunks))


def write_data(p: Profile, task: str, tokenizer, folder: str) -> tuple[str, str]:
    """(train.jsonl, eval.jsonl): exactly steps x effective batch train records, so both sides see one epoch.

    chat: a system line, a question (~40 % of the tokens) and an answer (~60 %), total lengths uniform in
    [min_length, max_seq_length]: the loss is on the answers and batches mix lengths, as in real SFT data.
    text (task cpt): documents of about max_seq_length tokens: every row is full and every token has a label.
    """
    rng = random.Random(p.seed)
    pool = _word_pool()
    per_word = _tokens_per_word(tokenizer, pool, rng)

    def words(tokens: int) -> str:
        return " ".join(rng.choice(pool) for _ in range(max(1, int(tokens / per_word))))

    def document() -> str:
        """Text of just under max_seq_length tokens with BOS and EOS: one full window, no short remainder."""
        text = words(1.1 * p.max_seq_length)
        offsets = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True,
                            truncation=True, max_length=p.max_seq_length - 3)["offset_mapping"]
        return text[:text.rfind(" ", 0, offsets[-1][1] + 1)]

    def record() -> dict:
        if task == "text":
            return {"text": document()}
        total = rng.randint(p.min_length, p.max_seq_length) - 16  # room for the template's markers
        return {"messages": [{"role": "system", "content": "Answer in detail."},
                             {"role": "user", "content": words(0.4 * total)},
                             {"role": "assistant", "content": words(0.6 * total)}]}

    paths = []
    for name, count in (("train.jsonl", p.steps * p.effective_batch_size), ("eval.jsonl", p.eval_records)):
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8") as f:
            for _ in range(count):
                f.write(json.dumps(record()) + "\n")
        paths.append(path)
    return paths[0], paths[1]


def encode_file(task: str, path: str, tokenizer, max_length: int):
    """Tunelab's own encoder (chat template, labels on the answers; or text windows), for the baseline:
    both sides train on the same token ids and labels."""
    from tunelab_trainer.data import read_dataset
    from tunelab_trainer.prepare import encode_records

    examples, problems = encode_records("cpt" if task == "text" else "sft", read_dataset(path).records, tokenizer,
                                        max_length)
    if problems:
        raise SystemExit(f"{path}: {len(problems)} records did not encode: {problems[0]}")
    return examples


# ---- model FLOPs --------------------------------------------------------------------------------

def matmul_params(config: dict) -> dict:
    """Weights that take part in matrix multiplies: the decoder layers' projections and the output layer."""
    h, layers = config["hidden_size"], config["num_hidden_layers"]
    heads, kv = config["num_attention_heads"], config.get("num_key_value_heads") or config["num_attention_heads"]
    head_dim = config.get("head_dim") or h // heads
    attention = h * heads * head_dim * 2 + h * kv * head_dim * 2       # q, o; k, v
    mlp = 3 * h * config["intermediate_size"]                         # gate, up, down
    return {"layers": layers * (attention + mlp), "head": h * config["vocab_size"],
            "attention_width": heads * head_dim, "num_layers": layers}


def lora_params(config: dict, r: int) -> int:
    """LoRA A and B of rank r on every linear layer of the decoder (all-linear: q, k, v, o, gate, up, down)."""
    h, heads = config["hidden_size"], config["num_attention_heads"]
    kv = config.get("num_key_value_heads") or heads
    head_dim = config.get("head_dim") or h // heads
    inter = config["intermediate_size"]
    shapes = [(h, heads * head_dim), (h, kv * head_dim), (h, kv * head_dim), (heads * head_dim, h),
              (h, inter), (h, inter), (inter, h)]
    return config["num_hidden_layers"] * sum(r * (a + b) for a, b in shapes)


def flops_per_token(config: dict, r: int, lengths: list[int], gradient_checkpointing: bool) -> dict:
    """Model FLOPs per real (non-padding) token of one training step with LoRA.

    Frozen weights: forward 2N + backward 2N (input gradients only, no weight gradients) = 4N per token;
    LoRA weights: 2 + 4 = 6 per parameter. Attention (no weights): per (query, key) pair and layer
    4d forward (QK^T and AV), twice that backward = 12d, counting only the causal pairs, L(L+1)/2 for an
    example of length L (the same for both sides: packing never attends across examples, padding is
    waste, not model work). Gradient checkpointing recomputes the decoder layers' forward: +2N_layers,
    +2 per LoRA parameter and +4d per pair (not the output layer, which is outside the checkpoints).
    The attention term is averaged over the data set's examples (both sides draw from the same ones).
    """
    m = matmul_params(config)
    n_lora = lora_params(config, r)
    linear = 4 * (m["layers"] + m["head"]) + 6 * n_lora
    per_pair = 12 * m["num_layers"] * m["attention_width"]
    if gradient_checkpointing:
        linear += 2 * m["layers"] + 2 * n_lora
        per_pair += 4 * m["num_layers"] * m["attention_width"]
    pairs = sum(n * (n + 1) / 2 for n in lengths)
    attention = per_pair * pairs / max(1, sum(lengths))
    return {"linear": linear, "attention": attention, "total": linear + attention,
            "matmul_params": m["layers"] + m["head"], "lora_params": n_lora}


# bf16 dense (no sparsity) peak of NVIDIA's data sheets, TFLOP/s; matched in this order on the device name.
PEAK_TFLOPS = (("H100 PCIe", 756.0), ("H100 NVL", 835.0), ("GH200", 989.4), ("H200", 989.4), ("H100", 989.4),
               ("H800", 989.4), ("A100", 312.0), ("A800", 312.0), ("L40S", 362.0), ("L4", 121.0))


def peak_tflops(device_name: str) -> float | None:
    for key, value in PEAK_TFLOPS:
        if key.lower() in device_name.lower():
            return value
    return None


def mfu(tokens_per_s: float, flops: float, peak: float | None) -> float | None:
    if not peak or not tokens_per_s or not math.isfinite(tokens_per_s):
        return None
    return tokens_per_s * flops / (peak * 1e12)
