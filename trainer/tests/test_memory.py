"""The memory estimate (memory.py) against a real model, a real AdamW step and measured saved activations."""

from __future__ import annotations

import json

import pytest
import torch

from tunelab_trainer.config import DEFAULTS
from tunelab_trainer.memory import advice, estimate, params_from_config, trainable_from_config
from tunelab_trainer.methods import apply_method

LLAMA_8B = {"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
            "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256}
SMALL = {"model_type": "llama", "hidden_size": 256, "intermediate_size": 688, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 1000, "max_position_embeddings": 512}


def build(config: dict, method: str, dtype=torch.float32, gradient_checkpointing=False, dropout=0.0):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    model = LlamaForCausalLM(LlamaConfig(**config)).to(dtype)
    cfg = {**DEFAULTS, "model": "unused", "method": method, "lora_dropout": dropout, "num_virtual_tokens": 8}
    return apply_method(model, cfg, gradient_checkpointing, lambda m: [])


@pytest.mark.parametrize("method", ["lora", "rslora", "dora", "prefix", "prompt", "ia3", "full"])
def test_parameter_counts_match_the_real_model(method):
    from transformers import LlamaConfig, LlamaForCausalLM

    base = LlamaForCausalLM(LlamaConfig(**SMALL))
    assert params_from_config(SMALL)["total"] == sum(p.numel() for p in base.parameters())
    model = build(SMALL, method)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert trainable_from_config(SMALL, method, 8, "all-linear", 8) == trainable


def test_weight_trainable_gradient_and_adamw_bytes_are_exact():
    model = build(SMALL, "lora", dtype=torch.bfloat16)
    plan = estimate(SMALL, "lora", "bfloat16", micro_batch_size=1, max_seq_length=16, device="cpu")
    frozen = [p for p in model.parameters() if not p.requires_grad]
    trained = [p for p in model.parameters() if p.requires_grad]
    assert plan["weights"] == sum(p.numel() * p.element_size() for p in frozen)
    assert all(p.dtype == torch.float32 for p in trained)  # peft keeps adapters in fp32
    assert plan["trainable"] == sum(p.numel() * p.element_size() for p in trained)

    optimizer = torch.optim.AdamW(trained, lr=1e-3)
    ids = torch.randint(0, 1000, (1, 16))
    model(input_ids=ids, labels=ids).loss.backward()
    assert plan["gradients"] == sum(p.grad.numel() * p.grad.element_size() for p in trained)
    optimizer.step()
    moments = sum(t.numel() * t.element_size() for state in optimizer.state.values()
                  for name, t in state.items() if name in ("exp_avg", "exp_avg_sq"))
    assert plan["optimizer"] == moments


def saved_for_backward(model, batch: int, seq: int) -> int:
    """Bytes of the distinct tensors autograd keeps from the forward pass (parameters excluded)."""
    import torch.nn.functional as F

    storages: dict[int, int] = {}

    def pack(tensor):
        storage = tensor.untyped_storage()
        storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    ids = torch.randint(0, 1000, (batch, seq))
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        logits = model(input_ids=ids, attention_mask=torch.ones_like(ids), use_cache=False).logits
        F.cross_entropy(logits[:, :-1].float().reshape(-1, 1000), ids[:, 1:].reshape(-1))
    return sum(size for ptr, size in storages.items() if ptr not in params)


@pytest.mark.parametrize("method, dropout", [("lora", 0.0), ("lora", 0.05), ("full", 0.0)])
def test_activation_estimate_against_measured_saved_tensors(method, dropout):
    measured = saved_for_backward(build(SMALL, method, dropout=dropout), 2, 128)
    plan = estimate(SMALL, method, "float32", 2, 128, lora_dropout=dropout, device="cpu")
    # The estimate also counts the logits' gradient, made during backward: above, but within 1.5x.
    assert measured <= plan["activations"] + plan["logits"] <= 1.5 * measured

    checkpointed = saved_for_backward(build(SMALL, method, gradient_checkpointing=True, dropout=dropout), 2, 128)
    with_checkpointing = estimate(SMALL, method, "float32", 2, 128, gradient_checkpointing=True,
                                  lora_dropout=dropout, device="cpu")
    assert checkpointed < measured / 3  # only layer inputs stay
    assert checkpointed <= with_checkpointing["activations"] + with_checkpointing["logits"]
    # With many layers, checkpointing keeps a small fraction.
    deep = estimate(LLAMA_8B, method, "bfloat16", 1, 1024, gradient_checkpointing=True)
    assert deep["activations"] < estimate(LLAMA_8B, method, "bfloat16", 1, 1024)["activations"] / 10


def test_qlora_weights_are_about_a_quarter_of_bf16():
    lora = estimate(LLAMA_8B, "lora", "bfloat16", 1, 1024, True)
    qlora = estimate(LLAMA_8B, "qlora", "bfloat16", 1, 1024, True)
    assert 0.28 < qlora["weights"] / lora["weights"] < 0.36  # embeddings and lm_head stay 16-bit
    assert qlora["optimizer"] == lora["optimizer"] == lora["trainable_params"] * 8
    full = estimate(LLAMA_8B, "full", "bfloat16", 1, 1024, True)
    assert full["trainable"] + full["gradients"] + full["optimizer"] == 16 * params_from_config(LLAMA_8B)["total"]


def test_advice_says_where_it_fits():
    cfg = {**DEFAULTS, "micro_batch_size": 1, "max_seq_length": 1024, "gradient_checkpointing": True}
    result = advice(cfg, LLAMA_8B, [])
    assert result["summary"] == "needs about 19.5 GB: fits on 1x 24 GB, needs QLoRA on 12 GB"
    found = advice(cfg, LLAMA_8B, [{"name": "Tesla T4", "memory_gb": 15.6}, {"name": "Tesla T4", "memory_gb": 15.6},
                                   {"name": "NVIDIA A100", "memory_gb": 79.3}])
    assert found["summary"] == ("needs about 19.5 GB: needs QLoRA on Tesla T4 (15.6 GB), "
                                "fits on 1x NVIDIA A100 (79.3 GB)")
    big = advice({**DEFAULTS, "max_seq_length": 2048}, LLAMA_8B, [])
    assert big["summary"].startswith("needs about 113.8 GB: needs QLoRA + gradient checkpointing + "
                                     "micro_batch_size 1 on 12 GB")


def test_doctor_shows_the_runs_estimate_next_to_the_gpus(make_run):
    from tunelab_trainer.doctor import doctor_report

    run = make_run(max_seq_length=128)
    report = doctor_report(run)  # `doctor --run-dir RUN`; test/unit/cli-estimate.test.ts runs it through the CLI
    memory = report["memory"]
    assert memory["summary"].startswith("needs about 0.5 GB: fits on 1x") if not report["gpus"] else memory["summary"]
    assert memory["estimate"]["trainable_params"] == 8192 and memory["estimate"]["method"] == "lora"
    json.dumps(report)
    broken = make_run(lora_r=0)
    assert doctor_report(broken)["memory"] == {"error": "config.json has 1 problem: lora_r must be an integer from 1 "
                                                        "to 1024 (got 0)"}
