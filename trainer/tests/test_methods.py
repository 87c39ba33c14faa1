"""Every fine-tuning method trains the tiny model on the CPU, and what it saves loads back to the same logits."""

from __future__ import annotations

import json
import os

import pytest
import torch

import tiny
from tunelab_trainer import events
from tunelab_trainer.config import DEFAULTS, validate_config
from tunelab_trainer.errors import TrainerError
from tunelab_trainer.methods import load_trained, require_method_environment
from tunelab_trainer.train import Training

# Soft prompts and scaling vectors have few parameters: they need a higher learning rate to move in 8 steps.
LEARNING_RATE = {"prefix": 0.2, "prompt": 0.2, "ia3": 0.2}
PEFT_TYPE = {"lora": "LORA", "rslora": "LORA", "dora": "LORA", "prefix": "PREFIX_TUNING",
             "prompt": "PROMPT_TUNING", "ia3": "IA3"}


class Recorder(events.EventSink):
    def __init__(self):
        super().__init__(open(os.devnull, "w"), None)
        self.events: list[dict] = []

    def emit(self, event: dict) -> None:
        self.events.append(event)


def train(run_dir: str) -> tuple[Training, list[dict]]:
    sink = Recorder()
    training = Training(run_dir, sink)
    training.setup()
    training.run()
    return training, sink.events


def fresh_base(model_dir: str):
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(model_dir, local_files_only=True, dtype=torch.float32)


def logits(model, ids):
    model.eval()
    with torch.no_grad():
        return model(input_ids=ids, attention_mask=torch.ones_like(ids), use_cache=False).logits


@pytest.mark.parametrize("method", ["lora", "rslora", "dora", "prefix", "prompt", "ia3", "full"])
def test_method_trains_and_its_artefact_loads_back(method, make_run, model_dir):
    run = make_run(method=method, max_steps=8, max_seq_length=128, num_virtual_tokens=8,
                   learning_rate=LEARNING_RATE.get(method, 0.02))
    training, got = train(run)

    start = next(e for e in got if e["type"] == "start")
    assert start["method"] == method
    losses = [e["loss"] for e in got if e["type"] == "step"]
    evals = {e["which"]: e["eval_loss"] for e in got if e["type"] == "eval"}
    assert losses[-1] < losses[0] - 0.3, losses
    assert evals["tuned"] < evals["base"] - 0.3, evals

    adapter = os.path.join(run, "adapter")
    if method == "full":
        assert start["trainable_params"] == start["total_params"]
        assert os.path.isfile(os.path.join(adapter, "model.safetensors"))
    else:
        assert start["trainable_params"] < start["total_params"] / 4
        with open(os.path.join(adapter, "adapter_config.json"), encoding="utf-8") as f:
            saved = json.load(f)
        assert saved["peft_type"] == PEFT_TYPE[method]
        assert saved.get("use_rslora", False) == (method == "rslora")
        assert saved.get("use_dora", False) == (method == "dora")
        if method in ("prefix", "prompt"):
            assert saved["num_virtual_tokens"] == 8

    ids = torch.tensor([training.eval_examples[0].input_ids])
    trained = logits(training.model, ids)
    loaded = logits(load_trained(fresh_base(model_dir), adapter, method), ids)
    assert loaded.shape == trained.shape == (1, ids.size(1), trained.size(-1))
    torch.testing.assert_close(loaded, trained, atol=1e-5, rtol=0)
    assert not torch.allclose(logits(fresh_base(model_dir), ids), trained, atol=1e-3)  # it did change the model

    from tunelab_trainer.evaluate import run_eval

    scored = run_eval(run, Recorder())  # `tunelab eval` re-scores the saved artefact
    final = [e for e in got if e["type"] == "eval" and e["which"] == "tuned"][-1]
    assert scored["tuned"].eval_loss == pytest.approx(final["eval_loss"], abs=1e-4)


def problems_of(**overrides) -> dict[str, str]:
    cfg = {**DEFAULTS, "model": "m", "train_file": "t.jsonl", **overrides}
    return {p["field"]: p["message"] for p in validate_config(cfg, check_paths=False)}


def test_each_method_checks_its_fields_and_lists_every_problem_at_once():
    found = problems_of(method="qlora", device="cpu", prompt_init_text="Answer:", num_virtual_tokens=0, lora_r=0)
    assert "qlora needs a CUDA GPU" in found["device"] and "method lora" in found["device"]
    assert "only by method prompt" in found["prompt_init_text"]
    assert "num_virtual_tokens must be an integer from 1 to 1024" in found["num_virtual_tokens"]
    assert "lora_r must be an integer from 1 to 1024" in found["lora_r"]

    assert "gradient_checkpointing" in problems_of(method="prefix", gradient_checkpointing=True)
    assert problems_of(method="prompt", prompt_init_text="Answer the question:") == {}
    assert problems_of(method="prompt", prompt_init_text="  ")["prompt_init_text"].startswith(
        "prompt_init_text must be text or null")
    assert "rslora, dora, qlora, prefix, prompt, ia3, full" in problems_of(method="lorra")["method"]
    for method in ("lora", "rslora", "dora", "qlora", "prefix", "prompt", "ia3", "full"):
        assert problems_of(method=method) == {}, method


