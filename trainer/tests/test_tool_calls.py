"""Tool calls and loss weights: what the trainer reads from OpenAI-style chat records and how it labels them."""

from __future__ import annotations

import json

import pytest

import tiny
from tunelab_trainer.chat_messages import conversation
from tunelab_trainer.data import read_dataset
from tunelab_trainer.encoding import IGNORE_INDEX, TemplateError, encode_chat

TOOLS_TEMPLATE = (
    "{{ bos_token }}{% if tools %}<|system|>\nTools:{% for t in tools %} {{ t['function']['name'] }}{% endfor %}<|end|>\n"
    "{% endif %}{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}"
    "{% for c in m['tool_calls'] or [] %}<call>{{ c['function']['name'] }} {{ c['function']['arguments'] | tojson }}"
    "</call>{% endfor %}<|end|>\n{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
CALL = {"id": "call_1", "type": "function",
        "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}
TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]


def weather_record(**extra) -> dict:
    return {"messages": [{"role": "user", "content": "Weather in Paris?"},
                         {"role": "assistant", "content": None, "tool_calls": [CALL]},
                         {"role": "tool", "tool_call_id": "call_1", "content": "18 C"},
                         {"role": "assistant", "content": "It is 18 C in Paris."}], "tools": TOOLS, **extra}


def labelled_text(tokenizer, example) -> str:
    return tokenizer.decode([t for t, label in zip(example.input_ids, example.labels) if label != IGNORE_INDEX])


def test_a_tool_call_turn_is_read_with_empty_content_and_object_arguments(tmp_path):
    path = tiny.write_jsonl(str(tmp_path / "t.jsonl"), [weather_record()])
    data = read_dataset(path)
    assert data.problems == []
    record = data.records[0]
    call = record.messages[1]
    assert call["content"] == "" and call["tool_calls"] == [
        {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}, "id": "call_1"}]
    assert record.messages[2]["tool_call_id"] == "call_1"
    assert record.tools == TOOLS


def test_the_legacy_function_call_is_one_tool_call():
    parsed = conversation([{"role": "user", "content": "Hi"},
                           {"role": "assistant", "content": None, "function_call": {"name": "wave", "arguments": "{}"}}])
    assert parsed.messages[1]["tool_calls"] == [{"type": "function", "function": {"name": "wave", "arguments": {}}}]


