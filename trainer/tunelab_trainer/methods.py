"""Fine-tuning methods: what each one needs from the config, and the peft setup that applies it.

| method  | trains                                         | fields it uses                                   |
| ------- | ---------------------------------------------- | ------------------------------------------------ |
| lora    | low-rank A/B on the target linear layers       | lora_r, lora_alpha, lora_dropout, target_modules |
| rslora  | LoRA scaled by alpha/sqrt(r) (stable at high r)| same as lora                                     |
| dora    | LoRA plus a per-column magnitude vector        | same as lora                                     |
| qlora   | LoRA on a 4-bit NF4 (double-quantised) base    | same as lora; needs CUDA and bitsandbytes        |
| prefix  | key/value prefixes in every layer              | num_virtual_tokens                               |
| prompt  | soft prompt embeddings before the input        | num_virtual_tokens, prompt_init_text             |
| ia3     | learned scaling vectors (k, v, feed-forward)   | target_modules ("all-linear" = peft's defaults)  |
| full    | every weight (small models)                    | none                                             |

validate_method() is pure (no torch) so that `load_config` lists every problem before anything is
loaded; src/core/config.ts mirrors it (methodProblems) so the form and the CLI say it before spawning.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any, Callable, Optional

from .errors import TrainerError, first_line

METHODS = ("lora", "rslora", "dora", "qlora", "prefix", "prompt", "ia3", "full")
LORA_FAMILY = ("lora", "rslora", "dora", "qlora")
VIRTUAL_TOKENS = ("prefix", "prompt")
# Full fine-tuning keeps an AdamW state (8 bytes) and a gradient (4) per weight besides the fp32 weight.
FULL_MAX_PARAMS = 3_000_000_000
# Names of the feed-forward output projections that IA3 scales on the input side.
FEEDFORWARD_NAMES = ("down_proj", "fc2", "w2", "dense_4h_to_h", "c_proj", "fc_out", "wo")


def uses_lora(method: str) -> bool:
    return method in LORA_FAMILY


def can_merge(method: str) -> bool:
    """Prefix and prompt tuning add tokens, not weight deltas: there is nothing to fold into the weights."""
    return method not in VIRTUAL_TOKENS


def _model_config(model: Any) -> Optional[dict]:
    if not isinstance(model, str) or not os.path.isfile(os.path.join(model, "config.json")):
        return None
    try:
        with open(os.path.join(model, "config.json"), encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and isinstance(data.get("text_config"), dict):
        data = {**data, **data["text_config"]}
    return data if isinstance(data, dict) else None


def validate_method(cfg: dict, check_paths: bool = True) -> list[dict]:
    """Problems that come from the method and its fields together (field ranges are checked in config.py)."""
    problems: list[dict] = []
    method = cfg.get("method")
    if method not in METHODS:
        return problems  # config.py names the allowed methods

    def bad(field: str, message: str) -> None:
        problems.append({"field": field, "message": message})

    if method == "qlora" and cfg.get("device") in ("cpu", "mps"):
        bad("device", f"method qlora needs a CUDA GPU (bitsandbytes 4-bit weights), but device is "
                      f"{cfg.get('device')}: set device to auto or cuda, or use method lora")
    init_text = cfg.get("prompt_init_text")
    if method != "prompt" and isinstance(init_text, str) and init_text.strip():
        bad("prompt_init_text", f"prompt_init_text is used only by method prompt (method is {method}): "
                                "set it to null")
    if method == "prefix" and cfg.get("gradient_checkpointing") is True:
        # The prefix is passed as a key/value cache, which checkpointed layers do not recompute.
        bad("gradient_checkpointing", "method prefix does not work with gradient_checkpointing: set it to false "
                                      "or use method prompt or lora")

    model_config = _model_config(cfg.get("model")) if check_paths else None
    if model_config is not None:
        limit = model_config.get("max_position_embeddings")
        seq, virtual = cfg.get("max_seq_length"), cfg.get("num_virtual_tokens")
        if (method in VIRTUAL_TOKENS and isinstance(limit, int) and isinstance(seq, int)
                and isinstance(virtual, int) and seq + virtual > limit):
            bad("num_virtual_tokens", f"max_seq_length ({seq}) + num_virtual_tokens ({virtual}) is more than the "
                                      f"model's {limit} positions: lower one of them")
        if method == "full":
            from .memory import params_from_config

            try:
                params = params_from_config(model_config)["total"]
            except (KeyError, TypeError, ValueError):
                params = None
            if params is not None and params > FULL_MAX_PARAMS:
                bad("method", f"method full is for models up to {FULL_MAX_PARAMS / 1e9:g}B parameters; this one has "
                              f"about {params / 1e9:.1f}B: use lora or qlora")
    return problems


# ---- applying a method (imports torch/peft) ----------------------------------------------------

def require_method_environment(method: str, cuda_available: bool, bitsandbytes_version: Optional[str]) -> None:
    """QLoRA's needs, checked before the model (or anything large) is loaded."""
    if method != "qlora":
        return
    if not cuda_available:
        raise TrainerError("environment", "method qlora needs a CUDA GPU, and this torch sees none",
                           "QLoRA keeps the base weights in 4-bit with bitsandbytes, which runs on NVIDIA GPUs. "
                           "Use method lora (or dora) on this machine, or run on a CUDA machine.")
    if bitsandbytes_version is None:
        from .environment import pip_fix_command

        raise TrainerError("environment", "method qlora needs the Python package bitsandbytes, which is missing",
                           f"Install it: {pip_fix_command(['bitsandbytes'])}")


