"""Device and precision selection (pure, with explicit capabilities) and the fp16 loss-scaling API."""

from __future__ import annotations

import pytest
import torch

from tunelab_trainer.environment import MixedPrecision, Precision, choose_device, choose_precision
from tunelab_trainer.errors import TrainerError


@pytest.mark.parametrize("setting, cuda, mps, expected", [
    ("auto", True, False, "cuda"), ("auto", True, True, "cuda"), ("auto", False, True, "mps"),
    ("auto", False, False, "cpu"), ("cpu", True, True, "cpu"), ("mps", False, True, "mps"),
])
def test_device_is_picked_automatically(setting, cuda, mps, expected):
    assert choose_device(setting, cuda, mps) == expected


@pytest.mark.parametrize("setting, words", [("cuda", "sees no CUDA GPU"), ("mps", "sees no Apple GPU")])
def test_an_absent_device_is_an_environment_error(setting, words):
    with pytest.raises(TrainerError) as caught:
        choose_device(setting, cuda_available=False, mps_available=False)
    assert caught.value.kind == "environment" and words in caught.value.message
    assert "device to auto" in caught.value.hint


@pytest.mark.parametrize("device, bf16, method, expected", [
    # Ampere and newer: bf16 weights and autocast, no loss scaling
    ("cuda", True, "lora", Precision("cuda", "bfloat16", "bfloat16", False)),
    # Volta/Turing: fp16 autocast with a GradScaler
    ("cuda", False, "lora", Precision("cuda", "float16", "float16", True)),
    # full fine-tuning keeps fp32 master weights and autocasts
    ("cuda", True, "full", Precision("cuda", "float32", "bfloat16", False)),
    ("cuda", False, "full", Precision("cuda", "float32", "float16", True)),
    ("mps", True, "lora", Precision("mps", "bfloat16", "bfloat16", False)),
    ("mps", False, "lora", Precision("mps", "float32", None, False)),
    ("cpu", True, "lora", Precision("cpu", "float32", None, False)),
    ("cpu", False, "full", Precision("cpu", "float32", None, False)),
])
def test_precision_follows_the_device(device, bf16, method, expected):
    chosen = choose_precision(device, bf16, method)
    assert chosen == expected
    assert chosen.name == (expected.autocast or "float32")


def test_fp16_loss_scaling_skips_overflowing_steps_and_scales_back():
    amp = MixedPrecision(Precision("cpu", "float32", None, True))  # a real GradScaler, on the CPU
    weight = torch.nn.Parameter(torch.ones(3))
    optimizer = torch.optim.SGD([weight], lr=0.1)

    amp.backward((weight * 2).sum())
    assert torch.equal(weight.grad, torch.full((3,), 2.0 * amp.scaler.get_scale()))  # scaled for fp16
    amp.unscale(optimizer)
    assert torch.equal(weight.grad, torch.full((3,), 2.0))  # true units before clipping
    assert amp.step(optimizer) is False
    assert torch.allclose(weight.detach(), torch.full((3,), 0.8))

    optimizer.zero_grad()
    scale = amp.scaler.get_scale()
    amp.backward((weight * float("inf")).sum())
    amp.unscale(optimizer)
    assert amp.step(optimizer) is True  # overflow: the step is skipped, not a NaN error
    assert torch.allclose(weight.detach(), torch.full((3,), 0.8))
    assert amp.scaler.get_scale() == scale / 2
    restored = MixedPrecision(Precision("cpu", "float32", None, True))
    restored.load_state_dict(amp.state_dict())
    assert restored.scaler.get_scale() == scale / 2


def test_no_scaling_and_no_autocast_in_fp32():
    amp = MixedPrecision(choose_precision("cpu", False))
    assert amp.scaler is None and amp.autocast_dtype is None and amp.weights_dtype == torch.float32
    weight = torch.nn.Parameter(torch.ones(2))
    optimizer = torch.optim.SGD([weight], lr=1.0)
    with amp.autocast():
        loss = (weight * 3).sum()
    amp.backward(loss)
    amp.unscale(optimizer)
    assert amp.step(optimizer) is False and torch.equal(weight.detach(), torch.full((2,), -2.0))


def test_bf16_autocast_context_runs_matmuls_in_bf16():
    amp = MixedPrecision(Precision("cpu", "float32", "bfloat16", False))
    with amp.autocast():
        out = torch.ones(2, 2) @ torch.ones(2, 2)
    assert out.dtype == torch.bfloat16
