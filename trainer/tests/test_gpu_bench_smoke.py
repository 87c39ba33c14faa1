"""bench/gpu/throughput.py --smoke: the GPU benchmark's own code, end to end on the CPU with a tiny Llama.

The GPU run (bench/gpu/run_all.sh) happens on a machine lent for minutes: this test makes sure that the
script, both sides, their clocks and the FLOPs accounting work before then. It runs on the CPU (no skip).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "bench", "gpu", "throughput.py")
sys.path.insert(0, os.path.join(ROOT, "bench", "gpu"))

import workload  # noqa: E402

KEYS = ("tokens_per_s", "baseline_tokens_per_s", "ratio", "peak_mem_gb", "baseline_peak_mem_gb", "mem_ratio", "mfu",
        "baseline_mfu", "gpu", "settings", "cases")


def test_smoke_run_prints_the_comparison_as_its_last_line(tmp_path):
    out = tmp_path / "throughput.json"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    proc = subprocess.run([sys.executable, SCRIPT, "--smoke", "--peak-tflops", "1", "--out", str(out),
                           "--workdir", str(tmp_path / "work")],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(KEYS) <= set(summary)
    assert summary["device"] == "cpu" and summary["gpu"] is None and summary["peak_tflops"] == 1
    settings = summary["settings"]
    assert settings["name"] == "smoke" and settings["task"] == "chat" and settings["gradient_checkpointing"] is False

    # Both default smoke cases ran: chat without and text (cpt) with gradient checkpointing.
    cases = summary["cases"]
    assert [(c["task"], c["gradient_checkpointing"]) for c in cases] == [("chat", False), ("text", True)]
    for case in cases:
        assert "warning" not in case and not any(k.endswith("_error") for k in case), case
        assert case["tokens_per_s"] > 0 and case["baseline_tokens_per_s"] > 0
        assert math.isclose(case["ratio"], case["tokens_per_s"] / case["baseline_tokens_per_s"], abs_tol=2e-3)
        # MFU = FLOPs per token x tokens per second / peak (1 TFLOP/s here).
        assert math.isclose(case["mfu"], case["tokens_per_s"] * case["flops_per_token"] / 1e12, abs_tol=1e-4)
        assert case["peak_mem_gb"] is None and case["mem_ratio"] is None  # no CUDA: RSS instead
        assert case["peak_rss_mb"] > 0 and case["baseline_peak_rss_mb"] > 0
        assert math.isfinite(case["loss_last"]) and math.isfinite(case["baseline_loss_last"])
        assert case["packing"] is True
    assert summary["tokens_per_s"] == cases[0]["tokens_per_s"] and summary["ratio"] == cases[0]["ratio"]
    assert summary["targets"] == {"ratio >= 1.5": summary["ratio"] >= 1.5, "mem_ratio <= 0.7": None}

    # The FLOPs count uses the model's real parameters: LoRA = what the trainer trains; the matmul weights
    # = everything else but the input embeddings and the RMSNorm weights.
    config = workload.llama_config(workload.profile("smoke"))
    h, layers = config["hidden_size"], config["num_hidden_layers"]
    assert settings["lora_params"] == cases[0]["trainable_params"]
    assert settings["matmul_params"] == (cases[0]["total_params"] - cases[0]["trainable_params"]
                                         - config["vocab_size"] * h - h * (2 * layers + 1))

    # --out keeps every step of both sides; the timed tokens are the steps after the warm-up.
    full = json.loads(out.read_text())
    assert len(full["cases"]) == 2
    steps = settings["warmup_steps"] + settings["timed_steps"]
    for side in full["cases"][0]["sides"].values():
        assert len(side["step_seconds"]) == steps and len(side["step_tokens"]) == steps
        assert side["tokens"] == sum(side["step_tokens"][settings["warmup_steps"]:])
    text = full["cases"][1]
    # cpt documents fill the rows: one window of just under max_seq_length each, no short remainders.
    assert text["lengths"]["records"] == steps * settings["effective_batch_size"]
    assert text["lengths"]["mean"] > 0.9 * settings["max_seq_length"]


def test_flops_per_token_counts_weights_lora_attention_and_recomputation():
    config = workload.llama_config(workload.profile("gpu"))
    n = workload.matmul_params(config)
    # 24 layers x (q, o: 1024x1024; k, v: 1024x512; gate, up, down: 1024x4096) + the 32000x1024 output layer.
    assert n["layers"] == 24 * (2 * 1024 * 1024 + 2 * 1024 * 512 + 3 * 1024 * 4096) and n["head"] == 32000 * 1024
    lora = workload.lora_params(config, 16)
    assert lora == 24 * 16 * (2 * 2048 + 2 * 1536 + 2 * 5120 + 5120)
    one = workload.flops_per_token(config, 16, [2048], False)
    pairs = 2048 * 2049 / 2
    assert one["linear"] == 4 * (n["layers"] + n["head"]) + 6 * lora
    assert math.isclose(one["attention"], 12 * 24 * 1024 * pairs / 2048)
    ckpt = workload.flops_per_token(config, 16, [2048], True)
    assert ckpt["linear"] - one["linear"] == 2 * n["layers"] + 2 * lora
    assert math.isclose(ckpt["attention"] / one["attention"], 16 / 12)
    # Shorter examples attend to fewer positions: less attention work per token.
    assert workload.flops_per_token(config, 16, [512, 512], False)["attention"] < one["attention"]
    assert workload.peak_tflops("NVIDIA H100 80GB HBM3") == 989.4 and workload.peak_tflops("NVIDIA H200") == 989.4
    assert workload.peak_tflops("NVIDIA H100 PCIe") == 756.0 and workload.peak_tflops("Some GPU") is None
    assert workload.mfu(100_000, 2e9, 989.4) == 100_000 * 2e9 / 989.4e12 and workload.mfu(1.0, 1.0, None) is None
