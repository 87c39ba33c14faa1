"""Chat messages as the chat template receives them: roles checked, text content, tool calls, loss weights.

OpenAI's fine-tuning format gives an assistant turn that only calls tools `content: null` and
`tool_calls: [{"id", "type": "function", "function": {"name", "arguments": "<JSON text>"}}]`; the older
`function_call: {"name", "arguments"}` is one such call. Hugging Face chat templates expect `content` to be a
string and `arguments` an object (several render it with `| tojson`, which would quote JSON text a second time),
so null content becomes "" and arguments holding a JSON object's text become that object. `weight: 0` on an
assistant turn (OpenAI) keeps the turn as context without loss on it. src/core/tokenizer/training-input.ts
mirrors this for the editor's hover and token counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional, Union

ROLES = ("system", "user", "assistant", "tool")


@dataclass
class Conversation:
    messages: list[dict]
    tools: Optional[list[dict]] = None
    untrained: tuple[int, ...] = ()   # indexes of assistant turns with weight 0


def content_text(content) -> Optional[str]:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # OpenAI-style parts: keep the text ones
        parts = [p.get("text") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)]
        return "".join(parts) if parts else None
    return None


def _arguments(value):
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return parsed if isinstance(parsed, dict) else value
    return value


def _tool_call(call, where: str) -> Union[dict, str]:
    if not isinstance(call, dict):
        return f"{where} is not an object"
    function = call.get("function", call)  # some datasets put name/arguments on the call itself
    if not isinstance(function, dict) or not isinstance(function.get("name"), str) or not function["name"].strip():
        return f"{where} has no function name"
    arguments = function.get("arguments", {})
    if not isinstance(arguments, (str, dict)):
        return f"{where} has arguments that are neither an object nor JSON text"
    out = {"type": "function", "function": {"name": function["name"], "arguments": _arguments(arguments)}}
    if isinstance(call.get("id"), str):
        out["id"] = call["id"]
    return out


def _tool_calls(msg: dict, label: str) -> Union[list[dict], str, None]:
    calls = msg.get("tool_calls")
    if calls is None and msg.get("function_call") is not None:
        calls = [{"function": msg["function_call"]}]
    if calls is None:
        return None
    if not isinstance(calls, list) or not calls:
        return f"{label} has `tool_calls` that is not a non-empty list"
    out = []
    for k, call in enumerate(calls):
        parsed = _tool_call(call, f"{label} tool call {k + 1}")
        if isinstance(parsed, str):
            return parsed
        out.append(parsed)
    return out


def conversation(messages, tools=None) -> Union[Conversation, str]:
    """The conversation, or why the trainer skips the record."""
    if not isinstance(messages, list) or not messages:
        return "`messages` must be a non-empty list"
    if tools is not None and (not isinstance(tools, list) or not all(isinstance(t, dict) for t in tools)):
        return "`tools` must be a list of objects"
    out: list[dict] = []
    untrained: list[int] = []
    for i, msg in enumerate(messages):
        label = f"message {i + 1}"
        if not isinstance(msg, dict):
            return f"{label} is not an object"
        role = msg.get("role")
        if role not in ROLES:
            return f"{label} has unknown role {json.dumps(role)} (use {', '.join(ROLES)})"
        calls = _tool_calls(msg, label) if role == "assistant" else None
        if isinstance(calls, str):
            return calls
        content = content_text(msg.get("content"))
        if content is None:
            if not calls or msg.get("content") is not None:
                return f"{label} has no text content"
            content = ""
        message = {"role": role, "content": content}
        if calls:
            message["tool_calls"] = calls
        for key in ("name", "tool_call_id"):  # null is absent: Parquet struct columns give every key
            if msg.get(key) is not None:
                if not isinstance(msg[key], str):
                    return f"{label} has a `{key}` that is not a string"
                message[key] = msg[key]
        weight = 1 if msg.get("weight") is None else msg["weight"]
        if role == "assistant":
            if weight not in (0, 1) or isinstance(weight, bool):
                return f"{label} has weight {json.dumps(weight)} (use 0 or 1)"
            if weight == 0:
                untrained.append(i)
        out.append(message)
    learnable = [i for i, m in enumerate(out)
                 if m["role"] == "assistant" and (m["content"].strip() or m.get("tool_calls"))]
    if not learnable:
        return "no assistant message with content"
    if all(i in untrained for i in learnable):
        return "every assistant message has weight 0 (nothing to learn)"
    return Conversation(out, tools=tools, untrained=tuple(untrained))
