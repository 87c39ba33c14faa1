"""Training loss that runs the output layer (and the last feed-forward block) only where a label is.

Behavioural fine-tuning puts labels on the answers only (about half of the tokens in chat data),
and the vocabulary projection is the largest layer of small and mid-size models. A forward
pre-hook on the output embeddings hands it only the hidden states whose next token carries a
label; everything the model does after it (soft-capping, scaling) is element-wise, so the
logits it returns are exactly those rows of the full ones. The same holds one block earlier:
the last layer's feed-forward output at a position feeds only that position's logits, so that
block too runs on the labelled rows (attention still sees every position).
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

    handles = []
    if head is not None:
        handles = [head.register_forward_pre_hook(only_labelled),
                   *_labelled_rows_through(_last_feedforward(model), keep)]
    context = torch.autocast(device_type=input_ids.device.type, dtype=autocast_dtype) if autocast_dtype else nullcontext()
    extra = {} if position_ids is None else {"position_ids": position_ids}
    try:
        with context:
            logits = model(input_ids=input_ids, attention_mask=attention, use_cache=False, **extra).logits
    finally:
        for handle in handles:
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


def _last_feedforward(model):
    """The last decoder layer's feed-forward block, where only labelled rows need computing, or None.

    Its output at a position reaches nothing but that position's final norm and output layer, which
    already see labelled rows only. Only for dense MLP blocks (row-wise; a mixture of experts balances
    load across all rows), and not under gradient checkpointing, whose recomputation runs the layer
    again after the hooks are gone.
    """
    try:
        base = _base_model(model)
        if getattr(base, "is_gradient_checkpointing", False):
            return None
        layers = getattr(base.get_decoder(), "layers", None)
        block = getattr(layers[-1], "mlp", None) if layers is not None and len(layers) else None
    except (AttributeError, NotImplementedError, TypeError):
        return None
    return block if block is not None and type(block).__name__.endswith("MLP") else None


def _labelled_rows_through(block, keep) -> list:
    """Hooks that run `block` on the rows of `keep` only and put zeros in the others."""
    if block is None:
        return []
    shapes = []

    def select(module, args):
        if args[0].shape[:2] != keep.shape:  # virtual tokens (prompt/prefix tuning) shift the positions
            shapes.append(None)
            return None
        shapes.append(args[0].shape)
        return (args[0][keep].unsqueeze(0),) + tuple(args[1:])

    def scatter(module, args, output):
        shape = shapes.pop()
        if shape is None:
            return None
        full = output.new_zeros(shape)
        full[keep] = output[0]
        return full

    return [block.register_forward_pre_hook(select), block.register_forward_hook(scatter)]


def _base_model(model):
    """The transformers model under a peft wrapper (or the model itself)."""
    return model.get_base_model() if hasattr(model, "get_base_model") else model


def _output_layer(model):
    try:
        return _base_model(model).get_output_embeddings()
    except (AttributeError, NotImplementedError):
        return None
