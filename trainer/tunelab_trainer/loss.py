"""Training loss that runs the output layer only where a label is.

Behavioural fine-tuning puts labels on the answers only (about half of the tokens in chat data),
and the vocabulary projection is the largest layer of small and mid-size models. A forward
pre-hook on the output embeddings hands it only the hidden states whose next token carries a
label; everything the model does after it (soft-capping, scaling) is element-wise, so the
logits it returns are exactly those rows of the full ones.
"""

from __future__ import annotations

from contextlib import nullcontext

from .encoding import IGNORE_INDEX


def labelled_nll(model, input_ids, attention, labels, autocast_dtype, position_ids=None):
    """(sum of token NLL over labelled positions, their count), like scoring.summed_nll, with less work."""
    import torch

    targets_all = labels[:, 1:]
    keep = torch.zeros_like(labels, dtype=torch.bool)
    keep[:, :-1] = targets_all != IGNORE_INDEX
    targets = targets_all[keep[:, :-1]]
    head = _output_layer(model)
    fired = []

    def only_labelled(module, args):
        fired.append(True)
        return (args[0][keep].unsqueeze(0),) + tuple(args[1:])

    handle = head.register_forward_pre_hook(only_labelled) if head is not None else None
    context = torch.autocast(device_type=input_ids.device.type, dtype=autocast_dtype) if autocast_dtype else nullcontext()
    extra = {} if position_ids is None else {"position_ids": position_ids}
    try:
        with context:
            logits = model(input_ids=input_ids, attention_mask=attention, use_cache=False, **extra).logits
    finally:
        if handle is not None:
            handle.remove()
    if fired and logits.dim() == 3 and logits.size(0) == 1 and logits.size(1) == targets.numel():
        flat = logits[0]
    else:  # the model did not go through its output layer module: score every position
        flat = logits[:, :-1][keep[:, :-1]]
    nll = summed_cross_entropy(flat.float(), targets)
    return nll, int(targets.numel())


def summed_cross_entropy(logits, targets):
    """F.cross_entropy(logits, targets, reduction="sum") with one vocabulary-wide buffer fewer each way.

    PyTorch's version writes log-probabilities, then a zero-filled one-hot gradient and the softmax
    gradient: three [tokens x vocabulary] tensors, most of the loss cost once the output layer itself
    runs on the labelled positions only. Here the forward keeps only the log-normaliser and the backward
    writes softmax - one-hot straight into one new tensor.
    """
    return _cross_entropy_function().apply(logits, targets)


_CROSS_ENTROPY = None


def _cross_entropy_function():
    global _CROSS_ENTROPY
    if _CROSS_ENTROPY is None:
        import torch

        class SummedCrossEntropy(torch.autograd.Function):
            @staticmethod
            def forward(ctx, logits, targets):
                log_normaliser = torch.logsumexp(logits, dim=-1)
                picked = logits.gather(1, targets.unsqueeze(1)).squeeze(1)
                ctx.save_for_backward(logits, log_normaliser, targets)
                return (log_normaliser - picked).sum()

            @staticmethod
            def backward(ctx, grad):
                logits, log_normaliser, targets = ctx.saved_tensors
                softmax = (logits - log_normaliser.unsqueeze(1)).exp_()
                softmax[torch.arange(targets.numel(), device=targets.device), targets] -= 1
                return softmax.mul_(grad), None

        _CROSS_ENTROPY = SummedCrossEntropy
    return _CROSS_ENTROPY


def _output_layer(model):
    try:
        base = model.get_base_model() if hasattr(model, "get_base_model") else model
        return base.get_output_embeddings()
    except (AttributeError, NotImplementedError):
        return None
