"""Reading JSONL datasets into chat conversations or raw text, choosing the task, splitting eval.

Accepted record shapes (one JSON object per line):
  chat        {"messages": [{"role": "system"|"user"|"assistant"|"tool", "content": "..."}]}
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

from .errors import TrainerError

ROLES = ("system", "user", "assistant", "tool")
SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
                  "system": "system", "tool": "tool", "function_call": "assistant", "observation": "tool"}


@dataclass
class Record:
    line: int
    messages: Optional[list[dict]] = None
    text: Optional[str] = None

    @property
    def kind(self) -> str:
        return "chat" if self.messages is not None else "text"


@dataclass
class Dataset:
    path: str
    records: list[Record]
    problems: list[str] = field(default_factory=list)   # "line N: why", for skipped lines
    lines: int = 0


def _content_text(content) -> Optional[str]:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # OpenAI-style parts: keep the text ones
        parts = [p.get("text") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)]
        return "".join(parts) if parts else None
    return None


def _chat_from_messages(messages) -> Union[list[dict], str]:
    if not isinstance(messages, list) or not messages:
        return "`messages` must be a non-empty list"
    out = []
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict):
            return f"message {i + 1} is not an object"
        role = msg.get("role")
        if role not in ROLES:
            return f"message {i + 1} has unknown role {json.dumps(role)} (use {', '.join(ROLES)})"
        content = _content_text(msg.get("content"))
        if content is None:
            return f"message {i + 1} has no text content"
        out.append({"role": role, "content": content})
    if not any(m["role"] == "assistant" and m["content"].strip() for m in out):
        return "no assistant message with content"
    return out


def _parse(obj) -> Union[Record, str]:
    if not isinstance(obj, dict):
        return "not a JSON object"
    if "messages" in obj:
        chat = _chat_from_messages(obj["messages"])
    elif "conversations" in obj and isinstance(obj["conversations"], list):
        turns = obj["conversations"]
        if not all(isinstance(t, dict) for t in turns):
            return "`conversations` must be a list of objects"
        chat = _chat_from_messages([{"role": SHAREGPT_ROLES.get(t.get("from"), t.get("from")),
                                     "content": t.get("value")} for t in turns])
    elif isinstance(obj.get("instruction"), str) and isinstance(obj.get("output"), str):
        prompt = obj["instruction"]
        if isinstance(obj.get("input"), str) and obj["input"].strip():
            prompt = f"{prompt}\n\n{obj['input']}"
        messages = [{"role": "user", "content": prompt}, {"role": "assistant", "content": obj["output"]}]
        if isinstance(obj.get("system"), str) and obj["system"].strip():
            messages.insert(0, {"role": "system", "content": obj["system"]})
        chat = _chat_from_messages(messages)
    elif isinstance(obj.get("prompt"), str) and isinstance(obj.get("completion"), str):
        chat = _chat_from_messages([{"role": "user", "content": obj["prompt"]},
                                    {"role": "assistant", "content": obj["completion"]}])
    elif "text" in obj:
        if not isinstance(obj["text"], str) or not obj["text"].strip():
            return "`text` must be a non-empty string"
        return Record(line=0, text=obj["text"])
    else:
        return "no `messages` or `text` field"
    return chat if isinstance(chat, str) else Record(line=0, messages=chat)


def read_dataset(path: str) -> Dataset:
    """Reads every line; bad lines are skipped and described in `problems`."""
    data = Dataset(path=path, records=[])
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            data.lines = number
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                data.problems.append(f"line {number}: not UTF-8 text")
                continue
            except json.JSONDecodeError as exc:
                data.problems.append(f"line {number}: invalid JSON ({exc.msg})")
                continue
            parsed = _parse(obj)
            if isinstance(parsed, str):
                data.problems.append(f"line {number}: {parsed}")
            else:
                parsed.line = number
                data.records.append(parsed)
    return data


def no_valid_records(data: Dataset, wanted: str = "") -> TrainerError:
    name = os.path.basename(data.path)
    first = f": {data.problems[0]}" if data.problems else " (the file is empty)"
    more = f" and {len(data.problems) - 1} more" if len(data.problems) > 1 else ""
    what = f" {wanted}" if wanted else ""
    return TrainerError(
        "data", f"No valid{what} record in {name} ({data.lines} lines){first}{more}",
        "Each line must be a JSON object with `messages` (chat) or `text` (pre-training); "
        "run Tunelab: Lint Dataset to see every problem.")


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
    problems = data.problems + [f"line {r.line}: a {r.kind} record in a {task} run" for r in dropped]
    out = Dataset(path=data.path, records=kept, problems=problems, lines=data.lines)
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
