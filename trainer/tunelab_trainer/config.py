"""Reading and validating `<run>/config.json`.

The ranges and messages mirror validateConfig() in src/core/config.ts (docs/architecture.md):
the editor checks first, the trainer checks again because config.json may be edited by hand.
"""

from __future__ import annotations

import difflib
import json
import math
import os
from typing import Any

from .errors import TrainerError
from .methods import METHODS, validate_method

DEFAULTS: dict[str, Any] = {
    "version": 1,
    "eval_file": None,
    "eval_fraction": 0.1,
    "task": "auto",                 # auto | sft | cpt
    "method": "lora",               # lora | rslora | dora | qlora | prefix | prompt | ia3 | full (methods.py)
    "lora_r": 8,
    "lora_alpha": 16,
    "lora_dropout": 0.05,
    "target_modules": "all-linear",
    "num_virtual_tokens": 20,       # prefix and prompt tuning
    "prompt_init_text": None,       # prompt tuning: start the soft prompt from this text (null = random)
    "learning_rate": 2e-4,
    "epochs": 3,
    "max_steps": None,
    "effective_batch_size": 32,
    "micro_batch_size": 4,
    "max_seq_length": 512,
    "gradient_checkpointing": False,
    "weight_decay": 0.0,
    "warmup_ratio": 0.03,
    "lr_scheduler": "cosine",       # cosine | linear | constant
    "max_grad_norm": 1.0,           # 0 = no clipping
    "eval_every": 0,                # steps; 0 = end of each epoch
    "save_every": 50,               # steps; 0 = only the final adapter. On by default: a kill must not lose hours
    "packing": "auto",              # auto (on where exact) | true | false: several examples per sequence
    "early_stopping_patience": 0,   # evals without improvement before stopping; 0 = off
    "early_stopping_min_delta": 0.0,  # eval loss must fall by more than this to count as better
    "eval_samples": 3,              # greedy generations for the first N eval prompts at each eval
    "sample_max_new_tokens": 32,
    "seed": 42,
    "device": "auto",               # auto | cpu | cuda | mps
    "trust_remote_code": False,
}

TASKS = ("auto", "sft", "cpt")
SCHEDULERS = ("cosine", "linear", "constant")
DEVICES = ("auto", "cpu", "cuda", "mps")


KNOWN_KEYS = ["version", "model", "train_file", *[k for k in DEFAULTS if k != "version"]]


