"""A cheaper forward/backward for plain LoRA layers when training on the CPU.

peft computes `base(x) + lora_B(lora_A(dropout(x))) * scaling`: on the CPU the dropout mask
(`bernoulli_`, one Mersenne-Twister draw per element) is a fifth to a third of a training step of a small
model, and the full-width scaling multiply and add are separate passes over the output. Here one autograd
function does the same arithmetic with
- the dropout mask drawn 16 bits per element from numpy's PCG64 (four elements per 64-bit draw), seeded
  from torch's generator; the drop probability is p
  rounded to a multiple of 1/65536 and the kept values are scaled by the exact inverse of the keep rate,
  so the layer stays unbiased;
- the scaling applied to the rank-r intermediate and the LoRA term added inside the GEMM (`addmm`).
The adapter weights, their names and what gets saved are peft's; only the arithmetic path changes, and only
for layers where it is the same computation (vanilla LoRA/rsLoRA on a float `nn.Linear`, one adapter,
not merged). GPUs keep peft's path: CUDA dropout is already a fused kernel.
"""

from __future__ import annotations

import types
from typing import Optional

MASK_LEVELS = 65536  # the mask resolution: 16 random bits per element


def dropout_keep_scale(p: float) -> tuple[int, float]:
    """(how many of the 65536 mask levels drop an element, scale of the kept ones) for drop probability p < 1."""
    dropped = round(p * MASK_LEVELS)
    return dropped, MASK_LEVELS / (MASK_LEVELS - dropped)


def dropout_mask(shape, p: float, dtype):
    """A scaled keep-mask (0 or 1/(1-p')) whose bits come from numpy's PCG64 (twice as fast as torch's CPU
    generator), seeded by one draw from torch's default generator: masks follow torch.manual_seed, so a step
    and a resumed step draw the same ones."""
    import numpy as np
    import torch

    count = 1
    for size in shape:
        count *= size
    dropped, scale = dropout_keep_scale(p)
    seed = int(torch.empty((), dtype=torch.int64).random_())
    words = np.random.PCG64(seed).random_raw((count + 3) // 4)  # 64 uniform bits each: four 16-bit lanes
    shorts = torch.from_numpy(words.view(np.int16)[:count]).view(shape)
    return (shorts >= dropped - MASK_LEVELS // 2).to(dtype).mul_(scale)


def _lora_function():
    import torch

    class LoraLinearFunction(torch.autograd.Function):
        """y = x W^T + s * (dropout(x) A^T) B^T with W frozen; gradients for x, A and B."""

        @staticmethod
        def forward(ctx, x, weight, bias, lora_a, lora_b, scaling: float, p: float):
            flat = x.reshape(-1, x.shape[-1])
            mask = dropout_mask(flat.shape, p, flat.dtype) if p > 0 else None
            dropped = flat * mask if mask is not None else flat
            low = dropped @ lora_a.t()
            base = flat @ weight.t() if bias is None else torch.addmm(bias, flat, weight.t())
            out = torch.addmm(base, low, lora_b.t(), alpha=scaling)
            ctx.save_for_backward(weight, lora_a, lora_b, dropped, low, mask)
            ctx.scaling = scaling
            return out.view(*x.shape[:-1], weight.shape[0])

        @staticmethod
        def backward(ctx, grad):
            weight, lora_a, lora_b, dropped, low, mask = ctx.saved_tensors
            flat_grad = grad.reshape(-1, grad.shape[-1])
            # The rank-r products are taken r rows by many (`low_grad` is r x tokens): MKL runs these thin products
            # two to three times faster than the same products tokens by r (1,400 tokens: 0.06-0.08 ms against
            # 0.14-0.24 ms for a 256-wide layer).
            low_grad = (lora_b.t() @ flat_grad.t()).mul_(ctx.scaling)
            grad_b = (low.t() @ flat_grad).mul_(ctx.scaling).t()
            grad_a = low_grad @ dropped
            grad_x = None
            if ctx.needs_input_grad[0]:  # not for the first layer's inputs when the embeddings are frozen
                grad_x = flat_grad @ weight
                if mask is None:
                    grad_x.addmm_(low_grad.t(), lora_a)
                else:
                    grad_x.add_((low_grad.t() @ lora_a).mul_(mask))
                grad_x = grad_x.view(*grad.shape[:-1], weight.shape[1])
            return grad_x, None, None, grad_a, grad_b, None, None

    return LoraLinearFunction


_FUNCTION = None


def _function():
    global _FUNCTION
    if _FUNCTION is None:
        _FUNCTION = _lora_function()
    return _FUNCTION


def _dropout_p(module, adapter: str) -> Optional[float]:
    """The layer's dropout probability, or None when it is something other than plain dropout."""
    import torch

    dropout = module.lora_dropout[adapter]
    if isinstance(dropout, torch.nn.Identity):
        return 0.0
    if type(dropout) is torch.nn.Dropout:
        return float(dropout.p)
    return None


def eligible(module) -> bool:
    """Layers whose computation this path reproduces exactly (up to float rounding)."""
    import torch
    from peft.tuners.lora.layer import Linear as LoraLinear

    if type(module) is not LoraLinear or type(module.base_layer) is not torch.nn.Linear:
        return False
    adapters = list(module.active_adapters)
    if len(adapters) != 1 or adapters[0] not in module.lora_A or adapters[0] in module.lora_variant:
        return False
    adapter = adapters[0]
    base, lora_a, lora_b = module.base_layer, module.lora_A[adapter], module.lora_B[adapter]
    return (not module.fan_in_fan_out and lora_b.bias is None and lora_a.bias is None
            and not base.weight.requires_grad and (base.bias is None or not base.bias.requires_grad)
            and base.weight.dtype == lora_a.weight.dtype == lora_b.weight.dtype and base.weight.is_floating_point()
            and base.weight.device.type == "cpu" and _dropout_p(module, adapter) is not None)


def _fast_forward(original):
    def forward(self, x, *args, **kwargs):
        if args or kwargs or self.disable_adapters or self.merged or x.dtype != self.base_layer.weight.dtype:
            return original(x, *args, **kwargs)
        adapter = self.active_adapters[0]
        p = _dropout_p(self, adapter) if self.training else 0.0
        return _function().apply(x, self.base_layer.weight, self.base_layer.bias, self.lora_A[adapter].weight,
                                 self.lora_B[adapter].weight, float(self.scaling[adapter]), p)

    return forward


def use_fast_lora(model) -> int:
    """Switches every eligible LoRA layer of `model` to the fused CPU path; returns how many."""
    switched = 0
    for module in model.modules():
        if eligible(module):
            module.forward = types.MethodType(_fast_forward(module.forward), module)
            switched += 1
    return switched
