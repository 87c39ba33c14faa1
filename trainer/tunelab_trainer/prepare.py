"""From config to lists of encoded examples: read files, pick the task, split eval, tokenize."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .data import Record, carve_eval, choose_task, keep_task_records, read_dataset
from .encoding import Example, TemplateError, encode_chat, encode_text
from .errors import TrainerError


@dataclass
class Split:
    task: str
    train: list[Record]
    eval: list[Record]
    warnings: list[str] = field(default_factory=list)


def _skipped(data, kept: int) -> list[str]:
    if not data.problems:
        return []
    more = f" (and {len(data.problems) - 1} more)" if len(data.problems) > 1 else ""
    return [f"Skipped {len(data.problems)} {data.unit}s of {os.path.basename(data.path)}, kept {kept}: "
            f"{data.problems[0]}{more}"]


def read_split(cfg: dict) -> Split:
    """Reads the datasets (no torch needed, so data errors come fast)."""
    train_data = read_dataset(cfg["train_file"])
    task = choose_task(cfg["task"], train_data)
    train_data = keep_task_records(train_data, task)
    warnings = _skipped(train_data, len(train_data.records))
    if cfg["eval_file"]:
        eval_data = keep_task_records(read_dataset(cfg["eval_file"]), task)
        warnings += _skipped(eval_data, len(eval_data.records))
        return Split(task, train_data.records, eval_data.records, warnings)
    train, held = carve_eval(train_data.records, cfg["eval_fraction"], cfg["seed"])
    return Split(task, train, held, warnings)


def encode_records(task: str, records: list[Record], tokenizer, max_length: int) -> tuple[list[Example], list[str]]:
    """Examples that carry at least one label, and why the others were dropped."""
    examples: list[Example] = []
    problems: list[str] = []
    for record in records:
        if task == "cpt":
            examples.extend(encode_text(tokenizer, record.text, max_length))
            continue
        try:
            example = encode_chat(tokenizer, record.messages, max_length, record.tools, record.untrained)
        except TemplateError as exc:
            problems.append(f"{record.where}: {exc}")
            continue
        if example.loss_tokens == 0:
            problems.append(f"{record.where}: no assistant token within max_seq_length ({max_length})")
            continue
        examples.append(example)
    return examples, problems


def encode_or_fail(task: str, records: list[Record], tokenizer, max_length: int, path: str,
                   warnings: list[str]) -> list[Example]:
    examples, problems = encode_records(task, records, tokenizer, max_length)
    name = os.path.basename(path)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        warnings.append(f"Dropped {len(problems)} records of {name}: {problems[0]}{more}")
    if records and not examples:
        first = problems[0] if problems else "nothing to learn from"
        raise TrainerError("data", f"No usable record in {name} after tokenizing: {first}",
                           "Shorten the prompts or raise max_seq_length, and check that the chat template "
                           "renders these conversations (run Tunelab: Lint Dataset).")
    return examples