@pytest.mark.parametrize("messages, reason", [
    ([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": None}], "message 2 has no text content"),
    ([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": None, "tool_calls": []}],
     "message 2 has `tool_calls` that is not a non-empty list"),
    ([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": None, "tool_calls": [{"function": {}}]}],
     "message 2 tool call 1 has no function name"),
    ([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello", "weight": 0.5}],
     "message 2 has weight 0.5 (use 0 or 1)"),
    ([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello", "weight": 0}],
     "every assistant message has weight 0 (nothing to learn)"),
    ([{"role": "user", "content": "Hi", "name": 7}, {"role": "assistant", "content": "Hello"}],
     "message 1 has a `name` that is not a string"),
])
def test_malformed_tool_calls_and_weights_are_skipped_with_a_reason(messages, reason):
    assert conversation(messages) == reason


def test_labels_cover_the_rendered_tool_call_and_the_answer():
    tokenizer = tiny.build_tokenizer(TOOLS_TEMPLATE)
    parsed = conversation(weather_record()["messages"], TOOLS)
    example = encode_chat(tokenizer, parsed.messages, 512, parsed.tools, parsed.untrained)
    text = labelled_text(tokenizer, example)
    assert '<call>get_weather {"city": "Paris"}</call><|end|>\n' in text
    assert "It is 18 C in Paris.<|end|>\n" in text
    assert "18 C<|end|>" not in text.replace("It is 18 C in Paris.<|end|>", "")  # the tool's result is input


def test_weight_zero_keeps_the_turn_as_context_without_loss():
    tokenizer = tiny.build_tokenizer()
    messages = [{"role": "user", "content": "What colour is the sky?"},
                {"role": "assistant", "content": "The sky is blue.", "weight": 0},
                {"role": "user", "content": "What colour is grass?"},
                {"role": "assistant", "content": "Grass is green.", "weight": 1}]
    parsed = conversation(messages)
    assert parsed.untrained == (1,)
    example = encode_chat(tokenizer, parsed.messages, 512, parsed.tools, parsed.untrained)
    assert labelled_text(tokenizer, example) == "Grass is green.<|end|>\n"
    assert "The sky is blue." in tokenizer.decode(example.input_ids)


def test_a_template_without_tool_support_is_an_error_not_an_empty_answer():
    tokenizer = tiny.build_tokenizer()  # renders only role and content
    parsed = conversation(weather_record()["messages"])
    with pytest.raises(TemplateError, match="does not render tool calls .*calls get_weather"):
        encode_chat(tokenizer, parsed.messages, 512)
    calls_rendered = tiny.build_tokenizer(TOOLS_TEMPLATE.replace("{% if tools %}", "{% if false %}"))
    with pytest.raises(TemplateError, match="does not render the record's `tools`"):
        encode_chat(calls_rendered, parsed.messages, 512, TOOLS)


def test_the_bundled_model_renders_tools_and_tool_calls():
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny.BUNDLED_MODEL)
    parsed = conversation(weather_record()["messages"], TOOLS)
    example = encode_chat(tokenizer, parsed.messages, 1024, parsed.tools, parsed.untrained)
    text = labelled_text(tokenizer, example)
    assert '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>' in text
    assert json.dumps(TOOLS[0]) in tokenizer.decode(example.input_ids)


def test_a_call_only_turn_is_found_when_the_template_renders_the_last_turn_differently():
    # As Qwen3 does: an empty reasoning block only on the final assistant turn, so prefixes are not prefixes.
    template = TOOLS_TEMPLATE.replace("<|{{ m['role'] }}|>\n", "<|{{ m['role'] }}|>\n{% if loop.last and "
                                      "m['role'] == 'assistant' %}<think></think>{% endif %}")
    tokenizer = tiny.build_tokenizer(template)
    messages = [{"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": None, "tool_calls": [CALL]},
                {"role": "tool", "content": "18 C"},
                {"role": "assistant", "content": "It is 18 C."}]
    parsed = conversation(messages)
    example = encode_chat(tokenizer, parsed.messages, 512)
    assert labelled_text(tokenizer, example) == (
        '<call>get_weather {"city": "Paris"}</call><|end|>\n<think></think>It is 18 C.<|end|>\n')


def test_tool_definitions_of_any_shape_never_crash_the_check():
    tokenizer = tiny.build_tokenizer(TOOLS_TEMPLATE.replace("{{ t['function']['name'] }}", "{{ t }}"))
    parsed = conversation(weather_record()["messages"], [{"function": {"name": 5}}, {"function": "x"}, {}])
    example = encode_chat(tokenizer, parsed.messages, 512, parsed.tools, parsed.untrained)
    assert example.loss_tokens > 0


def test_sharegpt_tools_as_llama_factory_writes_them_json_text(tmp_path):
    tools = [{"name": "get_weather", "parameters": {"type": "object"}}]
    turns = [{"from": "human", "value": "Weather?"}, {"from": "function_call", "value": '{"name": "get_weather"}'},
             {"from": "observation", "value": "18C"}, {"from": "gpt", "value": "It is 18C."}]
    path = tiny.write_jsonl(str(tmp_path / "t.jsonl"), [{"conversations": turns, "tools": json.dumps(tools)},
                                                       {"conversations": turns, "tools": ""},
                                                       {"conversations": turns, "tools": "get_weather(city)"}])
    data = read_dataset(path)
    assert [r.tools for r in data.records] == [tools, None]
    assert data.problems == ["line 3: `tools` is text that is not JSON (give the tool definitions as a JSON list)"]


def test_a_run_trains_on_tool_call_records_from_a_csv_file(tmp_path):
    """End to end on the tiny model: tool calls and tools from a CSV file through the real loop."""
    import csv
    import io

    from conftest import FAST, json_lines
    from tunelab_trainer.events import EventSink
    from tunelab_trainer.train import Training

    model = tiny.build_model_dir(str(tmp_path / "model"), chat_template=TOOLS_TEMPLATE)
    path = tmp_path / "tools.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["messages", "tools"])
        for q, a in tiny.FACTS * 2:
            record = weather_record()
            record["messages"][0]["content"] = q
            record["messages"][3] = {"role": "assistant", "content": a}
            writer.writerow([json.dumps(record["messages"]), json.dumps(TOOLS)])
    out = io.StringIO()
    run = tiny.write_run(str(tmp_path / "run"), **{**FAST, "model": model, "train_file": str(path), "max_steps": 2})
    training = Training(run, EventSink(out))
    training.setup()
    done = training.run()
    assert done["status"] == "completed"
    start = json_lines(out.getvalue())[0]
    assert start["type"] == "start" and start["task"] == "sft"
    labelled = tiny.build_tokenizer(TOOLS_TEMPLATE).decode(
        [t for t, label in zip(training.train_examples[0].input_ids, training.train_examples[0].labels) if label != -100])
    assert '<call>get_weather {"city": "Paris"}</call>' in labelled


def test_a_sharegpt_record_level_system_prompt_becomes_the_first_turn(tmp_path):
    turns = [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello."}]
    path = tiny.write_jsonl(str(tmp_path / "t.jsonl"), [{"conversations": turns, "system": "Be brief."},
                                                       {"conversations": [{"from": "system", "value": "Own."}, *turns],
                                                        "system": "Ignored: the record has its own."}])
    first, second = read_dataset(path).records
    assert first.messages[0] == {"role": "system", "content": "Be brief."} and len(first.messages) == 3
    assert second.messages[0] == {"role": "system", "content": "Own."} and len(second.messages) == 3
