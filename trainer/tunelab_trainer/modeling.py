"""Loading the tokenizer and causal LM from a local Hugging Face folder, and attaching the method."""

from __future__ import annotations

import json
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
    """Chat records need the tokenizer's template, and the template must end answers with a stop token.

    Without the stop token the model never learns to end its answer and generates until max_new_tokens.
    """
    if not getattr(tokenizer, "chat_template", None):
        raise TrainerError("config", f"The tokenizer of {path} has no chat template, so chat records cannot be formatted",
                           "Use a chat (instruct) model whose tokenizer_config.json or chat_template.jinja has a "
                           "template, or train on `text` records (task cpt).")
    stops = stop_token_ids(tokenizer, path)
    if not stops:
        return
    sample = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hi there"}]
    try:
        text = tokenizer.apply_chat_template(sample, tokenize=False)
    except Exception:  # templates that need other roles: encoding reports records it cannot render
        return
    answer_end = text.rfind("Hi there")
    after = text[answer_end + len("Hi there"):] if answer_end >= 0 else text
    ids = tokenizer(after, add_special_tokens=False)["input_ids"]
    if not stops.intersection(ids):
        names = ", ".join(sorted(str(tokenizer.convert_ids_to_tokens(i)) for i in stops))
        raise TrainerError("config", f"The chat template of {path} never emits the end-of-sequence token ({names}) "
                                     "after an assistant answer, so the tuned model would not learn to stop",
                           "Use a template that ends assistant turns with the EOS token (add {{ eos_token }} after "
                           "each assistant message in chat_template), or set eos_token (tokenizer_config.json) or "
                           "eos_token_id (generation_config.json) to the template's end-of-turn token.")


def stop_token_ids(tokenizer, path: str) -> set[int]:
    """Tokens that end generation: the tokenizer's EOS and the model's eos_token_id(s)."""
    stops: set[int] = set()
    if tokenizer.eos_token_id is not None:
        stops.add(int(tokenizer.eos_token_id))
    for name in ("generation_config.json", "config.json"):
        try:
            with open(os.path.join(path, name), encoding="utf-8") as f:
                value = json.load(f).get("eos_token_id")
        except (OSError, ValueError, AttributeError):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, int):
                stops.add(item)
    return stops


def load_model(path: str, trust_remote_code: bool, dtype, device, quantization=None):
    """`quantization`: a transformers BitsAndBytesConfig (QLoRA, see methods.quantization_config) or None."""
    from transformers import AutoModelForCausalLM

    # On a GPU, load straight into its memory instead of going through host RAM.
    placement = {"device_map": {"": str(device)}} if device.type == "cuda" else {}
    if quantization is not None:
        placement["quantization_config"] = quantization
    try:
        model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, dtype=dtype,
                                                     trust_remote_code=trust_remote_code, **placement)
    except Exception as exc:
        if is_oom(exc):
            raise
        raise TrainerError("config", f"Could not load the model from {path}: {first_line(exc)}",
                           _remote_code_hint(exc))
    model.config.use_cache = False
    return model if device.type == "cuda" else model.to(device)


def linear_module_names(model) -> list[str]:
    import torch

    names = {name.rsplit(".", 1)[-1] for name, module in model.named_modules() if isinstance(module, torch.nn.Linear)}
    return sorted(names)


def attach_method(model, cfg: dict, gradient_checkpointing: bool):
    """The method of cfg["method"] on the loaded model (methods.py)."""
    from .methods import apply_method

    return apply_method(model, cfg, gradient_checkpointing, linear_module_names)


attach_lora = attach_method  # the name train.py has used since LoRA was the only method


def count_params(model) -> tuple[int, int]:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total


def is_oom(exc: BaseException) -> bool:
    name = type(exc).__name__
    return name == "OutOfMemoryError" or isinstance(exc, MemoryError) or "out of memory" in str(exc).lower()

