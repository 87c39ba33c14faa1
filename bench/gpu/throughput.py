"""GPU training throughput: Tunelab's trainer against a plain Hugging Face `Trainer` + peft run.

    python bench/gpu/throughput.py [--out FILE] [--cases chat:off,chat:on,text:off] [--peak-tflops T]
    python bench/gpu/throughput.py --smoke      # the same code on the CPU with a tiny model (~1 minute)

Creates a ~0.45B Llama (hidden 1024, 24 layers, 16 heads / 8 KV heads, MLP 4096, vocab 32000; random
bf16 weights, no network needed) with the bundled model's tokenizer, synthesises data, and for each
case runs the baseline (side_baseline.py) and Tunelab (side_tunelab.py), each in its own process, on
the same model, data, effective batch (32 = micro-batch 8 x accumulation 4), sequence length 2048,
precision (bf16 weights, fp32 LoRA, bf16 autocast), LoRA r 16 / alpha 32 / dropout 0.05 on all linear
layers, AdamW, cosine schedule, clipping 1.0, and gradient checkpointing setting.

A case is TASK:CHECKPOINTING. chat: chat records of 256-2048 tokens (loss on the answers, about 60 %
of the tokens); text: continued pre-training on documents of 2048 tokens (every row full).
off/on: gradient checkpointing (non-reentrant, on both sides).

Measured per side (measure.py): tokens_per_s = real (non-padding) tokens / seconds of the timed
optimizer steps (5 warm-up steps excluded, 30 timed); peak_mem_gb = torch.cuda.max_memory_allocated
over training (reserved too); mfu = model FLOPs per real token (workload.flops_per_token: 4N for the
frozen weights, 6 per LoRA weight, causal attention, plus the recomputation under checkpointing) x
tokens_per_s / the GPU's bf16 dense peak (989.4 TFLOP/s for H100 SXM and H200; --peak-tflops to set it).
Last line of output: one JSON object (the first case's figures at the top level, every case under
"cases"); --out also writes every step time of each side.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import workload  # noqa: E402

TASKS = ("chat", "text")


def parse_cases(text: str) -> list[tuple[str, bool]]:
    cases = []
    for item in text.split(","):
        task, _, ckpt = item.strip().partition(":")
        if task not in TASKS or ckpt not in ("on", "off"):
            raise SystemExit(f"--cases: {item!r} is not TASK:on|off with TASK one of {', '.join(TASKS)}")
        cases.append((task, ckpt == "on"))
    return cases


def run_side(script: str, spec_path: str, env: dict, timeout: float, log_path: str) -> dict:
    """One side in its own process; its result or {"error": ...} (a timeout or crash must not lose the other cases)."""
    began = time.time()
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            proc = subprocess.run([sys.executable, os.path.join(HERE, script), spec_path], env=env, cwd=HERE,
                                  stdout=subprocess.PIPE, stderr=log, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"error": f"{script} timed out after {timeout:g} s (log: {log_path})"}
    if proc.returncode != 0:
        with open(log_path, encoding="utf-8") as log:
            tail = log.read()[-3000:]
        sys.stderr.write(tail)
        return {"error": f"{script} failed with exit code {proc.returncode}: {tail.strip().splitlines()[-1:]}"}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_seconds"] = round(time.time() - began, 1)
    return result


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def compare(task: str, checkpointing: bool, tunelab: dict, baseline: dict, flops: dict, peak: float | None) -> dict:
    case = {"task": task, "gradient_checkpointing": checkpointing}
    for side, result in (("tunelab", tunelab), ("baseline", baseline)):
        if "error" in result:
            case[f"{side}_error"] = result["error"]
    if "tunelab_error" in case or "baseline_error" in case:
        return case
    if tunelab["trainable_params"] != baseline["trainable_params"]:
        case["warning"] = (f"trainable parameters differ: Tunelab {tunelab['trainable_params']}, baseline "
                           f"{baseline['trainable_params']}: not the same adapter")
    gb = (lambda v, digits=3: None if v is None else round(v, digits))  # noqa: E731
    case.update(
        tokens_per_s=round(tunelab["tokens_per_s"], 1), baseline_tokens_per_s=round(baseline["tokens_per_s"], 1),
        ratio=ratio(tunelab["tokens_per_s"], baseline["tokens_per_s"]),
        peak_mem_gb=gb(tunelab["peak_mem_gb"]), baseline_peak_mem_gb=gb(baseline["peak_mem_gb"]),
        mem_ratio=ratio(tunelab["peak_mem_gb"], baseline["peak_mem_gb"]),
        peak_reserved_gb=gb(tunelab["peak_reserved_gb"]), baseline_peak_reserved_gb=gb(baseline["peak_reserved_gb"]),
        reserved_ratio=ratio(tunelab["peak_reserved_gb"], baseline["peak_reserved_gb"]),
        mfu=gb(workload.mfu(tunelab["tokens_per_s"], flops["total"], peak), 4),
        baseline_mfu=gb(workload.mfu(baseline["tokens_per_s"], flops["total"], peak), 4),
        flops_per_token=round(flops["total"]), tokens=tunelab["tokens"], baseline_tokens=baseline["tokens"],
        trainable_params=tunelab["trainable_params"], total_params=tunelab["total_params"],
        loss_last=tunelab["loss_last"], baseline_loss_last=baseline["loss_last"], packing=tunelab["packing"],
        peak_rss_mb=round(tunelab["peak_rss_mb"], 1), baseline_peak_rss_mb=round(baseline["peak_rss_mb"], 1),
        process_seconds=tunelab["process_seconds"], baseline_process_seconds=baseline["process_seconds"])
    return case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny model on the CPU: checks the script end to end")
    parser.add_argument("--cases", help="comma-separated TASK:on|off (default: chat:off,chat:on,text:off; "
                                        "smoke: chat:off,text:on)")
    parser.add_argument("--timed-steps", type=int, help="optimizer steps timed (default 30; smoke 3)")
    parser.add_argument("--warmup-steps", type=int, help="optimizer steps before the timing (default 5; smoke 1)")
    parser.add_argument("--micro-batch", type=int, help="micro-batch size (default 8; smoke 2)")
    parser.add_argument("--effective-batch", type=int, help="effective batch size (default 32; smoke 4)")
    parser.add_argument("--seq", type=int, help="max sequence length (default 2048; smoke 128)")
    parser.add_argument("--peak-tflops", type=float, help="the device's bf16 dense peak for MFU (default: by GPU name)")
    parser.add_argument("--child-timeout", type=float, help="seconds per side per case (default 240; smoke 150)")
    parser.add_argument("--threads", type=int, help="OMP_NUM_THREADS of each side (smoke default 1)")
    parser.add_argument("--workdir", help="keep the model folder and data here (default: a temporary folder)")
    parser.add_argument("--out", help="write the full results (every step time) as JSON here")
    parser.add_argument("--prepare-only", action="store_true",
                        help="build the model folder and data, print their sizes and FLOPs per token, train nothing")
    args = parser.parse_args()

    p = workload.profile("smoke" if args.smoke else "gpu", timed_steps=args.timed_steps, warmup_steps=args.warmup_steps,
                         micro_batch_size=args.micro_batch, effective_batch_size=args.effective_batch,
                         max_seq_length=args.seq)
    cases = parse_cases(args.cases or ("chat:off,text:on" if args.smoke else "chat:off,chat:on,text:off"))
    if p.device == "cuda" and not args.prepare_only:
        import torch

        if not torch.cuda.is_available():
            print("throughput: no CUDA GPU here: run with --smoke to check the script on the CPU", file=sys.stderr)
            return 2
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "PYTHONWARNINGS": "ignore", "PYTHONPATH": os.path.join(workload.ROOT, "trainer")}
    threads = args.threads or (1 if args.smoke else None)
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    if p.device == "cuda":
        env.setdefault("CUDA_VISIBLE_DEVICES", "0")  # one GPU: the HF Trainer would otherwise spread over all
    timeout = args.child_timeout or (150 if args.smoke else 240)

    with tempfile.TemporaryDirectory() as scratch:
        work = args.workdir or scratch
        os.makedirs(work, exist_ok=True)
        began = time.time()
        model_dir = os.path.join(work, "model")
        if not os.path.isfile(os.path.join(model_dir, "config.json")):
            workload.build_model_folder(p, model_dir)
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        data, lengths = {}, {}
        for task in sorted({task for task, _ in cases}):
            folder = os.path.join(work, f"data-{task}")
            os.makedirs(folder, exist_ok=True)
            data[task] = workload.write_data(p, task, tokenizer, folder)
            lengths[task] = [len(e.input_ids) for e in workload.encode_file(task, data[task][0], tokenizer,
                                                                            p.max_seq_length)]
        print(f"throughput: model and data ready in {time.time() - began:.0f} s ({work})", file=sys.stderr, flush=True)

        model_config = workload.llama_config(p)
        if args.prepare_only:
            print(json.dumps({"model_dir": model_dir, "profile": p.as_dict(), "data": {
                task: {"records": len(lengths[task]), "tokens": sum(lengths[task]), "max": max(lengths[task]),
                       "mean": round(sum(lengths[task]) / len(lengths[task]), 1),
                       "flops_per_token": {ckpt: workload.flops_per_token(model_config, p.lora_r, lengths[task], ckpt)
                                           for ckpt in (False, True)}} for task in lengths}}))
            return 0
        results, full = [], []
        for task, checkpointing in cases:
            spec = {"profile": p.as_dict(), "task": task, "gradient_checkpointing": checkpointing,
                    "model_dir": model_dir, "train_file": data[task][0], "eval_file": data[task][1]}
            spec_path = os.path.join(work, f"spec-{task}-{checkpointing}.json")
            with open(spec_path, "w", encoding="utf-8") as f:
                json.dump(spec, f)
            sides = {}
            for side in ("baseline", "tunelab"):
                sides[side] = run_side(f"side_{side}.py", spec_path, env, timeout,
                                       os.path.join(work, f"{side}-{task}-{'ckpt' if checkpointing else 'nockpt'}.log"))
                print(f"throughput: {task} checkpointing {'on' if checkpointing else 'off'} {side}: "
                      f"{ {k: v for k, v in sides[side].items() if k not in ('step_seconds', 'step_tokens')} }",
                      file=sys.stderr, flush=True)
            device_name = sides["tunelab"].get("device_name") or sides["baseline"].get("device_name")
            peak = args.peak_tflops or (workload.peak_tflops(device_name) if device_name else None)
            flops = workload.flops_per_token(model_config, p.lora_r, lengths[task], checkpointing)
            case = compare(task, checkpointing, sides["tunelab"], sides["baseline"], flops, peak)
            case.update(gpu=device_name, peak_tflops=peak)
            results.append(case)
            full.append({**case, "flops": flops, "sides": sides,
                         "lengths": {"records": len(lengths[task]), "mean": sum(lengths[task]) / len(lengths[task]),
                                     "max": max(lengths[task])}})
            if args.out:  # after every case: a later timeout keeps what is done
                with open(args.out, "w", encoding="utf-8") as f:
                    json.dump({"profile": p.as_dict(), "cases": full}, f, indent=2)

    head = next((c for c in results if "ratio" in c), results[0])
    settings = p.as_dict()
    settings.update(task=head["task"], gradient_checkpointing=head["gradient_checkpointing"],
                    precision=p.precision, lora_params=workload.lora_params(model_config, p.lora_r),
                    matmul_params=sum(v for k, v in workload.matmul_params(model_config).items()
                                      if k in ("layers", "head")))
    keys = ("tokens_per_s", "baseline_tokens_per_s", "ratio", "peak_mem_gb", "baseline_peak_mem_gb", "mem_ratio",
            "mfu", "baseline_mfu", "peak_reserved_gb", "baseline_peak_reserved_gb", "reserved_ratio",
            "peak_rss_mb", "baseline_peak_rss_mb")
    # The GPU targets, for the first case: >= 1.5x the baseline's tokens/s at <= 0.7x its peak memory.
    met = {"ratio >= 1.5": None if head.get("ratio") is None else head["ratio"] >= 1.5,
           "mem_ratio <= 0.7": None if head.get("mem_ratio") is None else head["mem_ratio"] <= 0.7}
    summary = {**{k: head.get(k) for k in keys}, "targets": met, "gpu": head.get("gpu"),
               "peak_tflops": head.get("peak_tflops"),
               "device": p.device, "settings": settings, "seconds": round(time.time() - began, 1),
               "cases": results}
    print(json.dumps(summary), flush=True)
    return 0 if all("ratio" in c for c in results) else 1


if __name__ == "__main__":
    sys.exit(main())
