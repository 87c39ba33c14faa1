"""Peak GPU memory of a training run, estimated from the model's config.json before anything is loaded.

Pure Python (no torch): `doctor`, the CLI and config validation use it on machines without a GPU.
All figures are bytes; the parts, with N frozen weights, T trainable parameters, b micro-batch,
s sequence length, L layers, h hidden size, k key/value width, i intermediate size, V vocabulary:

  weights      N x 2 (bf16/fp16), x 4 (fp32); QLoRA: linear layers x 0.5 (NF4) + 1/64 per weight for the
               8-bit block scales of double quantisation (+ 4 bytes per 256 blocks), other weights x 2
  trainable    T x 4 (adapters and fully tuned weights are kept in fp32)
  gradients    T x 4
  optimizer    T x 8 (AdamW: two fp32 moments)
  activations  per token and layer, saved for the backward pass (a = 2 bytes under autocast, 4 in fp32):
               a x (5h + 3k + 4i) for the attention/MLP tensors + 8h for the fp32 RMSNorm inputs;
               with gradient checkpointing only each layer's input (a x h) is kept, plus one layer
               recomputed at a time.  LoRA dropout adds (a + 1) bytes per input feature of each target
               (the dropped-out copy and its mask).  Logits: 12 x V per token (bf16/fp32 logits, their fp32 log-softmax
               and its gradient).  Attention uses SDPA/flash kernels, so no s x s matrices are stored.
  overhead     CUDA context and allocator slack: 0.5 GiB + 10 % of the rest (on CPU: none)

Parameter counts (N, T, linear shapes) are exact for Llama-style decoders (Llama, Mistral, Qwen2/3,
Gemma, Phi-3 style configs with q/k/v/o and gate/up/down projections); trainer/tests/test_memory.py
checks them and the trainable, gradient and optimizer bytes against a real model and a real AdamW step.
bench/gpu/memory_check.py compares the total with torch.cuda.max_memory_allocated on a GPU.
"""

from __future__ import annotations

import math
from typing import Optional

GIB = 1024 ** 3
BYTES = {"bfloat16": 2, "float16": 2, "float32": 4}
NF4_BYTES = 0.5 + 1 / 64 + 4 / (64 * 256)  # 4-bit codes + 8-bit block scales (64) + fp32 scale of scales (256)
CUDA_CONTEXT = 0.5 * GIB
SLACK = 0.10
LLAMA_LINEARS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
# IA3's default targets for Llama-style models (peft): k, v and down projections.
IA3_DEFAULTS = ("k_proj", "v_proj", "down_proj")
IA3_FEEDFORWARD = ("down_proj",)


def _text_config(config: dict) -> dict:
    return {**config, **config["text_config"]} if isinstance(config.get("text_config"), dict) else config