def _show(value: Any) -> str:
    """A value as JSON, the way the TypeScript side prints it."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)


def _unknown_key_message(key: str) -> str:
    close = difflib.get_close_matches(key.lower().replace("-", "_"), KNOWN_KEYS, n=1, cutoff=0.75)
    if close:
        return f'unknown setting "{key}": did you mean "{close[0]}"?'
    return f'unknown setting "{key}": remove it (known settings: {", ".join(KNOWN_KEYS)})'


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: Any) -> bool:
    return _is_number(value) and float(value).is_integer()


WEIGHT_SUFFIXES = (".safetensors", ".bin", ".safetensors.index.json", ".bin.index.json", ".gguf", ".pt", ".pth")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "tokenizer_config.json", "vocab.json", "vocab.txt",
                   "spiece.model")


def model_folder_problem(model: str) -> str | None:
    """Why `model` is not a Hugging Face model folder, found without loading it (None if it looks like one)."""
    config_path = os.path.join(model, "config.json")
    if not os.path.isfile(config_path):
        return f"model folder has no config.json, so it is not a Hugging Face model: {model}"
    try:
        with open(config_path, encoding="utf-8") as f:
            model_config = json.load(f)
    except (OSError, ValueError):
        return f"model folder's config.json is not valid JSON: {config_path}"
    if not isinstance(model_config, dict) or not isinstance(model_config.get("model_type"), str):
        return f"model folder's config.json has no model_type, so it is not a Hugging Face model config: {model}"
    names = os.listdir(model)
    if not any(name.endswith(WEIGHT_SUFFIXES) for name in names):
        return f"model folder has no weights (*.safetensors or pytorch_model.bin): {model}"
    if not any(name in TOKENIZER_FILES for name in names):
        return f"model folder has no tokenizer files (tokenizer.json or tokenizer.model): {model}"
    return None


def validate_config(cfg: Any, check_paths: bool = True) -> list[dict]:
    """Every problem at once, as [{field, message}]; an empty list means the config is usable."""
    if not isinstance(cfg, dict):
        return [{"field": "", "message": "the configuration must be a JSON object of settings"}]
    problems: list[dict] = []

    def bad(field: str, message: str) -> None:
        problems.append({"field": field, "message": message})

    def number(field: str, ok, message: str, integer: bool = False) -> None:
        value = cfg.get(field)
        if not (_is_int(value) if integer else _is_number(value)) or not ok(value):
            bad(field, f"{message} (got {_show(value)})")

    for key in cfg:
        if key not in DEFAULTS and key not in ("model", "train_file"):
            bad(key, _unknown_key_message(key))
    if cfg.get("version") != 1:
        bad("version", f"version must be 1 (got {_show(cfg.get('version'))})")

    model = cfg.get("model")
    if not isinstance(model, str) or not model:
        bad("model", f"model must be a file path (got {_show(model)})")
    elif check_paths and not os.path.isdir(model):
        bad("model", f"model folder not found: {model}")
    elif check_paths:
        problem = model_folder_problem(model)
        if problem:
            bad("model", problem)

    train_file = cfg.get("train_file")
    if not isinstance(train_file, str) or not train_file:
        bad("train_file", f"train_file must be a file path (got {_show(train_file)})")
    elif check_paths and not os.path.isfile(train_file):
        bad("train_file", f"train_file not found: {train_file}")

    eval_file = cfg.get("eval_file")
    if eval_file is not None:
        if not isinstance(eval_file, str) or not eval_file:
            bad("eval_file", f"eval_file must be a file path or null (got {_show(eval_file)})")
        elif check_paths and not os.path.isfile(eval_file):
            bad("eval_file", f"eval_file not found: {eval_file}")

    number("eval_fraction", lambda v: 0 <= v < 1, "eval_fraction must be at least 0 and below 1")
    if cfg.get("task") not in TASKS:
        bad("task", f"task must be one of {', '.join(TASKS)} (got {_show(cfg.get('task'))})")
    if cfg.get("method") not in METHODS:
        bad("method", f"method must be one of {', '.join(METHODS)} (got {_show(cfg.get('method'))})")
    number("lora_r", lambda v: 1 <= v <= 1024, "lora_r must be an integer from 1 to 1024", integer=True)
    number("lora_alpha", lambda v: v > 0, "lora_alpha must be greater than 0")
    number("lora_dropout", lambda v: 0 <= v < 1, "lora_dropout must be at least 0 and below 1")
    targets = cfg.get("target_modules")
    if not (isinstance(targets, str) and targets) and not (
            isinstance(targets, list) and targets and all(isinstance(t, str) and t for t in targets)):
        bad("target_modules", f'target_modules must be "all-linear" or a list of module names (got {_show(targets)})')
    number("num_virtual_tokens", lambda v: 1 <= v <= 1024, "num_virtual_tokens must be an integer from 1 to 1024",
           integer=True)
    init_text = cfg.get("prompt_init_text")
    if init_text is not None and not (isinstance(init_text, str) and init_text.strip()):
        bad("prompt_init_text", f"prompt_init_text must be text or null (got {_show(init_text)})")
    number("learning_rate", lambda v: 0 < v <= 1, "learning_rate must be greater than 0 and at most 1")
    number("epochs", lambda v: 0 < v <= 1000, "epochs must be greater than 0 and at most 1000")
    if cfg.get("max_steps") is not None:
        number("max_steps", lambda v: v >= 1, "max_steps must be null or an integer of at least 1", integer=True)
    number("micro_batch_size", lambda v: v >= 1, "micro_batch_size must be an integer of at least 1", integer=True)
    number("effective_batch_size", lambda v: v >= 1, "effective_batch_size must be an integer of at least 1",
           integer=True)
    effective, micro = cfg.get("effective_batch_size"), cfg.get("micro_batch_size")
    if _is_int(effective) and _is_int(micro) and effective >= 1 and micro >= 1 and effective % micro:
        lower = max(micro, effective // micro * micro)
        bad("effective_batch_size", f"effective_batch_size ({effective}) must be a multiple of micro_batch_size "
                                    f"({micro}): use {lower} or {lower + micro}")
    number("max_seq_length", lambda v: 16 <= v <= 131072, "max_seq_length must be an integer from 16 to 131072",
           integer=True)
    for flag in ("gradient_checkpointing", "trust_remote_code"):
        if not isinstance(cfg.get(flag), bool):
            bad(flag, f"{flag} must be true or false (got {_show(cfg.get(flag))})")
    number("weight_decay", lambda v: v >= 0, "weight_decay must be at least 0")
    number("warmup_ratio", lambda v: 0 <= v <= 1, "warmup_ratio must be from 0 to 1")
    if cfg.get("lr_scheduler") not in SCHEDULERS:
        bad("lr_scheduler",
            f"lr_scheduler must be one of {', '.join(SCHEDULERS)} (got {_show(cfg.get('lr_scheduler'))})")
    number("max_grad_norm", lambda v: v >= 0, "max_grad_norm must be at least 0")  # 0 turns clipping off
    number("eval_every", lambda v: v >= 0, "eval_every must be an integer of at least 0", integer=True)
    number("save_every", lambda v: v >= 0, "save_every must be an integer of at least 0", integer=True)
    number("seed", lambda v: True, "seed must be an integer", integer=True)
    if cfg.get("packing") not in ("auto", True, False):
        bad("packing", f"packing must be one of auto, true, false (got {_show(cfg.get('packing'))})")
    number("early_stopping_patience", lambda v: v >= 0, "early_stopping_patience must be an integer of at least 0",
           integer=True)
    number("early_stopping_min_delta", lambda v: v >= 0, "early_stopping_min_delta must be at least 0")
    number("eval_samples", lambda v: 0 <= v <= 16, "eval_samples must be an integer from 0 to 16", integer=True)
    number("sample_max_new_tokens", lambda v: 1 <= v <= 1024, "sample_max_new_tokens must be an integer from 1 to 1024",
           integer=True)
    if cfg.get("device") not in DEVICES:
        bad("device", f"device must be one of {', '.join(DEVICES)} (got {_show(cfg.get('device'))})")
    problems.extend(validate_method(cfg, check_paths))
    return problems


def load_config(run_dir: str) -> dict:
    """config.json with defaults filled in for missing keys; raises TrainerError(config) listing all problems."""
    path = os.path.join(run_dir, "config.json")
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except FileNotFoundError:
        raise TrainerError("config", f"No config.json in the run folder {run_dir}",
                           "Start runs from Tunelab, which writes config.json, or write one as in docs/architecture.md.")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TrainerError("config", f"config.json is not valid JSON: {exc}",
                           f"Fix the JSON syntax in {path}.")
    cfg = {**DEFAULTS, **raw} if isinstance(raw, dict) else raw
    problems = validate_config(cfg)
    if problems:
        summary = "; ".join(p["message"] for p in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        raise TrainerError("config", f"config.json has {len(problems)} {noun}: {summary}",
                           f"Fix these values in {path} (or in the training form) and start the run again.",
                           problems=problems)
    for key in ("lora_r", "num_virtual_tokens", "effective_batch_size", "micro_batch_size", "max_seq_length", "eval_every",
                "save_every", "seed", "early_stopping_patience", "eval_samples", "sample_max_new_tokens"):
        cfg[key] = int(cfg[key])
    if cfg["max_steps"] is not None:
        cfg["max_steps"] = int(cfg["max_steps"])
    return cfg
