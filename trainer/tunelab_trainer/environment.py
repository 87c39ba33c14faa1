"""Which Python packages are present, the pip command that fixes what is missing, and the device.

Imports torch only inside functions so that `doctor` and error reporting work without it.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import importlib.util
import os
import shlex
import sys
from dataclasses import dataclass
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
                line = line.split("#")[0].split(";")[0].strip()  # no environment markers in a fix command
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


@dataclass(frozen=True)
class Precision:
    """How a run computes: dtype of the frozen weights, autocast dtype, and whether the loss is scaled."""
    device: str                     # cuda | mps | cpu
    weights: str                    # bfloat16 | float16 | float32
    autocast: Optional[str]         # bfloat16 | float16 | None (no autocast)
    loss_scaling: bool              # fp16 needs a GradScaler so small gradients do not underflow

    @property
    def name(self) -> str:
        """The start event's dtype: the compute precision."""
        return self.autocast or self.weights


def choose_device(setting: str, cuda_available: bool, mps_available: bool) -> str:
    """auto prefers CUDA, then Apple's MPS, then the CPU; an explicit device that is absent is an error."""
    if setting == "cuda" and not cuda_available:
        raise TrainerError("environment", "device is cuda but this torch sees no CUDA GPU",
                           "Set device to auto or cpu, or install a CUDA build of torch "
                           "(see https://pytorch.org/get-started/locally/).")
    if setting == "mps" and not mps_available:
        raise TrainerError("environment", "device is mps but this torch sees no Apple GPU",
                           "Set device to auto or cpu.")
    if setting != "auto":
        return setting
    return "cuda" if cuda_available else "mps" if mps_available else "cpu"


def choose_precision(device: str, bf16_supported: bool, method: str = "lora") -> Precision:
    """bf16 where the device has it (Ampere and newer, recent Apple GPUs), fp16 with loss scaling on older
    CUDA GPUs (Volta, Turing), fp32 on the CPU (CPU autocast is slower than fp32 on most CPUs).

    Trained parameters stay fp32 in every case: peft upcasts adapters, and for full fine-tuning the weights
    themselves are loaded in fp32 (mixed precision), since AdamW updates are lost in 16-bit weights.
    """
    if device == "cpu" or (device == "mps" and not bf16_supported):
        return Precision(device, "float32", None, False)
    half = "bfloat16" if bf16_supported else "float16"
    weights = "float32" if method == "full" else half
    return Precision(device, weights, half, half == "float16")


def cuda_bf16_supported() -> bool:
    """Native bf16 (compute capability 8.0+); torch's is_bf16_supported() also counts slow emulation."""
    import torch

    major, _ = torch.cuda.get_device_capability()
    return major >= 8


def mps_bf16_supported() -> bool:
    import torch

    try:
        return bool(torch.backends.mps.is_macos_or_newer(14, 0))
    except (AttributeError, RuntimeError):
        return False


class MixedPrecision:
    """The autocast context and loss scaling of a Precision, for the training loop.

    Per micro-batch:  with amp.autocast(): loss = ...;  amp.backward(loss)
    Per step:         amp.unscale(optimizer); clip gradients; skipped = amp.step(optimizer)
    With fp16, a step whose gradients overflowed is skipped (and the scale lowered) by the GradScaler:
    an inf gradient norm there is not a NaN error; `step()` returns True for such a skipped step.
    """

    def __init__(self, precision: Precision):
        import torch

        self.precision = precision
        self.autocast_dtype = getattr(torch, precision.autocast) if precision.autocast else None
        self.weights_dtype = getattr(torch, precision.weights)
        self.scaler = torch.amp.GradScaler(precision.device) if precision.loss_scaling else None

    def autocast(self):
        import torch

        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.precision.device, dtype=self.autocast_dtype)

    def backward(self, loss) -> None:
        (self.scaler.scale(loss) if self.scaler is not None else loss).backward()

    def unscale(self, optimizer) -> None:
        """Before clipping: gradients back in true units."""
        if self.scaler is not None:
            self.scaler.unscale_(optimizer)

    def step(self, optimizer) -> bool:
        """optimizer.step() (through the scaler with fp16); True if the scaler skipped it for overflow."""
        if self.scaler is None:
            optimizer.step()
            return False
        scale = self.scaler.get_scale()
        self.scaler.step(optimizer)
        self.scaler.update()
        return self.scaler.get_scale() < scale

    def state_dict(self) -> dict:
        return self.scaler.state_dict() if self.scaler is not None else {}

    def load_state_dict(self, state: dict) -> None:
        if self.scaler is not None and state:
            self.scaler.load_state_dict(state)


def pick_precision(setting: str, method: str = "lora"):
    """(torch.device, MixedPrecision) for this machine."""
    import torch

    cuda = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    name = choose_device(setting, cuda, mps)
    if method == "qlora":
        from .methods import require_method_environment

        require_method_environment(method, name == "cuda", version_of("bitsandbytes"))
    bf16 = cuda_bf16_supported() if name == "cuda" else mps_bf16_supported() if name == "mps" else False
    return torch.device(name), MixedPrecision(choose_precision(name, bf16, method))


def device_label(device) -> str:
    """"cuda (NVIDIA H100 80GB HBM3)" for the start event; the plain type elsewhere."""
    import torch

    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return device.type


def pick_device(setting: str, method: str = "lora"):
    """(torch.device, weights dtype, autocast dtype or None, dtype name for events)."""
    device, amp = pick_precision(setting, method)
    return device, amp.weights_dtype, amp.autocast_dtype, amp.precision.name


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
