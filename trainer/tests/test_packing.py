"""Packing: several examples per row with no attention and no labels across their boundaries."""

from __future__ import annotations

import io

import pytest
import torch

from conftest import json_lines
from tunelab_trainer.encoding import IGNORE_INDEX, Example, encode_chat
from tunelab_trainer.events import EventSink
from tunelab_trainer.packing import model_supports_packing, pack_rows, packed_batch
from tunelab_trainer.scoring import summed_nll
from tunelab_trainer.train import Training


@pytest.fixture(scope="module")
def tiny_model(model_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return (AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval(),
            AutoTokenizer.from_pretrained(model_dir))


def _examples(tokenizer, count: int) -> list[Example]:
    import tiny

    return [encode_chat(tokenizer, r["messages"], 512) for r in tiny.chat_records(1)[:count]]


def test_rows_hold_whole_examples_within_capacity():
    examples = [Example([1] * n, [1] * n) for n in (9, 1, 7, 3, 6, 4)]
    rows = pack_rows(examples, capacity=10)
    assert all(sum(len(e.input_ids) for e in row) <= 10 for row in rows)
    assert sorted(len(e.input_ids) for row in rows for e in row) == [1, 3, 4, 6, 7, 9]
    assert len(rows) == 3  # 30 tokens in rows of 10: full rows, no waste


def test_labels_never_cross_example_boundaries(tiny_model):
    _, tokenizer = tiny_model
    examples = _examples(tokenizer, 3)
    input_ids, positions, labels, real = packed_batch([examples[:2], examples[2:]], pad_id=0)
    assert real == sum(len(e.input_ids) for e in examples)
    start = 0
    for e in examples[:2]:
        n = len(e.input_ids)
        assert positions[0, start:start + n].tolist() == list(range(n))      # positions restart per example
        assert labels[0, start] == IGNORE_INDEX                              # never predicted from the previous one
        assert labels[0, start + 1:start + n].tolist() == e.labels[1:]
        start += n
    assert (labels[0, start:] == IGNORE_INDEX).all() and (labels[1, len(examples[2].input_ids):] == IGNORE_INDEX).all()
    assert int((labels != IGNORE_INDEX).sum()) == sum(e.loss_tokens for e in examples)


def test_packed_loss_equals_the_loss_of_each_example_alone(tiny_model):
    model, tokenizer = tiny_model
    examples = _examples(tokenizer, 5)
    assert model_supports_packing(model)
    alone_sum, alone_count = 0.0, 0
    with torch.no_grad():
        for e in examples:
            ids = torch.tensor([e.input_ids])
            nll, count = summed_nll(model, ids, torch.ones_like(ids), torch.tensor([e.labels]), None)
            alone_sum += float(nll)
            alone_count += count
        # Two rows of different lengths: the second is padded, and the padding is a segment of its own.
        input_ids, positions, labels, _ = packed_batch([examples[:3], examples[3:]], pad_id=0)
        packed, packed_count = summed_nll(model, input_ids, None, labels, None, position_ids=positions)
        # The same rows without the position restarts attend across examples: the loss differs.
        leaky, _ = summed_nll(model, input_ids, None, labels, None)
    assert packed_count == alone_count
    assert float(packed) / packed_count == pytest.approx(alone_sum / alone_count, abs=1e-5)
    assert abs(float(leaky) - alone_sum) / alone_count > 1e-3


def test_packed_training_takes_the_same_steps_as_padded_batches(make_run, tmp_path, monkeypatch):
    import tiny
    import tunelab_trainer.train as train_module

    # Short and long records, so that short ones share rows with each other.
    short = [{"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]} for q, a in tiny.FACTS]
    long = [{"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": " ".join([a] * 4)}]}
            for q, a in tiny.FACTS]
    mixed = tiny.write_jsonl(str(tmp_path / "mixed.jsonl"), short + long)
    packed_rows = []

    def counting_packed_batch(rows, pad):
        packed_rows.extend(len(row) for row in rows)
        return packed_batch(rows, pad)

    monkeypatch.setattr(train_module, "packed_batch", counting_packed_batch)

    def steps(packing) -> list[dict]:
        out = io.StringIO()
        training = Training(make_run(train_file=mixed, max_steps=2, packing=packing, eval_fraction=0, lora_dropout=0.0,
                                     effective_batch_size=6, micro_batch_size=2), EventSink(out))
        training.setup()
        training.run()
        events = json_lines(out.getvalue())
        assert events[0]["packing"] is (packing == "auto" or packing is True)
        return [e for e in events if e["type"] == "step"]

    packed, padded = steps("auto"), steps(False)
    assert max(packed_rows) > 1  # rows really held several examples
    for a, b in zip(packed, padded):
        assert a["loss"] == pytest.approx(b["loss"], abs=1e-5)
        assert a["grad_norm"] == pytest.approx(b["grad_norm"], rel=1e-4)
        assert a["tokens"] == b["tokens"]  # real (non-padding) tokens in both


def test_output_layer_on_labelled_positions_only_gives_the_full_loss(tiny_model):
    from tunelab_trainer.loss import labelled_nll

    model, tokenizer = tiny_model
    examples = _examples(tokenizer, 4)
    input_ids, positions, labels, _ = packed_batch([examples[:2], examples[2:]], pad_id=0)
    seen = []
    hook = model.get_output_embeddings().register_forward_hook(lambda m, a, out: seen.append(out.shape))
    try:
        with torch.no_grad():
            full, full_count = summed_nll(model, input_ids, None, labels, None, position_ids=positions)
            seen.clear()
            fast, fast_count = labelled_nll(model, input_ids, None, labels, None, position_ids=positions)
    finally:
        hook.remove()
    assert fast_count == full_count
    assert float(fast) == pytest.approx(float(full), rel=1e-6)
    assert seen[0][:2] == (1, full_count)  # the vocabulary projection ran on labelled positions only


def test_summed_cross_entropy_matches_pytorch_in_value_and_gradient():
    import torch.nn.functional as F

    from tunelab_trainer.loss import summed_cross_entropy

    torch.manual_seed(0)
    logits = (torch.randn(37, 101) * 30).requires_grad_(True)  # large logits: the log-normaliser must stay stable
    logits.data[3, 5] = float("-inf")  # a masked-out vocabulary entry is fine as long as it is not the target
    targets = torch.randint(0, 101, (37,))
    targets[3] = 7
    ours = summed_cross_entropy(logits, targets)
    (ours * 0.5).backward()
    ours_grad = logits.grad.clone()
    logits.grad = None
    reference = F.cross_entropy(logits, targets, reduction="sum")
    (reference * 0.5).backward()
    assert float(ours) == pytest.approx(float(reference), rel=1e-6)
    assert torch.allclose(ours_grad, logits.grad, atol=1e-6)
    empty = summed_cross_entropy(torch.zeros(0, 101, requires_grad=True), torch.zeros(0, dtype=torch.long))
    assert float(empty) == 0.0


def test_right_padded_batches_train_the_same_without_the_padding_mask(tiny_model):
    from tunelab_trainer.encoding import pad_batch
    from tunelab_trainer.loss import labelled_nll

    model, tokenizer = tiny_model
    examples = _examples(tokenizer, 4)
    assert len({len(e.input_ids) for e in examples}) > 1  # the batch really has padding
    input_ids, attention, labels = pad_batch(examples, pad_id=0)
    results = []
    for mask in (attention, None):
        model.zero_grad(set_to_none=True)
        nll, count = labelled_nll(model, input_ids, mask, labels, None)
        nll.backward()
        results.append((float(nll), count, {n: p.grad.clone() for n, p in model.named_parameters()}))
    model.zero_grad(set_to_none=True)
    (masked, masked_count, masked_grads), (causal, causal_count, causal_grads) = results
    assert causal_count == masked_count and causal == pytest.approx(masked, rel=1e-6)
    for name, grad in masked_grads.items():
        assert float((causal_grads[name] - grad).abs().max()) <= 1e-5 * max(1.0, float(grad.abs().max())), name


@pytest.mark.parametrize("method", ["lora", "prompt"])
def test_training_drops_the_padding_mask_only_where_it_is_exact(make_run, method):
    training = Training(make_run(method=method, packing=False, max_steps=1, micro_batch_size=2, max_seq_length=256,
                                 effective_batch_size=4, eval_fraction=0), EventSink(io.StringIO()))
    training.setup()
    masks = [attention for _, attention, _, _, _ in training._micro_batches(training.train_examples[:4])]
    if method == "lora":
        assert masks and all(mask is None for mask in masks)
    else:  # virtual tokens: the model gets its padding mask as before
        assert masks and all(mask is not None for mask in masks)


def test_labelled_rows_only_loss_has_the_full_gradients_and_skips_the_last_feedforward_rows(tiny_model):
    from tunelab_trainer.loss import labelled_nll

    model, tokenizer = tiny_model
    examples = _examples(tokenizer, 4)
    input_ids, positions, labels, _ = packed_batch([examples[:2], examples[2:]], pad_id=0)
    last_mlp = model.model.layers[-1].mlp
    rows = []
    hook = last_mlp.down_proj.register_forward_hook(lambda m, a, out: rows.append(out.shape[:-1]))
    results = []
    try:
        for loss in (summed_nll, labelled_nll):
            model.zero_grad(set_to_none=True)
            nll, count = loss(model, input_ids, None, labels, None, position_ids=positions)
            nll.backward()
            results.append((float(nll), count, {n: p.grad.clone() for n, p in model.named_parameters()}))
    finally:
        hook.remove()
        model.zero_grad(set_to_none=True)
    (full, full_count, full_grads), (fast, fast_count, fast_grads) = results
    assert fast_count == full_count and fast == pytest.approx(full, rel=1e-6)
    for name, grad in full_grads.items():
        assert float((fast_grads[name] - grad).abs().max()) <= 1e-5 * max(1.0, float(grad.abs().max())), name
    assert rows[0] == input_ids.shape and rows[1] == (1, full_count)  # full rows, then labelled rows only


def test_the_last_feedforward_keeps_all_rows_under_gradient_checkpointing(tiny_model):
    from tunelab_trainer.loss import _last_feedforward

    model, _ = tiny_model
    assert _last_feedforward(model) is model.model.layers[-1].mlp
    model.gradient_checkpointing_enable()
    try:
        assert _last_feedforward(model) is None
    finally:
        model.gradient_checkpointing_disable()
