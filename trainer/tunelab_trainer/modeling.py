"""Loading the tokenizer and causal LM from a local Hugging Face folder, and attaching LoRA."""

from __future__ import annotations

import os

from .errors import TrainerError, first_line

HF_FOLDER_HINT = ("Point `model` at a Hugging Face model folder: config.json, tokenizer files "
                  "(tokenizer.json or tokenizer.model) and weights (*.safetensors).")


def quiet_libraries() -> None:
    """No network, no progress bars; library warnings stay on stderr."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _remote_code_hint(exc: Exception) -> str:
    return ("This model ships its own code: set trust_remote_code to true in the run config "
            "(only for models you trust)." if "trust_remote_code" in str(exc) else HF_FOLDER_HINT)


def load_tokenizer(path: str, trust_remote_code: bool):
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True, trust_remote_code=trust_remote_code)
    except Exception as exc:
        raise TrainerError("config", f"Could not load the tokenizer from {path}: {first_line(exc)}",
                           _remote_code_hint(exc))
    if tokenizer.pad_token_id is None:
        # Padding positions are masked out of attention and loss, so any id works.
        if tokenizer.eos_token is not None:
            tokenizer.pad_token = tokenizer.eos_token
        elif tokenizer.unk_token is not None:
            tokenizer.pad_token = tokenizer.unk_token
    return tokenizer


def pad_id(tokenizer) -> int:
    return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0


def require_chat_template(tokenizer, path: str) -> None:
    if not getattr(tokenizer, "chat_template", None):
        raise TrainerError("config", f"The tokenizer of {path} has no chat template, so chat records cannot be formatted",
                           "Use a chat (instruct) model whose tokenizer_config.json or chat_template.jinja has a "
                           "template, or train on `text` records (task cpt).")


def load_model(path: str, trust_remote_code: bool, dtype, device):
    from transformers import AutoModelForCausalLM

    # On a GPU, load straight into its memory instead of going through host RAM.
    placement = {"device_map": {"": str(device)}} if device.type == "cuda" else {}
    try:
        model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, dtype=dtype,
                                                     trust_remote_code=trust_remote_code, **placement)
    except Exception as exc:
        if is_oom(exc):
            raise
        raise TrainerError("config", f"Could not load the model from {path}: {first_line(exc)}",
                           _remote_code_hint(exc))
    model.config.use_cache = False
    return model if placement else model.to(device)


def linear_module_names(model) -> list[str]:
    import torch

    names = {name.rsplit(".", 1)[-1] for name, module in model.named_modules() if isinstance(module, torch.nn.Linear)}
    return sorted(names)


def attach_lora(model, cfg: dict, gradient_checkpointing: bool):
    from peft import LoraConfig, get_peft_model

    if gradient_checkpointing:
        # Non-reentrant checkpointing needs no input grads on the frozen embeddings.
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    lora = LoraConfig(r=cfg["lora_r"], lora_alpha=cfg["lora_alpha"], lora_dropout=cfg["lora_dropout"],
                      target_modules=cfg["target_modules"], bias="none", task_type="CAUSAL_LM")
    try:
        return get_peft_model(model, lora)
    except ValueError as exc:
        raise TrainerError("config", f"target_modules does not fit this model: {first_line(exc)}",
                           f'Use "all-linear" or names of its linear layers: {", ".join(linear_module_names(model))}.')


def count_params(model) -> tuple[int, int]:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total


def is_oom(exc: BaseException) -> bool:
    name = type(exc).__name__
    return name == "OutOfMemoryError" or isinstance(exc, MemoryError) or "out of memory" in str(exc).lower()

