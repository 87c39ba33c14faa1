"""Output others can load: the adapter's conventions (vLLM, llama.cpp) and `export --merge`."""

from __future__ import annotations

import json
import os
import shutil

import pytest
import torch
from conftest import json_lines, run_cli
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from test_methods import Recorder, fresh_base, logits

from tunelab_trainer.export import adapter_conventions, export_merged
from tunelab_trainer.errors import TrainerError
from tunelab_trainer.train import Training


@pytest.fixture(scope="module")
def lora_run(tmp_path_factory, model_dir, train_file):
    import tiny
    from conftest import FAST

    run = tiny.write_run(str(tmp_path_factory.mktemp("lora") / "run"), **FAST, model=model_dir,
                         train_file=train_file, max_steps=4, max_seq_length=128)
    training = Training(run, Recorder())
    training.setup()
    training.run()
    return run


def test_adapter_follows_peft_vllm_and_llama_cpp_conventions(lora_run, model_dir):
    adapter = os.path.join(lora_run, "adapter")
    config = json.load(open(os.path.join(adapter, "adapter_config.json")))
    assert config["peft_type"] == "LORA" and config["r"] == 8 and config["lora_alpha"] == 16
    # all-linear is saved as the explicit set of layers, without lm_head
    assert set(config["target_modules"]) == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                                             "down_proj"}
    assert config["modules_to_save"] is None and config["use_dora"] is False
    assert config["base_model_name_or_path"] == model_dir
    with safe_open(os.path.join(adapter, "adapter_model.safetensors"), framework="pt") as f:
        assert f.metadata() == {"format": "pt"}
        shapes = {key: tuple(f.get_slice(key).get_shape()) for key in f.keys()}
    assert "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight" in shapes
    assert shapes["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"] == (8, 32)  # [r, in]
    assert shapes["base_model.model.model.layers.0.mlp.down_proj.lora_B.weight"] == (32, 8)     # [out, r]
    assert not any("embed_tokens" in k or "lm_head" in k for k in shapes)
    assert adapter_conventions(adapter) == []


def broken_copy(adapter: str, tmp_path, name: str, config_change=None, tensors_change=None, metadata=None) -> str:
    folder = str(tmp_path / name)
    shutil.copytree(adapter, folder)
    if config_change:
        path = os.path.join(folder, "adapter_config.json")
        json.dump({**json.load(open(path)), **config_change}, open(path, "w"))
    if tensors_change or metadata is not None:
        path = os.path.join(folder, "adapter_model.safetensors")
        tensors = {**load_file(path), **(tensors_change or {})}
        save_file(tensors, path, metadata=metadata if metadata is not None else {"format": "pt"})
    return folder


@pytest.mark.parametrize("name, change, tool, level, words", [
    ("rank", {"config_change": {"r": 32}}, "vllm", "warning", "--max-lora-rank 32"),
    ("dora", {"config_change": {"use_dora": True}}, "vllm", "error", "does not load DoRA"),
    ("save", {"config_change": {"modules_to_save": ["lm_head"]}}, "vllm", "error", "modules_to_save must be null"),
    ("base", {"config_change": {"base_model_name_or_path": None}}, "llama.cpp", "warning", "--base"),
    ("rslora", {"config_change": {"use_rslora": True}}, "llama.cpp", "warning", "alpha/sqrt(r)"),
    ("head", {"tensors_change": {"base_model.model.lm_head.weight": torch.zeros(4, 32)}}, "llama.cpp", "error",
     "refuses whole embedding or lm_head"),
    ("meta", {"metadata": {}}, "peft", "error", '{"format": "pt"}'),
])
def test_each_convention_is_checked(lora_run, tmp_path, name, change, tool, level, words):
    notes = adapter_conventions(broken_copy(os.path.join(lora_run, "adapter"), tmp_path, name, **change))
    assert any(n["tool"] == tool and n["level"] == level and words in n["message"] for n in notes), notes


def test_export_merge_gives_the_same_logits_as_base_plus_adapter(lora_run, model_dir, tmp_path):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    out = str(tmp_path / "merged")
    done = run_cli("export", "--run-dir", lora_run, "--merge", "--out", out)
    assert done.returncode == 0, done.stderr[-2000:]
    (result,) = json_lines(done.stdout)
    assert result["type"] == "export" and result["path"] == out and result["conventions"] == []
    assert "model.safetensors" in result["files"] and "tokenizer.json" in result["files"]
    assert not any(name.startswith("adapter") for name in os.listdir(out))

    merged = AutoModelForCausalLM.from_pretrained(out, local_files_only=True)
    assert type(merged).__name__ == "LlamaForCausalLM"
    adapted = PeftModel.from_pretrained(fresh_base(model_dir), os.path.join(lora_run, "adapter"))
    ids = torch.tensor([[1, 40, 41, 42, 43, 44, 45, 46, 47, 48]])
    expected = logits(adapted, ids)
    torch.testing.assert_close(logits(merged, ids), expected, atol=1e-5, rtol=0)
    assert not torch.allclose(logits(fresh_base(model_dir), ids), expected, atol=1e-3)

    with pytest.raises(TrainerError) as caught:  # a used folder is not overwritten
        export_merged(lora_run, out)
    assert caught.value.kind == "config" and "not empty" in caught.value.message


def test_prefix_and_prompt_adapters_are_not_merged(make_run):
    for method in ("prefix", "prompt"):
        run = make_run(method=method, max_seq_length=128)
        os.makedirs(os.path.join(run, "adapter"))
        with pytest.raises(TrainerError) as caught:
            export_merged(run)
        assert caught.value.kind == "config"
        assert f"A {method} tuning adapter cannot be merged" in caught.value.message
        assert "PeftModel.from_pretrained" in caught.value.hint


@pytest.mark.parametrize("method", ["rslora", "dora", "ia3", "full"])
def test_every_mergeable_method_merges_to_the_same_logits(method, make_run, model_dir, tmp_path):
    from transformers import AutoModelForCausalLM

    from tunelab_trainer.methods import load_trained

    run = make_run(method=method, max_steps=3, max_seq_length=128, learning_rate=0.05, eval_samples=0)
    training = Training(run, Recorder())
    training.setup()
    training.run()
    result = export_merged(run, str(tmp_path / "merged"))
    assert result["method"] == method and "model.safetensors" in result["files"]
    merged = AutoModelForCausalLM.from_pretrained(result["path"], local_files_only=True)
    ids = torch.tensor([training.eval_examples[0].input_ids])
    expected = logits(load_trained(fresh_base(model_dir), os.path.join(run, "adapter"), method), ids)
    torch.testing.assert_close(logits(merged, ids), expected, atol=1e-5, rtol=0)
    assert not torch.allclose(logits(fresh_base(model_dir), ids), expected, atol=1e-4)
