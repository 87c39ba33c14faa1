"""Datasets in every container the lint reads: JSONL, JSON arrays, CSV and Parquet reach training alike."""

from __future__ import annotations

import builtins
import json
import os

import pytest

from tunelab_trainer.data import read_dataset
from tunelab_trainer.errors import TrainerError

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "datasets")
CHAT = [{"messages": [{"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4"}]},
        {"messages": [{"role": "user", "content": "Capital of Italy?"}, {"role": "assistant", "content": "Rome."}]}]


def test_a_json_array_is_read_record_by_record(tmp_path):
    path = tmp_path / "train.json"
    path.write_text(json.dumps(CHAT + [{"messages": []}], indent=2), encoding="utf-8")
    data = read_dataset(str(path))
    assert [r.messages[1]["content"] for r in data.records] == ["4", "Rome."]
    assert [r.where for r in data.records] == ["record 1", "record 2"]
    assert data.problems == ["record 3: `messages` must be a non-empty list"]


def test_a_broken_json_array_is_a_data_error(tmp_path):
    path = tmp_path / "train.json"
    path.write_text("[{\"messages\": ", encoding="utf-8")
    with pytest.raises(TrainerError, match=r"train.json is not a valid JSON array \(Expecting value at line 1\)") as err:
        read_dataset(str(path))
    assert err.value.kind == "data"


def test_csv_rows_with_json_message_cells_and_plain_columns(tmp_path):
    path = tmp_path / "train.csv"
    messages = json.dumps(CHAT[0]["messages"]).replace('"', '""')
    path.write_text("\ufeffmessages,id\r\n"
                    f"\"{messages}\",1\r\n"
                    "\r\n"
                    "\"[{\"\"role\"\": \"\"user\"\", \"\"content\"\": \"\"two\\nlines\"\"},\n"
                    "{\"\"role\"\": \"\"assistant\"\", \"\"content\"\": \"\"ok\"\"}]\",2\r\n"
                    "not json,3\r\n"
                    "too,many,fields\r\n", encoding="utf-8")
    data = read_dataset(str(path))
    assert [r.messages for r in data.records] == [CHAT[0]["messages"], [{"role": "user", "content": "two\nlines"},
                                                                       {"role": "assistant", "content": "ok"}]]
    # lines as the lint counts them: a row starts on its first line, blank lines count
    assert [r.where for r in data.records] == ["line 2", "line 4"]
    assert data.problems == ['line 6: column "messages" must hold JSON (a list of messages): Expecting value',
                             "line 7: row has 3 fields but the header has 2 columns (quote fields that contain commas)"]


def test_csv_instruction_columns(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text("instruction,input,output\nTranslate to French.,Good morning,Bonjour\n", encoding="utf-8")
    [record] = read_dataset(str(path)).records
    assert record.messages == [{"role": "user", "content": "Translate to French.\n\nGood morning"},
                               {"role": "assistant", "content": "Bonjour"}]


def test_parquet_nested_chat_and_string_columns_as_hugging_face_datasets_writes_them():
    chat = read_dataset(os.path.join(FIXTURES, "chat.parquet"))
    assert [r.where for r in chat.records] == ["row 1", "row 2", "row 3", "row 4", "row 5"]
    assert chat.records[1].messages == [{"role": "system", "content": "Be brief."},
                                        {"role": "user", "content": "Capital of Italy?"},
                                        {"role": "assistant", "content": "Rome."}]
    instruction = read_dataset(os.path.join(FIXTURES, "instruction.parquet"))
    assert instruction.records[0].messages[0]["content"] == "Translate to French.\n\nGood morning"
    assert instruction.problems == ["row 3: no assistant message with content"]  # its output is empty
    text = read_dataset(os.path.join(FIXTURES, "text.parquet"))
    assert [r.text for r in text.records] == ["A plain document for continued pre-training.",
                                              "Another one, with <b>markup</b>."]


def test_parquet_null_fields_of_struct_columns_count_as_absent(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    message = pa.struct([("role", pa.string()), ("content", pa.string()), ("name", pa.string()),
                         ("weight", pa.int64())])
    table = pa.table({"messages": pa.array([[{"role": "user", "content": "Hi", "name": None, "weight": None},
                                             {"role": "assistant", "content": "Hello", "name": None, "weight": 1}]],
                                           type=pa.list_(message))})
    pq.write_table(table, str(tmp_path / "t.parquet"))
    [record] = read_dataset(str(tmp_path / "t.parquet")).records
    assert record.messages == [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]


def test_parquet_without_pyarrow_says_what_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with pytest.raises(TrainerError, match=r"chat.parquet \(Parquet\) needs pyarrow") as err:
        read_dataset(os.path.join(FIXTURES, "chat.parquet"))
    assert err.value.kind == "environment" and "pip install pyarrow" in err.value.hint


def test_a_run_reads_csv_training_data_and_a_json_array_eval_file(tmp_path):
    from tunelab_trainer.prepare import read_split

    train = tmp_path / "train.csv"
    train.write_text("prompt,completion\nWhat is 2 + 2?,4\nCapital of Italy?,Rome.\n", encoding="utf-8")
    held = tmp_path / "eval.json"
    held.write_text(json.dumps(CHAT[:1]), encoding="utf-8")
    split = read_split({"train_file": str(train), "eval_file": str(held), "task": "auto", "eval_fraction": 0.1,
                        "seed": 0})
    assert split.task == "sft" and len(split.train) == 2 and len(split.eval) == 1 and split.warnings == []