def quantization_config(method: str, compute_dtype):
    """4-bit NF4 with double quantisation (the QLoRA paper's recipe); None for other methods."""
    if method != "qlora":
        return None
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                              bnb_4bit_compute_dtype=compute_dtype)


def feedforward_modules(targets: list[str]) -> list[str]:
    return [t for t in targets if t.rsplit(".", 1)[-1] in FEEDFORWARD_NAMES]


def peft_config(cfg: dict):
    """The peft config of a method (None for full fine-tuning)."""
    from peft import IA3Config, LoraConfig, PrefixTuningConfig, PromptTuningConfig

    method = cfg["method"]
    if uses_lora(method):
        # modules_to_save stays None: vLLM and llama.cpp refuse adapters that carry whole embed/lm_head tensors.
        return LoraConfig(r=cfg["lora_r"], lora_alpha=cfg["lora_alpha"], lora_dropout=cfg["lora_dropout"],
                          target_modules=cfg["target_modules"], bias="none", task_type="CAUSAL_LM",
                          use_rslora=method == "rslora", use_dora=method == "dora")
    if method == "prefix":
        return PrefixTuningConfig(num_virtual_tokens=cfg["num_virtual_tokens"], task_type="CAUSAL_LM")
    if method == "prompt":
        text = cfg.get("prompt_init_text")
        extra = ({"prompt_tuning_init": "TEXT", "prompt_tuning_init_text": text,
                  "tokenizer_name_or_path": cfg["model"]} if text else {"prompt_tuning_init": "RANDOM"})
        return PromptTuningConfig(num_virtual_tokens=cfg["num_virtual_tokens"], task_type="CAUSAL_LM", **extra)
    if method == "ia3":
        targets = cfg["target_modules"]
        if targets == "all-linear":
            return IA3Config(task_type="CAUSAL_LM")  # peft's per-architecture k, v and feed-forward defaults
        targets = [targets] if isinstance(targets, str) else list(targets)
        return IA3Config(task_type="CAUSAL_LM", target_modules=targets, feedforward_modules=feedforward_modules(targets))
    return None


