"""The fused CPU LoRA path computes what peft computes: same outputs, same gradients, same dropout law."""

from __future__ import annotations

import math
import os

import pytest
import torch

import tiny
from tunelab_trainer import fast_lora
from tunelab_trainer.fast_lora import dropout_keep_scale, dropout_mask, eligible, use_fast_lora


def lora_model(tmp_path, dropout: float, **extra):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    path = tiny.build_model_dir(str(tmp_path / "model"))
    model = AutoModelForCausalLM.from_pretrained(path)
    config = LoraConfig(r=4, lora_alpha=8, lora_dropout=dropout, target_modules="all-linear", **extra)
    model = get_peft_model(model, config)
    torch.manual_seed(1)
    for name, param in model.named_parameters():  # peft starts B at zero: make the LoRA term non-trivial
        if "lora_B" in name:
            param.data.normal_(0, 0.2)
    return model


def loss_and_grads(model, ids):
    model.zero_grad(set_to_none=True)
    out = model(input_ids=ids, labels=ids)
    out.loss.backward()
    return out.loss.detach(), {n: p.grad.clone() for n, p in model.named_parameters() if p.requires_grad}


def test_without_dropout_the_fused_path_matches_peft_outputs_and_gradients(tmp_path):
    model = lora_model(tmp_path, dropout=0.0, use_rslora=True)
    ids = torch.randint(3, 300, (3, 17))
    reference_loss, reference = loss_and_grads(model, ids)
    switched = use_fast_lora(model)
    assert switched == 2 * 7  # two layers of q, k, v, o, gate, up, down
    loss, grads = loss_and_grads(model, ids)
    assert abs(float(loss) - float(reference_loss)) < 1e-6
    assert grads.keys() == reference.keys() and len(grads) == 2 * switched
    for name, grad in grads.items():
        assert torch.allclose(grad, reference[name], atol=1e-6, rtol=1e-5), name


def test_with_dropout_the_fused_layer_equals_the_same_mask_applied_by_hand():
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(0)
    base = torch.nn.Sequential(torch.nn.Linear(24, 40, bias=True))
    model = get_peft_model(base, LoraConfig(r=4, lora_alpha=12, lora_dropout=0.3, target_modules=["0"]))
    layer = model.base_model.model[0]
    layer.lora_B["default"].weight.data.normal_(0, 0.5)
    assert use_fast_lora(model) == 1
    model.train()
    x = torch.randn(2, 5, 24, requires_grad=True)

    torch.manual_seed(7)
    out = layer(x)
    out.pow(2).sum().backward()
    fused = (out.detach(), x.grad.clone(), layer.lora_A["default"].weight.grad.clone(),
             layer.lora_B["default"].weight.grad.clone())

    torch.manual_seed(7)  # the same draw, applied with plain torch ops
    mask = dropout_mask((10, 24), 0.3, torch.float32).view(2, 5, 24)
    x2 = x.detach().clone().requires_grad_(True)
    a, b = (layer.lora_A["default"].weight.detach().clone().requires_grad_(True),
            layer.lora_B["default"].weight.detach().clone().requires_grad_(True))
    ref = layer.base_layer(x2) + ((x2 * mask) @ a.t() @ b.t()) * layer.scaling["default"]
    ref.pow(2).sum().backward()
    for got, want in zip(fused, (ref.detach(), x2.grad, a.grad, b.grad)):
        assert float((got - want).abs().max()) <= 1e-6 * float(want.abs().max())  # float rounding only
    assert (mask == 0).any() and not torch.equal(out.detach(), layer.base_layer(x).detach())


