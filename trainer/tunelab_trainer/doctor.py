"""`python -m tunelab_trainer doctor`: one JSON object describing the Python environment.

Works without torch (it is then listed in `missing`). Fields: python, executable, torch, cuda,
gpus [{name, memory_gb}], bf16, mps, transformers, peft, accelerate, safetensors, missing, fix, ok.
"""

from __future__ import annotations

import platform
import sys

from .environment import missing_packages, pip_fix_command, version_of
from .errors import first_line


def doctor_report() -> dict:
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
                report["bf16"] = bool(torch.cuda.is_bf16_supported())
            mps = getattr(torch.backends, "mps", None)
            report["mps"] = bool(mps is not None and mps.is_available())
        except Exception as exc:
            missing.insert(0, "torch")
            report["error"] = f"torch is installed but fails to import: {first_line(exc)}"
    report["missing"] = missing
    report["fix"] = pip_fix_command(missing)
    report["ok"] = not missing
    return report
