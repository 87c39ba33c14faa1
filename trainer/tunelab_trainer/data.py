"""Reading JSONL datasets into chat conversations or raw text, choosing the task, splitting eval.

Accepted record shapes (one JSON object per line):
  chat        {"messages": [{"role": "system"|"user"|"assistant"|"tool", "content": "..."}], "tools": [...]}
              (assistant tool calls, `name`, `tool_call_id` and `weight`: see chat_messages.py)
  sharegpt    {"conversations": [{"from": "human"|"gpt"|"system", "value": "..."}]}
  instruction {"instruction": "...", "input": "...", "output": "..."}
  prompt      {"prompt": "...", "completion": "..."}
  text        {"text": "..."}                      (continued pre-training)
Everything but `text` becomes a chat conversation; loss is on assistant turns only.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass, field
from typing import Optional, Union

from .chat_messages import conversation
from .dataset_files import UNITS, Unreadable, container_of, read_objects
from .errors import TrainerError

SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
                  "system": "system", "tool": "tool", "function_call": "assistant", "observation": "tool"}


@dataclass
class Record:
    line: int
    messages: Optional[list[dict]] = None
    text: Optional[str] = None
    tools: Optional[list[dict]] = None   # the tool definitions a chat record offers (OpenAI `tools`)
    untrained: tuple[int, ...] = ()      # assistant turns with weight 0: context, no loss
    unit: str = "line"                   # what `line` counts: a line, a JSON array's record, a Parquet row

    @property
    def where(self) -> str:
        return f"{self.unit} {self.line}"

    @property
    def kind(self) -> str:
        return "chat" if self.messages is not None else "text"


@dataclass
class Dataset:
    path: str
    records: list[Record]
    problems: list[str] = field(default_factory=list)   # "line N: why", for skipped lines
    lines: int = 0
    unit: str = "line"


def _sharegpt_tools(tools):
    """LLaMA-Factory writes a ShareGPT record's `tools` as JSON text; an empty string is none."""
    if not isinstance(tools, str):
        return tools
    if not tools.strip():
        return None
    try:
        return json.loads(tools)
    except ValueError:
        return "`tools` is text that is not JSON (give the tool definitions as a JSON list)"


def _sharegpt_turn(turn: dict) -> dict:
    message = {"role": SHAREGPT_ROLES.get(turn.get("from"), turn.get("from")), "content": turn.get("value")}
    if "weight" in turn:
        message["weight"] = turn["weight"]
    return message


def _parse(obj) -> Union[Record, str]:
    if not isinstance(obj, dict):
        return "not a JSON object"
    if "messages" in obj:
        chat = conversation(obj["messages"], obj.get("tools"))
    elif "conversations" in obj and isinstance(obj["conversations"], list):
        turns = obj["conversations"]
        if not all(isinstance(t, dict) for t in turns):
            return "`conversations` must be a list of objects"
        tools = _sharegpt_tools(obj.get("tools"))
        if isinstance(tools, str):
            return tools
        messages = [_sharegpt_turn(t) for t in turns]
        system = obj.get("system")
        if isinstance(system, str) and system.strip() and not (messages and messages[0]["role"] == "system"):
            messages.insert(0, {"role": "system", "content": system})  # LLaMA-Factory's record-level system prompt
        chat = conversation(messages, tools)
    elif isinstance(obj.get("instruction"), str) and isinstance(obj.get("output"), str):
        prompt = obj["instruction"]
        if isinstance(obj.get("input"), str) and obj["input"].strip():
            prompt = f"{prompt}\n\n{obj['input']}"
        messages = [{"role": "user", "content": prompt}, {"role": "assistant", "content": obj["output"]}]
        if isinstance(obj.get("system"), str) and obj["system"].strip():
            messages.insert(0, {"role": "system", "content": obj["system"]})
        chat = conversation(messages)
    elif isinstance(obj.get("prompt"), str) and isinstance(obj.get("completion"), str):
        chat = conversation([{"role": "user", "content": obj["prompt"]},
                             {"role": "assistant", "content": obj["completion"]}])
    elif "text" in obj:
        if not isinstance(obj["text"], str) or not obj["text"].strip():
            return "`text` must be a non-empty string"
        return Record(line=0, text=obj["text"])
    else:
        return "no `messages` or `text` field"
    if isinstance(chat, str):
        return chat
    return Record(line=0, messages=chat.messages, tools=chat.tools, untrained=chat.untrained)


def read_dataset(path: str) -> Dataset:
    """Reads every record; unreadable ones are skipped and described in `problems`."""
    container = container_of(path)
    data = Dataset(path=path, records=[], unit=UNITS[container])
    for number, obj in read_objects(path, container):
        data.lines = number
        parsed = obj if isinstance(obj, Unreadable) else _parse(obj)
        if isinstance(parsed, str):
            data.problems.append(f"{data.unit} {number}: {parsed}")
        else:
            parsed.line, parsed.unit = number, data.unit
            data.records.append(parsed)
    return data


def no_valid_records(data: Dataset, wanted: str = "") -> TrainerError:
    name = os.path.basename(data.path)
    first = f": {data.problems[0]}" if data.problems else " (the file is empty)"
    more = f" and {len(data.problems) - 1} more" if len(data.problems) > 1 else ""
    what = f" {wanted}" if wanted else ""
    return TrainerError(
        "data", f"No valid{what} record in {name} ({data.lines} {data.unit}s){first}{more}",
        "Each record must be an object with `messages` (chat) or `text` (pre-training), or another format "
        "the lint knows; run Tunelab: Lint Dataset to see every problem.")


def choose_task(setting: str, data: Dataset) -> str:
    """`sft` for conversations, `cpt` for raw text; auto picks the kind most records have."""
    chats = sum(1 for r in data.records if r.kind == "chat")
    texts = len(data.records) - chats
    if setting == "auto":
        if not data.records:
            raise no_valid_records(data)
        return "sft" if chats >= texts else "cpt"
    return setting


def keep_task_records(data: Dataset, task: str) -> Dataset:
    """Drops the records of the other kind (noted in problems); raises when none is left."""
    kind = "chat" if task == "sft" else "text"
    kept = [r for r in data.records if r.kind == kind]
    dropped = [r for r in data.records if r.kind != kind]
    problems = data.problems + [f"{r.where}: a {r.kind} record in a {task} run" for r in dropped]
    out = Dataset(path=data.path, records=kept, problems=problems, lines=data.lines, unit=data.unit)
    if not kept:
        raise no_valid_records(out, "chat" if task == "sft" else "text")
    return out


def carve_eval(records: list, fraction: float, seed: int) -> tuple[list, list]:
    """Deterministic split of `fraction` of the records (at least one) for evaluation."""
    if fraction <= 0 or len(records) < 2:
        return list(records), []
    count = min(len(records) - 1, max(1, round(len(records) * fraction)))
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    eval_idx = set(order[:count])
    train = [r for i, r in enumerate(records) if i not in eval_idx]
    held = [r for i, r in enumerate(records) if i in eval_idx]
    return train, held