def shapes_from_config(config: dict) -> dict:
    """Sizes of a Llama-style decoder: h, k (key/value width), i, L, V, heads and the per-layer linears."""
    c = _text_config(config)
    h, i, layers, vocab = int(c["hidden_size"]), int(c["intermediate_size"]), int(c["num_hidden_layers"]), int(c["vocab_size"])
    heads = int(c["num_attention_heads"])
    kv_heads = int(c.get("num_key_value_heads") or heads)
    head_dim = int(c.get("head_dim") or h // heads)
    q, k = heads * head_dim, kv_heads * head_dim
    linears = {  # name: (in_features, out_features)
        "q_proj": (h, q), "k_proj": (h, k), "v_proj": (h, k), "o_proj": (q, h),
        "gate_proj": (h, i), "up_proj": (h, i), "down_proj": (i, h),
    }
    return {"h": h, "k": k, "q": q, "i": i, "layers": layers, "vocab": vocab, "linears": linears,
            "attention_bias": bool(c.get("attention_bias") or c.get("model_type") == "qwen2"),
            "mlp_bias": bool(c.get("mlp_bias")), "tied": bool(c.get("tie_word_embeddings", False))}


def params_from_config(config: dict) -> dict:
    """Exact parameter counts: total, in linear layers of the decoder, and the rest (embeddings, norms, head)."""
    s = shapes_from_config(config)
    linear = sum(fan_in * fan_out for fan_in, fan_out in s["linears"].values())
    bias = (s["q"] + 2 * s["k"] if s["attention_bias"] else 0) + (2 * s["i"] + s["h"] if s["mlp_bias"] else 0)
    per_layer_norms = 2 * s["h"]
    embed = s["vocab"] * s["h"]
    head = 0 if s["tied"] else s["vocab"] * s["h"]
    linear_total = s["layers"] * linear
    other = s["layers"] * (per_layer_norms + bias) + embed + head + s["h"]  # + final norm
    return {"total": linear_total + other, "linear": linear_total, "embed": embed, "lm_head": head,
            "other": other}


def _targets(target_modules, names) -> list[str]:
    if target_modules == "all-linear":
        return list(names)
    wanted = [target_modules] if isinstance(target_modules, str) else list(target_modules)
    return [n for n in names if any(n == t or n.endswith("." + t) or t.endswith(n) for t in wanted)]


def trainable_from_config(config: dict, method: str, lora_r: int = 8, target_modules="all-linear",
                          num_virtual_tokens: int = 20) -> int:
    """Trainable parameters of a method, as peft creates them."""
    s = shapes_from_config(config)
    linears = s["linears"]
    if method == "full":
        return params_from_config(config)["total"]
    if method in ("lora", "rslora", "dora", "qlora"):
        per_layer = sum(lora_r * (fan_in + fan_out) for name, (fan_in, fan_out) in linears.items()
                        if name in _targets(target_modules, linears))
        if method == "dora":  # one magnitude per output feature
            per_layer += sum(fan_out for name, (_, fan_out) in linears.items()
                             if name in _targets(target_modules, linears))
        return s["layers"] * per_layer
    if method == "ia3":
        names = IA3_DEFAULTS if target_modules == "all-linear" else _targets(target_modules, linears)
        # Feed-forward modules are scaled on their input, the others on their output.
        return s["layers"] * sum(linears[n][0] if n in IA3_FEEDFORWARD else linears[n][1] for n in names)
    if method == "prefix":
        return num_virtual_tokens * s["layers"] * 2 * s["k"]
    if method == "prompt":
        return num_virtual_tokens * s["h"]
    raise ValueError(f"unknown method {method}")


def estimate(config: dict, method: str = "lora", precision: str = "bfloat16", micro_batch_size: int = 4,
             max_seq_length: int = 512, gradient_checkpointing: bool = False, lora_r: int = 8,
             target_modules="all-linear", num_virtual_tokens: int = 20, device: str = "cuda",
             lora_dropout: float = 0.0) -> dict:
    """Bytes per part and the total (see the module docstring for the formula)."""
    s = shapes_from_config(config)
    params = params_from_config(config)
    trainable = trainable_from_config(config, method, lora_r, target_modules, num_virtual_tokens)
    weight_bytes = BYTES[precision]
    if method == "full":
        weights = 0  # the fp32 weights are the trainable part
    elif method == "qlora":
        weights = params["linear"] * NF4_BYTES + (params["total"] - params["linear"]) * 2
    else:
        weights = params["total"] * weight_bytes
    act = 4 if precision == "float32" else 2
    tokens = micro_batch_size * (max_seq_length + (num_virtual_tokens if method == "prompt" else 0))
    layer = act * (5 * s["h"] + 3 * s["k"] + 4 * s["i"]) + 8 * s["h"]
    if lora_dropout > 0 and method in ("lora", "rslora", "dora", "qlora"):
        # Each LoRA module keeps its own dropped-out copy of its input and a 1-byte mask.
        inputs = sum(fan_in for name, (fan_in, _) in s["linears"].items()
                     if name in _targets(target_modules, s["linears"]))
        layer += (act + 1) * inputs
    if gradient_checkpointing:
        activations = tokens * (s["layers"] * act * s["h"] + layer)
    else:
        activations = tokens * s["layers"] * layer
    logits = tokens * 12 * s["vocab"]
    parts = {"weights": weights, "trainable": trainable * 4, "gradients": trainable * 4,
             "optimizer": trainable * 8, "activations": activations, "logits": logits}
    subtotal = sum(parts.values())
    overhead = CUDA_CONTEXT + SLACK * subtotal if device == "cuda" else 0
    parts = {k: int(math.ceil(v)) for k, v in parts.items()}
    return {**parts, "overhead": int(overhead), "total": int(math.ceil(subtotal + overhead)),
            "total_params": params["total"], "trainable_params": trainable, "method": method,
            "precision": precision}


def gb(n: float) -> str:
    return f"{n / GIB:.1f} GB"


def estimate_for_run(cfg: dict, model_config: dict, precision: str) -> dict:
    return estimate(model_config, method=cfg["method"], precision=precision, micro_batch_size=cfg["micro_batch_size"],
                    max_seq_length=cfg["max_seq_length"], gradient_checkpointing=cfg["gradient_checkpointing"],
                    lora_r=cfg["lora_r"], target_modules=cfg["target_modules"],
                    num_virtual_tokens=cfg.get("num_virtual_tokens", 20), lora_dropout=cfg["lora_dropout"])


COMMON_GPUS_GB = (8, 12, 16, 24, 40, 48, 80)


def _alternatives(cfg: dict) -> list[tuple[str, dict]]:
    """Cheaper settings, cumulative and cheapest change first: checkpointing, QLoRA, micro-batch 1."""
    steps: list[tuple[str, dict]] = []
    names: list[str] = []
    current = dict(cfg)
    if not cfg["gradient_checkpointing"] and cfg["method"] != "prefix":
        current = {**current, "gradient_checkpointing": True}
        names.append("gradient checkpointing")
        steps.append((" + ".join(names), current))
    if cfg["method"] in ("lora", "rslora"):
        current = {**current, "method": "qlora"}
        names.insert(0, "QLoRA")
        steps.append((" + ".join(names), current))
    if cfg["micro_batch_size"] > 1:
        current = {**current, "micro_batch_size": 1}
        names.append("micro_batch_size 1")
        steps.append((" + ".join(names), current))
    return steps


def advice(cfg: dict, model_config: dict, gpus: list[dict], precision: str = "bfloat16") -> dict:
    """The estimate, and in words where it fits: "fits on 1x 24 GB, needs QLoRA on 12 GB".

    `gpus`: [{name, memory_gb}] as doctor reports them (each GPU holds a whole copy under DDP, so one
    GPU's memory is what counts); with none, common sizes are described.
    """
    plan = estimate_for_run(cfg, model_config, precision)
    options = [(name, estimate_for_run(c, model_config, precision)["total"]) for name, c in _alternatives(cfg)]

    def verdict(capacity_gb: float) -> Optional[str]:
        """None when it fits as it is, else the cheapest change that fits, else "does not fit"."""
        if plan["total"] <= capacity_gb * GIB:
            return None
        return next((f"needs {name}" for name, total in options if total <= capacity_gb * GIB), "does not fit")

    parts: list[str] = []
    if gpus:
        for name, memory_gb in dict.fromkeys((g.get("name", "GPU"), float(g["memory_gb"])) for g in gpus):
            outcome = verdict(memory_gb)
            parts.append(f"fits on 1x {name} ({memory_gb:g} GB)" if outcome is None
                         else f"{outcome} on {name} ({memory_gb:g} GB)")
    else:
        fits = next((size for size in COMMON_GPUS_GB if verdict(size) is None), None)
        if fits is not None:
            parts.append(f"fits on 1x {fits} GB")
        seen = set()
        for size in COMMON_GPUS_GB:
            outcome = verdict(size)
            if outcome and outcome != "does not fit" and outcome not in seen:
                seen.add(outcome)
                parts.append(f"{outcome} on {size} GB")
        if not parts:
            parts.append(f"does not fit on 1x {COMMON_GPUS_GB[-1]} GB even with QLoRA")
    return {"estimate": plan, "needs_gb": round(plan["total"] / GIB, 1),
            "alternatives_gb": {name: round(total / GIB, 1) for name, total in options},
            "summary": f"needs about {gb(plan['total'])}: " + ", ".join(parts)}


def read_model_config(model_dir: str) -> Optional[dict]:
    import json
    import os

    try:
        with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
