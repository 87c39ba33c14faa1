"""Config validation (every problem at once) and dataset reading, without torch."""

from __future__ import annotations

import json

import pytest

import tiny
from tunelab_trainer.config import DEFAULTS, load_config, validate_config
from tunelab_trainer.data import carve_eval, choose_task, keep_task_records, read_dataset
from tunelab_trainer.errors import TrainerError
from tunelab_trainer.train import lr_at


def valid(tmp_path, **overrides) -> dict:
    (tmp_path / "model").mkdir(exist_ok=True)
    (tmp_path / "model" / "config.json").write_text('{"model_type": "llama"}')
    (tmp_path / "model" / "model.safetensors").write_text("")
    (tmp_path / "model" / "tokenizer.json").write_text("{}")
    train = tiny.write_jsonl(str(tmp_path / "train.jsonl"), tiny.chat_records(1))
    return {**DEFAULTS, "model": str(tmp_path / "model"), "train_file": train, **overrides}


def test_defaults_are_valid(tmp_path):
    assert validate_config(valid(tmp_path)) == []


def test_every_problem_is_reported_at_once(tmp_path):
    cfg = valid(tmp_path, lora_r=0, learning_rate=2, effective_batch_size=30, micro_batch_size=4,
                lr_scheduler="step", max_seq_length=8, warmup_ratio=1.5, model=str(tmp_path / "nope"))
    fields = [p["field"] for p in validate_config(cfg)]
    assert sorted(fields) == sorted(["lora_r", "learning_rate", "effective_batch_size", "lr_scheduler",
                                     "max_seq_length", "warmup_ratio", "model"])
    messages = {p["field"]: p["message"] for p in validate_config(cfg)}
    assert messages["lora_r"] == "lora_r must be an integer from 1 to 1024 (got 0)"
    assert messages["effective_batch_size"] == \
        "effective_batch_size (30) must be a multiple of micro_batch_size (4): use 28 or 32"
    assert messages["model"].startswith("model folder not found")


@pytest.mark.parametrize("field,value", [("lora_r", 1025), ("lora_r", 2.5), ("lora_alpha", 0), ("lora_dropout", 1),
                                         ("epochs", 0), ("epochs", 1001), ("micro_batch_size", 0),
                                         ("weight_decay", -0.1), ("lora_r", True), ("device", "tpu"),
                                         ("task", "rl"), ("target_modules", []), ("max_steps", 0)])
def test_out_of_range_values_are_rejected(tmp_path, field, value):
    assert [p["field"] for p in validate_config(valid(tmp_path, **{field: value}))] == [field]


@pytest.mark.parametrize("files,expected", [
    ({}, "no config.json"),
    ({"config.json": "{nope"}, "config.json is not valid JSON"),
    ({"config.json": '{"hello": "world"}'}, "has no model_type"),
    ({"config.json": '{"model_type": "llama"}', "tokenizer.json": "{}"}, "has no weights"),
    ({"config.json": '{"model_type": "llama"}', "model.safetensors": ""}, "has no tokenizer files"),
])
def test_folders_that_are_not_hugging_face_models(tmp_path, files, expected):
    folder = tmp_path / "not-a-model"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    problems = validate_config(valid(tmp_path, model=str(folder)))
    assert [p["field"] for p in problems] == ["model"] and expected in problems[0]["message"]


def test_load_config_fills_defaults_and_raises_one_config_error(tmp_path):
    cfg = valid(tmp_path)
    minimal = {"version": 1, "model": cfg["model"], "train_file": cfg["train_file"]}
    (tmp_path / "config.json").write_text(json.dumps(minimal))
    assert load_config(str(tmp_path))["lora_r"] == DEFAULTS["lora_r"]
    (tmp_path / "config.json").write_text(json.dumps({**minimal, "lora_r": 0, "epochs": -1}))
    with pytest.raises(TrainerError) as info:
        load_config(str(tmp_path))
    assert info.value.kind == "config" and "2 problems" in info.value.message
    assert [p["field"] for p in info.value.extra["problems"]] == ["lora_r", "epochs"]


def test_reading_skips_bad_lines_and_names_them(tmp_path):
    path = tiny.write_jsonl(str(tmp_path / "d.jsonl"), [
        '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}',
        "{not json",
        '{"messages": [{"role": "user", "content": "hi"}]}',
        '{"instruction": "Add", "input": "1+1", "output": "2"}',
        '{"prompt": "p", "completion": "c"}',
        '{"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]}',
        '{"messages": [{"role": "robot", "content": "x"}]}',
        "",
    ])
    data = read_dataset(path)
    assert [r.line for r in data.records] == [1, 4, 5, 6]
    assert data.records[1].messages == [{"role": "user", "content": "Add\n\n1+1"}, {"role": "assistant", "content": "2"}]
    assert data.problems == ["line 2: invalid JSON (Expecting property name enclosed in double quotes)",
                             "line 3: no assistant message with content",
                             'line 7: message 1 has unknown role "robot" (use system, user, assistant, tool)']


def test_task_auto_detects_text_and_refuses_a_wrong_forced_task(tmp_path):
    data = read_dataset(tiny.write_jsonl(str(tmp_path / "t.jsonl"), [{"text": "a b c"}, {"text": "d e f"}]))
    assert choose_task("auto", data) == "cpt"
    with pytest.raises(TrainerError) as info:
        keep_task_records(data, "sft")
    assert info.value.kind == "data" and "No valid chat record" in info.value.message


def test_eval_carve_is_deterministic_and_disjoint():
    records = list(range(50))
    train, held = carve_eval(records, 0.1, seed=3)
    assert len(held) == 5 and sorted(train + held) == records
    assert carve_eval(records, 0.1, seed=3) == (train, held)
    assert carve_eval(records, 0.1, seed=4)[1] != held
    assert carve_eval([1], 0.5, seed=0) == ([1], [])


def test_learning_rate_schedules():
    assert lr_at(0, 100, 1.0, 10, "cosine") == pytest.approx(0.1)
    assert lr_at(9, 100, 1.0, 10, "cosine") == pytest.approx(1.0)
    assert lr_at(55, 100, 1.0, 10, "cosine") == pytest.approx(0.5)
    assert lr_at(55, 100, 1.0, 10, "linear") == pytest.approx(0.5)
    assert lr_at(99, 100, 1.0, 10, "constant") == 1.0
    assert lr_at(99, 100, 1.0, 10, "cosine") < 0.001


def test_unknown_keys_are_named_with_a_suggestion(tmp_path):
    problems = validate_config(valid(tmp_path, learning_rat=0.1))
    assert problems == [{"field": "learning_rat",
                         "message": 'unknown setting "learning_rat": did you mean "learning_rate"?'}]
