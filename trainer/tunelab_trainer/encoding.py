"""Turning records into token ids and labels (-100 where no loss), and padding batches.

Chat: the conversation is rendered with the tokenizer's chat template; the assistant spans are
found by rendering growing prefixes of the conversation (prompt with the generation prompt, then
prompt + answer), so every template that renders conversations as a prefix-extending string
works without knowing its markers. Only tokens that overlap an assistant span carry labels, which
includes the end-of-turn marker, so the model learns to stop.
Text (continued pre-training): every token carries a label; long documents become several windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .errors import first_line

IGNORE_INDEX = -100


@dataclass
class Example:
    input_ids: list[int]
    labels: list[int]

    @property
    def loss_tokens(self) -> int:
        # Position 0 is never predicted (labels are shifted by one).
        return sum(1 for label in self.labels[1:] if label != IGNORE_INDEX)


class TemplateError(ValueError):
    """A conversation the chat template cannot render."""


def _render(tokenizer, messages: list[dict], generation_prompt: bool, tools=None) -> str:
    try:
        text = tokenizer.apply_chat_template(messages, tools=tools, tokenize=False,
                                             add_generation_prompt=generation_prompt)
    except Exception as exc:  # jinja raise_exception(), missing variables, ...
        raise TemplateError(f"the chat template cannot render it ({first_line(exc)})")
    if not isinstance(text, str):
        raise TemplateError("the chat template did not return text")
    return text


def assistant_spans(tokenizer, messages: list[dict], tools=None) -> tuple[str, dict[int, tuple[int, int]]]:
    """The rendered conversation and the [start, end) character spans of assistant turns, by message index."""
    full = _render(tokenizer, messages, False, tools)
    spans: dict[int, tuple[int, int]] = {}
    cursor = 0
    for i, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        upto = _render(tokenizer, messages[: i + 1], False, tools)
        start: Optional[int] = None
        if i > 0:
            for generation_prompt in (True, False):
                prompt = _render(tokenizer, messages[:i], generation_prompt, tools)
                if upto.startswith(prompt) and full.startswith(upto):
                    start = len(prompt)
                    break
        elif full.startswith(upto):
            start = upto.find(message["content"]) if message["content"] else len(upto)
        if start is not None and start >= cursor:
            spans[i] = (start, len(upto))
            cursor = len(upto)
            continue
        # Templates that re-render earlier turns differently (e.g. dropping reasoning): find the
        # content itself, then the end-of-turn text that follows it in the single-turn rendering.
        if not message["content"]:
            spans[i] = _turn_by_its_ending(full, upto, _render(tokenizer, messages[:i], True, tools), cursor, i)
            cursor = spans[i][1]
            continue
        found = full.find(message["content"], cursor)
        if found < 0:
            raise TemplateError(f"assistant message {i + 1} does not appear in the rendered conversation")
        end = found + len(message["content"])
        tail_at = upto.rfind(message["content"])
        tail = upto[tail_at + len(message["content"]):] if tail_at >= 0 else ""
        if tail and full.startswith(tail, end):
            end += len(tail)
        spans[i] = (found, end)
        cursor = end
    return full, spans


def _turn_by_its_ending(full: str, upto: str, prompt: str, cursor: int, i: int) -> tuple[int, int]:
    """A turn without text (it only calls tools): after the prompt, up to the longest ending it shares with its
    single-turn rendering (which may hold more, such as an empty reasoning block)."""
    if not upto.startswith(prompt):
        raise TemplateError(f"assistant message {i + 1} cannot be located in the rendered conversation")
    turn = upto[len(prompt):]
    start = len(prompt) if full.startswith(prompt) and len(prompt) >= cursor else cursor
    low, high = 0, len(turn)  # a suffix found implies every shorter one is found: bisect its length
    while low < high:
        mid = (low + high + 1) // 2
        if full.find(turn[len(turn) - mid:], start) >= 0:
            low = mid
        else:
            high = mid - 1
    if low == 0:
        raise TemplateError(f"assistant message {i + 1} does not appear in the rendered conversation")
    end = full.find(turn[len(turn) - low:], start) + low
    return start, end


def _function_name(entry) -> str:
    function = entry.get("function", entry) if isinstance(entry, dict) else None
    name = function.get("name") if isinstance(function, dict) else None
    return name if isinstance(name, str) else ""


def _gaps(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    gaps, cursor = [], 0
    for start, end in spans:
        gaps.append((cursor, start))
        cursor = end
    gaps.append((cursor, length))
    return gaps


def check_tools_rendered(text: str, spans: dict[int, tuple[int, int]], messages: list[dict], tools) -> None:
    """Templates without tool support drop tool calls silently: the model would learn an empty answer."""
    for i, (start, end) in spans.items():
        for call in messages[i].get("tool_calls", ()):
            name = _function_name(call)
            if name not in text[start:end]:
                raise TemplateError(f"the chat template does not render tool calls (assistant message {i + 1} calls "
                                    f"{name}, which its rendered turn lacks); train on a model whose chat "
                                    f"template supports tools")
    # The definitions sit outside the answers (a call repeats the name inside one).
    outside = "".join(text[start:end] for start, end in _gaps(sorted(spans.values()), len(text)))
    for tool in tools or ():
        name = _function_name(tool)
        if name and name not in outside:
            raise TemplateError(f"the chat template does not render the record's `tools` ({name} is missing); "
                                f"train on a model whose chat template supports tools")


def _token_offsets(tokenizer, text: str) -> tuple[list[int], Optional[list[tuple[int, int]]]]:
    try:
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return list(enc["input_ids"]), [tuple(o) for o in enc["offset_mapping"]]
    except (NotImplementedError, ValueError, TypeError):  # slow (Python) tokenizers have no offsets
        return list(tokenizer(text, add_special_tokens=False)["input_ids"]), None


def encode_chat(tokenizer, messages: list[dict], max_length: int, tools=None, untrained=()) -> Example:
    """Labels on assistant turns, but not on those in `untrained` (weight 0)."""
    text, by_turn = assistant_spans(tokenizer, messages, tools)
    check_tools_rendered(text, by_turn, messages, tools)
    spans = [span for i, span in sorted(by_turn.items()) if i not in untrained]
    ids, offsets = _token_offsets(tokenizer, text)
    labels = [IGNORE_INDEX] * len(ids)
    if offsets is not None:
        for index, (start, end) in enumerate(offsets):
            for span_start, span_end in spans:
                inside = (start < span_end and end > span_start) if end > start else span_start <= start < span_end
                if inside:
                    labels[index] = ids[index]
                    break
    else:
        for span_start, span_end in spans:
            first = len(tokenizer(text[:span_start], add_special_tokens=False)["input_ids"])
            last = len(tokenizer(text[:span_end], add_special_tokens=False)["input_ids"])
            for index in range(first, min(last, len(ids))):
                labels[index] = ids[index]
    return Example(ids[:max_length], labels[:max_length])


def encode_text(tokenizer, text: str, max_length: int) -> list[Example]:
    ids = list(tokenizer(text, add_special_tokens=True)["input_ids"])
    eos = tokenizer.eos_token_id
    if eos is not None and (not ids or ids[-1] != eos):
        ids.append(eos)
    windows = []
    for start in range(0, len(ids), max_length):
        window = ids[start:start + max_length]
        if len(window) >= 2:
            windows.append(Example(window, list(window)))
    return windows


def pad_batch(examples: list[Example], pad_id: int):
    """Dynamic padding to the longest example of the batch (right side)."""
    import torch

    width = max(len(e.input_ids) for e in examples)
    input_ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE_INDEX, dtype=torch.long)
    attention = torch.zeros((len(examples), width), dtype=torch.long)
    for row, e in enumerate(examples):
        n = len(e.input_ids)
        input_ids[row, :n] = torch.tensor(e.input_ids, dtype=torch.long)
        labels[row, :n] = torch.tensor(e.labels, dtype=torch.long)
        attention[row, :n] = 1
    return input_ids, attention, labels
