"""`python -m tunelab_trainer export --run-dir DIR [--merge] [--out DIR]`: what other tools can load.

Without --merge: checks `DIR/adapter` against what vLLM and llama.cpp's convert_lora_to_gguf.py need
(adapter_conventions). With --merge: also folds the adapter into the base weights and writes a plain
transformers model (safetensors + tokenizer) to --out (default DIR/merged). Prints one JSON object.
"""

from __future__ import annotations

import json
import os

from .errors import TrainerError, first_line

VLLM_MAX_LORA_RANK = 16  # vLLM's default --max-lora-rank


def _note(tool: str, level: str, message: str) -> dict:
    return {"tool": tool, "level": level, "message": message}


def adapter_conventions(adapter_dir: str) -> list[dict]:
    """Problems ("error": the tool refuses it) and warnings for PEFT, vLLM and llama.cpp, one dict each.

    An empty list means every tool loads the adapter as it is.
    """
    from safetensors import safe_open

    config_path = os.path.join(adapter_dir, "adapter_config.json")
    weights_path = os.path.join(adapter_dir, "adapter_model.safetensors")
    if not os.path.isfile(config_path) or not os.path.isfile(weights_path):
        return [_note("peft", "error", f"{adapter_dir} has no adapter_config.json and adapter_model.safetensors")]
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    notes: list[dict] = []
    with safe_open(weights_path, framework="pt") as f:
        metadata = f.metadata() or {}
        shapes = {key: tuple(f.get_slice(key).get_shape()) for key in f.keys()}
    if metadata.get("format") != "pt":
        notes.append(_note("peft", "error", f'adapter_model.safetensors metadata must be {{"format": "pt"}} '
                                            f"(got {json.dumps(metadata)})"))
    if config.get("peft_type") != "LORA":
        notes.append(_note("vllm", "error", f"vLLM serves LoRA adapters only (this is {config.get('peft_type')})"))
        notes.append(_note("llama.cpp", "error", f"convert_lora_to_gguf.py converts LoRA adapters only "
                                                 f"(this is {config.get('peft_type')})"))
        return notes

    r, alpha = config.get("r"), config.get("lora_alpha")
    if not isinstance(r, int) or r < 1:
        notes.append(_note("vllm", "error", f"adapter_config.json needs an integer r (got {r!r})"))
    if not isinstance(alpha, (int, float)):
        notes.append(_note("llama.cpp", "error", f"adapter_config.json needs lora_alpha (got {alpha!r})"))
    if not config.get("target_modules"):
        notes.append(_note("vllm", "error", "adapter_config.json needs target_modules"))
    if config.get("modules_to_save"):
        notes.append(_note("vllm", "error", f"modules_to_save must be null (got {config['modules_to_save']})"))
    if config.get("use_dora"):
        notes.append(_note("vllm", "error", "vLLM does not load DoRA adapters (use_dora is true): merge it with "
                                            "`tunelab export --merge` and serve the merged model"))
    if isinstance(r, int) and r > VLLM_MAX_LORA_RANK:
        notes.append(_note("vllm", "warning", f"r is {r}, above vLLM's default max_lora_rank "
                                              f"({VLLM_MAX_LORA_RANK}): start vLLM with --max-lora-rank {r}"))
    if not config.get("base_model_name_or_path"):
        notes.append(_note("llama.cpp", "warning", "base_model_name_or_path is empty: pass --base to "
                                                   "convert_lora_to_gguf.py"))
    if config.get("use_rslora"):
        notes.append(_note("llama.cpp", "warning", "llama.cpp keeps only lora_alpha, so the rsLoRA scale "
                                                   "alpha/sqrt(r) becomes alpha/r: merge instead, or scale at load"))
    if config.get("rank_pattern") or config.get("alpha_pattern"):
        notes.append(_note("llama.cpp", "warning", "llama.cpp ignores rank_pattern and alpha_pattern"))

    for key, shape in shapes.items():
        leaf = key.rsplit(".", 2)
        if not key.startswith("base_model.model."):
            notes.append(_note("peft", "error", f"tensor {key} does not start with base_model.model."))
        elif ".lora_A." in key or ".lora_B." in key:
            if len(shape) != 2 or (isinstance(r, int) and shape[0 if ".lora_A." in key else 1] != r):
                notes.append(_note("peft", "error", f"tensor {key} has shape {list(shape)}, not lora_A [r, in] / "
                                                    f"lora_B [out, r] with r = {r}"))
        elif key.endswith("lora_magnitude_vector") or leaf[-1] == "lora_magnitude_vector":
            continue  # DoRA, already reported for vLLM
        elif "embed_tokens" in key or "lm_head" in key:
            notes.append(_note("llama.cpp", "error", f"full tensor {key}: convert_lora_to_gguf.py refuses whole "
                                                     "embedding or lm_head weights in an adapter"))
        else:
            notes.append(_note("vllm", "error", f"tensor {key} is not a LoRA A/B matrix"))
    return notes


