"""`python -m tunelab_trainer doctor`: one JSON object describing the Python environment.

Works without torch (it is then listed in `missing`). Fields: python, executable, torch, cuda,
gpus [{name, memory_gb}], bf16, mps, transformers, peft, accelerate, safetensors, missing, fix, ok;
with `--run-dir DIR` also `memory`: the run's estimate (memory.py) and where it fits, e.g.
"needs about 19.4 GB: fits on 1x 24 GB, needs QLoRA on 12 GB".
"""

from __future__ import annotations

import platform
import sys
from typing import Optional

from .environment import cuda_bf16_supported, missing_packages, pip_fix_command, version_of
from .errors import first_line


def doctor_report(run_dir: Optional[str] = None) -> dict:
    report = {
        "python": platform.python_version(),
        "executable": sys.executable,
        "torch": version_of("torch"),
        "cuda": False,
        "gpus": [],
        "bf16": False,
        "mps": False,
        "transformers": version_of("transformers"),
        "peft": version_of("peft"),
        "accelerate": version_of("accelerate"),
        "safetensors": version_of("safetensors"),
    }
    missing = missing_packages()
    if "torch" not in missing:
        try:
            import torch

            report["cuda"] = bool(torch.cuda.is_available())
            if report["cuda"]:
                for index in range(torch.cuda.device_count()):
                    props = torch.cuda.get_device_properties(index)
                    report["gpus"].append({"name": props.name,
                                           "memory_gb": round(props.total_memory / 1024 ** 3, 1)})
                report["bf16"] = cuda_bf16_supported()  # native only: emulated bf16 is slow
            mps = getattr(torch.backends, "mps", None)
            report["mps"] = bool(mps is not None and mps.is_available())
        except Exception as exc:
            missing.insert(0, "torch")
            report["error"] = f"torch is installed but fails to import: {first_line(exc)}"
    report["missing"] = missing
    report["fix"] = pip_fix_command(missing)
    report["ok"] = not missing
    if run_dir:
        report["memory"] = memory_report(run_dir, report["gpus"], report["bf16"] or not report["gpus"])
    return report


def memory_report(run_dir: str, gpus: list[dict], bf16: bool) -> dict:
    """The run's GPU memory estimate and where it fits ({summary, needs_gb, estimate, ...}) or {error}."""
    from .config import load_config
    from .errors import TrainerError
    from .memory import advice, read_model_config

    try:
        cfg = load_config(run_dir)
    except TrainerError as exc:
        return {"error": exc.message}
    model_config = read_model_config(cfg["model"])
    try:
        return advice(cfg, model_config or {}, gpus, "bfloat16" if bf16 else "float16")
    except (KeyError, TypeError, ValueError) as exc:
        return {"error": f"cannot estimate memory for this model's config.json ({first_line(exc)}): the "
                         "estimate knows Llama-style decoders"}