def test_method_checks_that_need_the_model_config(tmp_path, model_dir, train_file):
    cfg = {**DEFAULTS, "model": model_dir, "train_file": train_file, "method": "prompt",
           "max_seq_length": 500, "num_virtual_tokens": 20}
    found = {p["field"]: p["message"] for p in validate_config(cfg)}
    assert found == {"num_virtual_tokens": "max_seq_length (500) + num_virtual_tokens (20) is more than the "
                                           "model's 512 positions: lower one of them"}

    big = tmp_path / "big"
    big.mkdir()
    (big / "config.json").write_text(json.dumps({
        "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
        "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256}))
    (big / "model.safetensors").write_text("")
    (big / "tokenizer.json").write_text("{}")
    found = {p["field"]: p["message"] for p in validate_config({**cfg, "model": str(big), "method": "full",
                                                                  "max_seq_length": 512})}
    assert found == {"method": "method full is for models up to 3B parameters; this one has about 8.0B: "
                               "use lora or qlora"}


def test_qlora_without_cuda_is_an_environment_error_before_loading():
    from tunelab_trainer.environment import pick_device

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(TrainerError) as caught:
        pick_device("auto", "qlora")
    assert caught.value.kind == "environment"
    assert "qlora needs a CUDA GPU" in caught.value.message and "method lora" in caught.value.hint
    with pytest.raises(TrainerError) as caught:
        require_method_environment("qlora", cuda_available=True, bitsandbytes_version=None)
    assert caught.value.kind == "environment" and "pip install bitsandbytes==0.50.2" in caught.value.hint
    require_method_environment("lora", cuda_available=False, bitsandbytes_version=None)  # other methods: no needs


def test_a_qlora_run_on_this_machine_fails_with_the_environment_error(make_run):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(TrainerError) as caught:
        Training(make_run(method="qlora", max_steps=1), Recorder()).setup()
    assert caught.value.kind == "environment" and "qlora needs a CUDA GPU" in caught.value.message


def test_qlora_quantises_to_nf4_with_double_quantisation():
    from tunelab_trainer.methods import quantization_config

    quant = quantization_config("qlora", torch.bfloat16)
    assert quant.load_in_4bit and quant.bnb_4bit_quant_type == "nf4" and quant.bnb_4bit_use_double_quant
    assert quant.bnb_4bit_compute_dtype == torch.bfloat16
    assert quantization_config("lora", torch.bfloat16) is None


def test_ia3_with_explicit_modules_scales_feedforward_inputs():
    from tunelab_trainer.methods import peft_config

    config = peft_config({**DEFAULTS, "method": "ia3", "target_modules": ["k_proj", "v_proj", "down_proj"]})
    assert set(config.target_modules) == {"k_proj", "v_proj", "down_proj"}
    assert set(config.feedforward_modules) == {"down_proj"}


NO_EOS_TEMPLATE = "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}<|end|>\n{% endfor %}"


def test_chat_template_that_never_emits_eos_is_a_config_error(tmp_path):
    from tunelab_trainer.modeling import load_tokenizer, require_chat_template

    folder = tiny.build_model_dir(str(tmp_path / "no-eos"), chat_template=NO_EOS_TEMPLATE)
    for name in ("config.json", "generation_config.json"):  # the model stops on </s> only
        path = os.path.join(folder, name)
        data = json.load(open(path))
        data["eos_token_id"] = data["eos_token_id"][0]
        json.dump(data, open(path, "w"))
    tokenizer = load_tokenizer(folder, False)
    with pytest.raises(TrainerError) as caught:
        require_chat_template(tokenizer, folder)
    assert caught.value.kind == "config"
    assert "never emits the end-of-sequence token (</s>)" in caught.value.message
    assert "{{ eos_token }}" in caught.value.hint

    # Emitting the EOS after each answer fixes it; so does declaring the end-of-turn token a stop token.
    tokenizer.chat_template = NO_EOS_TEMPLATE.replace("<|end|>", "<|end|>{% if m['role'] == 'assistant' %}"
                                                                 "{{ eos_token }}{% endif %}")
    require_chat_template(tokenizer, folder)
    tokenizer.chat_template = NO_EOS_TEMPLATE
    data = json.load(open(os.path.join(folder, "generation_config.json")))
    data["eos_token_id"] = [data["eos_token_id"], tokenizer.convert_tokens_to_ids("<|end|>")]
    json.dump(data, open(os.path.join(folder, "generation_config.json"), "w"))
    require_chat_template(tokenizer, folder)


def test_chat_data_on_a_tokenizer_without_template_fails_before_training(tmp_path, train_file):
    folder = tiny.build_model_dir(str(tmp_path / "base"), chat_template=None)
    run = tiny.write_run(str(tmp_path / "run"), version=1, model=folder, train_file=train_file, max_steps=1)
    with pytest.raises(TrainerError) as caught:
        Training(run, Recorder()).setup()
    assert caught.value.kind == "config" and "no chat template" in caught.value.message
    assert "task cpt" in caught.value.hint


def test_qlora_trains_lora_on_4bit_nf4_double_quantised_weights(tmp_path):
    """The QLoRA path itself, on bitsandbytes' CPU backend (runs need CUDA; the code is the same)."""
    pytest.importorskip("bitsandbytes")
    from transformers import LlamaConfig, LlamaForCausalLM

    from tunelab_trainer.methods import apply_method, quantization_config
    from tunelab_trainer.modeling import load_model

    folder = str(tmp_path / "m64")  # bitsandbytes' CPU kernels need layers at least one block (64) wide
    tokenizer = tiny.build_tokenizer()
    torch.manual_seed(0)
    LlamaForCausalLM(LlamaConfig(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                 num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=False,
                                 initializer_range=tiny.INIT)).save_pretrained(folder)

    def quantised():
        return load_model(folder, False, torch.float32, torch.device("cpu"), quantization_config("qlora", torch.float32))

    model = quantised()
    q_proj = model.model.layers[0].self_attn.q_proj
    assert type(q_proj).__name__ == "Linear4bit" and q_proj.weight.quant_type == "nf4"
    assert q_proj.weight.quant_state.nested  # double quantisation: the block scales are quantised too
    model = apply_method(model, {**DEFAULTS, "method": "qlora", "model": folder, "lora_dropout": 0.0}, False,
                         lambda m: [])
    params = [p for p in model.parameters() if p.requires_grad]
    assert params and all(p.dtype == torch.float32 for p in params)
    optimizer = torch.optim.AdamW(params, lr=0.02)
    ids = torch.tensor([[1, 40, 41, 42, 43, 44, 45, 46, 47, 48] * 2])
    losses = []
    for _ in range(6):
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(float(loss))
    assert losses[-1] < losses[0] / 2, losses
    trained = {k: v.clone() for k, v in model.state_dict().items() if ".lora_" in k}
    model.save_pretrained(str(tmp_path / "adapter"))
    saved = json.load(open(tmp_path / "adapter" / "adapter_config.json"))
    assert saved["peft_type"] == "LORA" and not saved["use_dora"]
    reloaded = load_trained(quantised(), str(tmp_path / "adapter"), "qlora")
    loaded = {k: v for k, v in reloaded.state_dict().items() if ".lora_" in k}
    assert loaded.keys() == trained.keys() and len(trained) == 28
    for key, value in trained.items():
        assert torch.equal(loaded[key], value), key  # the adapter round-trips exactly
    # Logits only approximately: on the CPU, saving a peft model over bitsandbytes 4-bit layers moves the
    # live model's outputs by up to ~0.05 (its CPU weight repacking), so both sides are not bit-identical.
    reloaded.train()
    model.train()
    with torch.no_grad():
        torch.testing.assert_close(reloaded(input_ids=ids).logits, model(input_ids=ids).logits, atol=0.1, rtol=0)


def test_lora_on_explicit_modules_and_a_clear_error_for_unknown_ones(model_dir):
    from tunelab_trainer.memory import trainable_from_config
    from tunelab_trainer.modeling import attach_method

    model = attach_method(fresh_base(model_dir), {**DEFAULTS, "target_modules": ["q_proj", "v_proj"]}, False)
    assert set(model.peft_config["default"].target_modules) == {"q_proj", "v_proj"}
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert trainable == trainable_from_config(json.load(open(os.path.join(model_dir, "config.json"))), "lora", 8,
                                              ["q_proj", "v_proj"])
    with pytest.raises(TrainerError) as caught:
        attach_method(fresh_base(model_dir), {**DEFAULTS, "target_modules": ["qkv"]}, False)
    assert caught.value.kind == "config" and "target_modules does not fit this model" in caught.value.message
    assert "down_proj, gate_proj, k_proj, lm_head, o_proj, q_proj, up_proj, v_proj" in caught.value.hint