def export_merged(run_dir: str, out_dir: str | None = None) -> dict:
    """Base + adapter folded into one transformers model (safetensors); refuses prefix/prompt tuning."""
    from .artifacts import save_atomically
    from .config import load_config
    from .environment import require_packages
    from .methods import can_merge, load_trained
    from .modeling import load_tokenizer, quiet_libraries

    run_dir = os.path.abspath(run_dir)
    cfg = load_config(run_dir)
    method = cfg["method"]
    adapter_dir = os.path.join(run_dir, "adapter")
    if not os.path.isdir(adapter_dir):
        raise TrainerError("config", f"No adapter in {run_dir}", "Train this run to the end (or stop it) first.")
    if not can_merge(method):
        raise TrainerError("config", f"A {method} tuning adapter cannot be merged into the model: it adds virtual "
                                     "tokens in front of the input, not changes to the weights",
                           "Load it on top of the base model with PeftModel.from_pretrained instead; to get a "
                           "merged model, train with method lora (or dora, ia3).")
    out_dir = os.path.abspath(out_dir or os.path.join(run_dir, "merged"))
    if os.path.isdir(out_dir) and os.listdir(out_dir) and out_dir != os.path.join(run_dir, "merged"):
        raise TrainerError("config", f"The output folder is not empty: {out_dir}",
                           "Choose a new folder with --out, or empty this one first.")
    quiet_libraries()
    require_packages()
    from transformers import AutoModelForCausalLM

    # The base in its own dtype and unquantised (a QLoRA adapter merges into the 16-bit weights).
    try:
        base = AutoModelForCausalLM.from_pretrained(cfg["model"], local_files_only=True, dtype="auto",
                                                    trust_remote_code=cfg["trust_remote_code"])
    except Exception as exc:
        raise TrainerError("config", f"Could not load the base model {cfg['model']}: {first_line(exc)}",
                           "The run's model folder must still hold the model it was trained on.")
    tokenizer = load_tokenizer(cfg["model"], cfg["trust_remote_code"])
    model = load_trained(base, adapter_dir, method)
    merged = model if method == "full" else model.merge_and_unload()

    def write(tmp: str) -> None:
        merged.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)

    save_atomically(write, out_dir)
    return {"type": "export", "path": out_dir, "method": method, "dtype": str(merged.dtype).replace("torch.", ""),
            "files": sorted(os.listdir(out_dir)), "params": sum(p.numel() for p in merged.parameters())}


def export(run_dir: str, merge: bool, out_dir: str | None) -> dict:
    run_dir = os.path.abspath(run_dir)
    adapter_dir = os.path.join(run_dir, "adapter")
    if not os.path.isdir(adapter_dir):
        raise TrainerError("config", f"No adapter in {run_dir}", "Train this run to the end (or stop it) first.")
    result = export_merged(run_dir, out_dir) if merge else {"type": "export", "path": None}
    conventions = adapter_conventions(adapter_dir) if os.path.isfile(os.path.join(adapter_dir, "adapter_config.json")) \
        else []
    return {**result, "adapter": adapter_dir, "conventions": conventions}


def export_command(run_dir: str, merge: bool, out_dir: str | None) -> int:
    """Prints the result (or an `error` event) as one JSON line on stdout; 0 on success, 1 on error."""
    import logging

    from . import events
    from .modeling import is_oom

    out = events.claim_stdout()
    try:
        result = export(run_dir, merge, out_dir)
        for note in result["conventions"]:
            logging.getLogger("tunelab").warning("%s %s: %s", note["tool"], note["level"], note["message"])
        out.write(json.dumps(result) + "\n")
        return 0
    except TrainerError as exc:
        out.write(json.dumps(events.error_event(kind=exc.kind, message=exc.message, hint=exc.hint)) + "\n")
        return 1
    except Exception as exc:
        kind = "oom" if is_oom(exc) else "internal"
        hint = ("Merging loads the whole base model into memory: free memory or merge on a larger machine."
                if kind == "oom" else "Please report it with the traceback printed on stderr.")
        logging.getLogger("tunelab").exception("export failed")
        out.write(json.dumps(events.error_event(kind=kind, message=f"Export failed: {first_line(exc)}",
                                                hint=hint)) + "\n")
        return 1
    finally:
        out.close()
