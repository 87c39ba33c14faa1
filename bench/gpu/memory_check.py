"""Checks the memory estimate (trainer/tunelab_trainer/memory.py) against measured GPU peaks.

Run on a CUDA machine (no network needed: models are created from configs, with random weights):

    PYTHONPATH=trainer python bench/gpu/memory_check.py --out bench/gpu/memory_results.json

For each case it builds the model on the GPU, applies the method with the trainer's own code
(methods.apply_method), runs 3 optimizer steps of the trainer's step (bf16 autocast, loss over full
logits as scoring.summed_nll computes it, AdamW, clipping) and reads torch.cuda.max_memory_allocated.
The estimate's `total` adds the CUDA context (0.5 GiB) and 10 % allocator slack; the comparison
here is allocated bytes against the estimate without that overhead (`total - overhead`), and
reserved bytes + context against `total`. QLoRA cases run only when bitsandbytes imports.
Prints one JSON line per case, then a Markdown table; `--smoke` runs tiny cases on the CPU (estimate only)
to check the script itself.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "trainer"))

GIB = 1024 ** 3
# ~0.5B Llama-architecture model (the size the GPU benchmark uses) and a ~1.2B one.
MODELS = {
    "llama-0.5b": dict(hidden_size=1024, intermediate_size=4096, num_hidden_layers=24, num_attention_heads=16,
                       num_key_value_heads=8, vocab_size=32000),
    "llama-1.2b": dict(hidden_size=2048, intermediate_size=5632, num_hidden_layers=16, num_attention_heads=32,
                       num_key_value_heads=8, vocab_size=32000),
}
SMOKE = {"tiny": dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                      num_key_value_heads=2, vocab_size=256)}
# (method, micro_batch, seq, gradient_checkpointing, lora_dropout)
CASES = [
    ("lora", 4, 2048, False, 0.0), ("lora", 4, 2048, True, 0.0), ("lora", 1, 2048, False, 0.05),
    ("lora", 8, 512, False, 0.0), ("dora", 2, 2048, True, 0.0), ("ia3", 4, 2048, True, 0.0),
    ("prompt", 4, 2048, True, 0.0), ("full", 2, 2048, True, 0.0), ("qlora", 4, 2048, True, 0.0),
]


def model_config(sizes: dict) -> dict:
    return {"model_type": "llama", "max_position_embeddings": 4096, "tie_word_embeddings": False, **sizes}


def build(sizes: dict, method: str, device: str, folder: str):
    import torch
    from transformers import BitsAndBytesConfig, LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(**model_config(sizes))
    if method == "qlora":
        path = os.path.join(folder, "base")
        if not os.path.isdir(path):
            LlamaForCausalLM(config).to(torch.bfloat16).save_pretrained(path)
        quant = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                                   bnb_4bit_compute_dtype=torch.bfloat16)
        return LlamaForCausalLM.from_pretrained(path, quantization_config=quant, dtype=torch.bfloat16,
                                                device_map={"": device})
    dtype = torch.float32 if method == "full" or device == "cpu" else torch.bfloat16
    with torch.device(device):
        return LlamaForCausalLM(config).to(dtype)


def run_case(name: str, sizes: dict, case: tuple, device: str, folder: str) -> dict:
    import torch

    from tunelab_trainer.config import DEFAULTS
    from tunelab_trainer.memory import estimate
    from tunelab_trainer.methods import apply_method
    from tunelab_trainer.scoring import summed_nll

    method, micro, seq, checkpointing, dropout = case
    cuda = device == "cuda"
    if cuda:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    model = build(sizes, method, device, folder)
    cfg = {**DEFAULTS, "model": folder, "method": method, "lora_dropout": dropout, "gradient_checkpointing": checkpointing}
    model = apply_method(model, cfg, checkpointing, lambda m: [])
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4)
    autocast = torch.bfloat16 if cuda else None
    started = time.time()
    for _ in range(3):
        ids = torch.randint(0, sizes["vocab_size"], (micro, seq), device=device)
        nll, count = summed_nll(model, ids, torch.ones_like(ids), ids, autocast)
        (nll / count).backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    plan = estimate(model_config(sizes), method=method, precision="bfloat16" if cuda else "float32",
                    micro_batch_size=micro, max_seq_length=seq, gradient_checkpointing=checkpointing,
                    lora_dropout=dropout, device="cuda" if cuda else "cpu", num_virtual_tokens=20)
    result = {"model": name, "method": method, "micro_batch_size": micro, "seq": seq,
              "gradient_checkpointing": checkpointing, "lora_dropout": dropout,
              "estimate_gib": round((plan["total"] - plan["overhead"]) / GIB, 3),
              "estimate_total_gib": round(plan["total"] / GIB, 3),
              "parts_gib": {k: round(plan[k] / GIB, 3) for k in ("weights", "trainable", "gradients", "optimizer",
                                                                 "activations", "logits")},
              "seconds": round(time.time() - started, 1)}
    if cuda:
        allocated = torch.cuda.max_memory_allocated()
        reserved = torch.cuda.max_memory_reserved()
        result.update(measured_gib=round(allocated / GIB, 3), reserved_gib=round(reserved / GIB, 3),
                      error_pct=round(100 * ((plan["total"] - plan["overhead"]) / allocated - 1), 1),
                      total_error_pct=round(100 * (plan["total"] / (reserved + 0.5 * GIB) - 1), 1),
                      gpu=torch.cuda.get_device_name())
    del model, optimizer, params
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--smoke", action="store_true", help="tiny cases on the CPU (checks the script only)")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated: " + ", ".join(MODELS))
    args = parser.parse_args()
    import torch

    device = "cpu" if args.smoke else "cuda"
    if device == "cuda" and not torch.cuda.is_available():
        print("no CUDA GPU: run with --smoke to check the script on the CPU", file=sys.stderr)
        return 2
    try:
        import bitsandbytes  # noqa: F401
        have_bnb = device == "cuda"
    except ImportError:
        have_bnb = False
    models = SMOKE if args.smoke else {name: MODELS[name] for name in args.models.split(",")}
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for name, sizes in models.items():
            for case in CASES:
                method, micro, seq = case[0], case[1], case[2]
                if method == "qlora" and not have_bnb:
                    continue
                if args.smoke:
                    case = (method, min(micro, 2), min(seq, 64), case[3], case[4])
                try:
                    result = run_case(name, sizes, case, device, os.path.join(folder, name))
                except Exception as exc:  # e.g. out of memory: record it and go on
                    result = {"model": name, "method": method, "micro_batch_size": micro, "seq": seq,
                              "gradient_checkpointing": case[3], "error": f"{type(exc).__name__}: {exc}"[:300]}
                    if device == "cuda":
                        torch.cuda.empty_cache()
                print(json.dumps(result), flush=True)
                results.append(result)
    print("\n| model | method | micro | seq | ckpt | estimate GiB | measured GiB | error |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        measured = r.get("measured_gib", "-")
        error = f"{r['error_pct']:+.1f}%" if "error_pct" in r else r.get("error", "-")
        print(f"| {r['model']} | {r['method']} | {r['micro_batch_size']} | {r['seq']} | {r['gradient_checkpointing']} "
              f"| {r.get('estimate_gib', '-')} | {measured} | {error} |")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