def drop_virtual_positions(peft_model, num_virtual_tokens: int) -> None:
    """Prompt tuning runs the model on virtual tokens + input; keep one output row per input token.

    The rows are dropped before the output layer (a pre-hook on it), so the logits, and any other
    hook on that layer (the trainer's labelled-only loss), see exactly the input positions. With the
    adapter disabled no prompt is prepended and the lengths match, so nothing is dropped; in generation
    only leading rows can go, never the last one that picks the next token.
    """
    state = {"input_len": None}

    def remember(module, args, kwargs):
        ids = kwargs.get("input_ids", args[0] if args else None)
        state["input_len"] = ids.size(1) if ids is not None else None

    def drop(module, args):
        hidden = args[0]
        if state["input_len"] is not None and hidden.dim() == 3 and \
                hidden.size(1) == state["input_len"] + num_virtual_tokens:
            return (hidden[:, num_virtual_tokens:],) + tuple(args[1:])
        return None

    peft_model.register_forward_pre_hook(remember, with_kwargs=True)
    peft_model.get_base_model().get_output_embeddings().register_forward_pre_hook(drop)


def all_linear_names(model) -> list[str]:
    """Short names of the linear layers that "all-linear" means: every one but the output head."""
    import torch

    head = model.get_output_embeddings()
    return sorted({name.rsplit(".", 1)[-1] for name, module in model.named_modules()
                   if isinstance(module, torch.nn.Linear) and module is not head})


def apply_method(model, cfg: dict, gradient_checkpointing: bool, linear_names: Callable[[Any], list[str]]):
    """The trainable model: a PeftModel, or for `full` the model itself with every weight trainable."""
    method = cfg["method"]
    if gradient_checkpointing:
        # Non-reentrant checkpointing needs no input grads on the frozen embeddings.
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if method == "full":
        for param in model.parameters():
            param.requires_grad_(True)
        # train.py scores the base model inside `disable_adapter()`; before any step, the model is the base.
        model.disable_adapter = contextlib.nullcontext
        return model
    if method == "qlora":
        import torch
        from peft import prepare_model_for_kbit_training

        from .environment import version_of

        # Normally refused before loading (environment.pick_precision); never train LoRA on a
        # 16-bit base under the name qlora.
        if not getattr(model, "is_loaded_in_4bit", False):
            require_method_environment(method, torch.cuda.is_available(), version_of("bitsandbytes"))
            raise TrainerError("internal", "method qlora: the base model was not loaded in 4-bit",
                               "The trainer must load it with methods.quantization_config(); please report this.")

        # Casts norms to fp32 and enables input grads; checkpointing is already set up above.
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
    from peft import get_peft_model

    if uses_lora(method) and cfg["target_modules"] == "all-linear":
        # Short layer names in adapter_config.json (peft would save every full module path), as vLLM expects.
        cfg = {**cfg, "target_modules": all_linear_names(model)}
    config = peft_config(cfg)
    try:
        peft_model = get_peft_model(model, config)
    except ValueError as exc:
        if method in VIRTUAL_TOKENS:
            raise TrainerError("config", f"method {method} does not work with this model: {first_line(exc)}",
                               "Use method lora, which works with every causal LM.")
        raise TrainerError("config", f"target_modules does not fit this model: {first_line(exc)}",
                           f'Use "all-linear" or names of its linear layers: {", ".join(linear_names(model))}.')
    if method == "prompt":
        drop_virtual_positions(peft_model, config.num_virtual_tokens)
    return peft_model


def load_trained(base_model, adapter_dir: str, method: str):
    """A trained run's model for scoring or export: base + adapter, or the saved full model."""
    if method == "full":
        from transformers import AutoModelForCausalLM

        return AutoModelForCausalLM.from_pretrained(adapter_dir, local_files_only=True,
                                                    dtype=base_model.dtype).to(base_model.device)
    from peft import PeftModel

    model = PeftModel.from_pretrained(base_model, adapter_dir, is_trainable=False)
    if method == "prompt":
        drop_virtual_positions(model, model.peft_config["default"].num_virtual_tokens)
    return model