@pytest.mark.parametrize("p", [0.05, 0.1, 0.3])
def test_the_dropout_mask_drops_p_and_keeps_the_mean(p):
    torch.manual_seed(3)
    count = 2_000_000
    mask = dropout_mask((count,), p, torch.float32)
    dropped, scale = dropout_keep_scale(p)
    assert abs(dropped / 65536 - p) <= 0.5 / 65536  # p is represented to 1/65536
    rate = float((mask == 0).float().mean())
    sigma = math.sqrt(p * (1 - p) / count)
    assert abs(rate - p) < 5 * sigma + 1 / 65536
    values = torch.unique(mask).tolist()
    assert len(values) == 2 and values[0] == 0.0 and values[1] == pytest.approx(scale)
    assert abs(float(mask.double().mean()) - 1.0) < 5 * sigma * scale
    # the four 16-bit lanes of each 64-bit draw are independent: no lane drops more than the others
    lanes = (mask[: count // 4 * 4].view(-1, 4) == 0).float().mean(0)
    assert float(lanes.max() - lanes.min()) < 10 * math.sqrt(p * (1 - p) / (count / 4))


def test_the_same_seed_gives_the_same_mask_and_another_seed_a_different_one():
    torch.manual_seed(11)
    first = dropout_mask((1000,), 0.1, torch.float32)
    torch.manual_seed(11)
    again = dropout_mask((1000,), 0.1, torch.float32)
    torch.manual_seed(12)
    other = dropout_mask((1000,), 0.1, torch.float32)
    assert torch.equal(first, again) and not torch.equal(first, other)


def test_dora_layers_keep_peft_path_and_disabled_or_eval_layers_fall_back(tmp_path):
    dora = lora_model(tmp_path, dropout=0.1, use_dora=True)
    assert use_fast_lora(dora) == 0 and not any(eligible(m) for m in dora.modules())

    model = lora_model(tmp_path, dropout=0.1)
    ids = torch.randint(3, 300, (2, 9))
    model.eval()
    with torch.no_grad():
        reference = model(input_ids=ids).logits
        with model.disable_adapter():
            base = model(input_ids=ids).logits
    use_fast_lora(model)
    with torch.no_grad():
        assert torch.allclose(model(input_ids=ids).logits, reference, atol=1e-5)  # eval: no dropout
        with model.disable_adapter():
            assert torch.allclose(model(input_ids=ids).logits, base, atol=1e-6)


def test_training_on_the_cpu_uses_the_fused_path_and_the_adapter_reloads(tmp_path):
    from tunelab_trainer.methods import load_trained
    from transformers import AutoModelForCausalLM

    model_dir = tiny.build_model_dir(str(tmp_path / "model"))
    train = tiny.write_jsonl(str(tmp_path / "train.jsonl"), tiny.chat_records(4))
    run = tiny.write_run(str(tmp_path / "run"), version=1, model=model_dir, train_file=train, epochs=2,
                         effective_batch_size=8, micro_batch_size=4, max_seq_length=64, learning_rate=5e-3,
                         lora_r=4, lora_alpha=8, lora_dropout=0.1, eval_every=1000, eval_samples=0, save_every=0)
    from tunelab_trainer import events
    from tunelab_trainer.train import Training

    calls = []
    original = fast_lora._function

    def counting():
        calls.append(1)
        return original()

    fast_lora._function = counting
    try:
        sink = events.EventSink(open(os.devnull, "w"), None)
        training = Training(run, sink)
        training.setup()
        done = training.run()
    finally:
        fast_lora._function = original
    assert calls, "the CPU run did not go through the fused LoRA path"
    assert done["status"] == "completed" and done["eval_loss"] < done["base_eval_loss"]  # it learned
    reloaded = load_trained(AutoModelForCausalLM.from_pretrained(model_dir), os.path.join(run, "adapter"), "lora")
    training.model.eval()
    reloaded.eval()
    ids = torch.randint(3, 300, (2, 11))
    with torch.no_grad():
        assert torch.allclose(training.model(input_ids=ids).logits, reloaded(input_ids=ids).logits, atol=1e-5)


def test_gradient_checkpointing_recomputes_the_same_dropout_masks(tmp_path):
    ids = torch.randint(3, 300, (2, 13))
    grads = []
    for checkpointing in (False, True):
        model = lora_model(tmp_path, dropout=0.2)
        if checkpointing:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        assert use_fast_lora(model) == 14
        model.train()
        torch.manual_seed(5)
        grads.append(loss_and_grads(model, ids)[1])
    plain, recomputed = grads
    for name, grad in plain.items():
        assert torch.allclose(grad, recomputed[name], atol=1e-6), name
