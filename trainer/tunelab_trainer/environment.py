"""Which Python packages are present, the pip command that fixes what is missing, and the device.

Imports torch only inside functions so that `doctor` and error reporting work without it.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import shlex
import sys
from typing import Optional

from .errors import TrainerError, first_line

# distribution name -> import name; what `train` and `eval` need.
REQUIRED = {"torch": "torch", "transformers": "transformers", "peft": "peft",
            "accelerate": "accelerate", "safetensors": "safetensors"}
REQUIREMENTS_TXT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "requirements.txt")


def version_of(dist: str) -> Optional[str]:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def missing_packages() -> list[str]:
    return [dist for dist, module in REQUIRED.items()
            if version_of(dist) is None or importlib.util.find_spec(module) is None]


def _pins() -> dict[str, str]:
    pins = {}
    try:
        with open(REQUIREMENTS_TXT, encoding="utf-8") as f:
            for line in f:
                line = line.split("#")[0].strip()
                if "==" in line:
                    name = line.split("==")[0].strip()
                    pins[name.lower()] = line
    except OSError:
        pass
    return pins


def pip_fix_command(missing: list[str]) -> Optional[str]:
    if not missing:
        return None
    pins = _pins()
    specs = [pins.get(name.lower(), name) for name in missing]
    return " ".join([shlex.quote(sys.executable), "-m", "pip", "install"] + [shlex.quote(s) for s in specs])


def require_packages() -> None:
    """Raises TrainerError(environment) naming what is missing and the pip command to install it."""
    missing = missing_packages()
    if not missing:
        for dist, module in REQUIRED.items():
            try:
                importlib.import_module(module)
            except Exception as exc:  # present but broken (ABI mismatch, missing shared library, ...)
                raise TrainerError("environment", f"Python package {dist} is installed but fails to import: "
                                   f"{first_line(exc)}",
                                   f"Reinstall it: {pip_fix_command([dist])} --force-reinstall")
        return
    raise TrainerError("environment", f"Missing Python packages: {', '.join(missing)} (interpreter {sys.executable})",
                       f"Install them: {pip_fix_command(missing)}")


def pick_device(setting: str):
    """(torch.device, weights dtype, autocast dtype or None, dtype name for events)."""
    import torch

    cuda = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if setting == "cuda" and not cuda:
        raise TrainerError("environment", "device is cuda but this torch sees no CUDA GPU",
                           "Set device to auto or cpu, or install a CUDA build of torch "
                           "(see https://pytorch.org/get-started/locally/).")
    if setting == "mps" and not mps:
        raise TrainerError("environment", "device is mps but this torch sees no Apple GPU",
                           "Set device to auto or cpu.")
    name = setting if setting != "auto" else ("cuda" if cuda else "mps" if mps else "cpu")
    device = torch.device(name)
    if name == "cuda" and torch.cuda.is_bf16_supported():
        # bf16 base weights halve memory; LoRA weights stay fp32 (peft upcasts adapters).
        return device, torch.bfloat16, torch.bfloat16, "bfloat16"
    return device, torch.float32, None, "float32"


def cpu_threads() -> int:
    """Threads for CPU training: the cores that other processes leave idle.

    torch's OpenMP threads spin while they wait, so on a busy machine (CI runners, a second training
    run) asking for every core is several times slower than asking for the free ones.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):
        busy = 0.0
    return max(1, min(cores, int(cores - busy + 0.5)))


def set_cpu_threads() -> int:
    """Leaves an explicit OMP_NUM_THREADS alone."""
    import torch

    if not os.environ.get("OMP_NUM_THREADS"):
        torch.set_num_threads(cpu_threads())
    return torch.get_num_threads()
