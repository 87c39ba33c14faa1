"""`npm run bench:train`: Tunelab's trainer against a plain Hugging Face Trainer + peft run on the CPU.

Each side runs in its own process (clean peak RSS) with the same thread count. Both count the real
(non-padding) tokens they train on. Last line of output: one JSON object with tokens_per_s,
baseline_tokens_per_s, ratio, peak_rss_mb, baseline_peak_rss_mb, eval_loss, baseline_eval_loss.
Options: --epochs E (default 2; --epochs 0.5 for a quick check), --threads N, --repeat R (run the two
sides alternately R times and keep each side's fastest run: on a shared machine, the run that other
processes disturbed least; eval loss and memory come from that run).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_side(script: str, epochs: float, threads: int) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "TOKENIZERS_PARALLELISM": "false",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run([sys.executable, os.path.join(HERE, script), "--epochs", str(epochs)], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=HERE)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"bench:train: {script} failed with exit code {proc.returncode}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"{result['side']}: {json.dumps(result)}", file=sys.stderr, flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=float, default=2.0)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    parser.add_argument("--threads", type=int, default=cores)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    runs: dict[str, list[dict]] = {"baseline": [], "tunelab": []}
    for _ in range(max(1, args.repeat)):
        runs["baseline"].append(run_side("baseline_hf.py", args.epochs, args.threads))
        runs["tunelab"].append(run_side("tunelab_side.py", args.epochs, args.threads))
    baseline, tunelab = (max(runs[side], key=lambda r: r["tokens_per_s"]) for side in ("baseline", "tunelab"))
    print(json.dumps({
        "tokens_per_s": round(tunelab["tokens_per_s"], 1),
        "baseline_tokens_per_s": round(baseline["tokens_per_s"], 1),
        "ratio": round(tunelab["tokens_per_s"] / baseline["tokens_per_s"], 3),
        "peak_rss_mb": round(tunelab["peak_rss_mb"], 1),
        "baseline_peak_rss_mb": round(baseline["peak_rss_mb"], 1),
        "eval_loss": round(tunelab["eval_loss"], 4),
        "baseline_eval_loss": round(baseline["eval_loss"], 4),
        "eval_loss_diff_pct": round(100 * (tunelab["eval_loss"] - baseline["eval_loss"]) / baseline["eval_loss"], 2),
        # Tokens per CPU-second of each side: steadier than wall time on a shared machine.
        "cpu_ratio": round((tunelab["tokens"] / tunelab["cpu_seconds"]) / (baseline["tokens"] / baseline["cpu_seconds"]), 3),
        "tokens": tunelab["tokens"], "baseline_tokens": baseline["tokens"],
        "epochs": args.epochs, "threads": args.threads, "repeat": args.repeat,
    }), flush=True)


if __name__ == "__main__":
    main()
