"""The objects of a dataset file in each container the lint reads: JSONL, a JSON array, CSV, Parquet.

Yields (number, object) or (number, why it is unreadable); the number counts in the file's own unit (a line of
JSONL or CSV, a record of a JSON array, a row of Parquet), as the lint's findings do. CSV follows
src/core/dataset/csv.ts: a header row, and `messages`, `conversations` and `tools` cells holding JSON (pandas'
to_csv of a list column after json.dumps). Parquet needs pyarrow, imported only for Parquet files.
"""

from __future__ import annotations

import csv
import json
import os
from typing import Iterator, Union

from .errors import TrainerError

JSON_COLUMNS = ("messages", "conversations", "tools")
Item = tuple[int, Union[dict, list, str, int, float, bool, None, "Unreadable"]]


class Unreadable(str):
    """Why a line or row cannot be read (a str subclass, so a string record stays distinguishable)."""


def container_of(path: str) -> str:
    with open(path, "rb") as f:
        head = f.read(4096)
    if head.startswith(b"PAR1"):
        return "parquet"
    if os.path.splitext(path)[1].lower() == ".csv":
        return "csv"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return "json-array" if stripped.startswith(b"[") else "jsonl"


UNITS = {"jsonl": "line", "csv": "line", "json-array": "record", "parquet": "row"}


def read_objects(path: str, container: str) -> Iterator[Item]:
    return {"jsonl": _jsonl, "json-array": _json_array, "csv": _csv, "parquet": _parquet}[container](path)


def _jsonl(path: str) -> Iterator[Item]:
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                yield number, json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield number, Unreadable("not UTF-8 text")
            except json.JSONDecodeError as exc:
                yield number, Unreadable(f"invalid JSON ({exc.msg})")


def _json_array(path: str) -> Iterator[Item]:
    try:
        with open(path, encoding="utf-8-sig") as f:
            items = json.load(f)
    except UnicodeDecodeError:
        raise TrainerError("data", f"{os.path.basename(path)} is not UTF-8 text", "Save the file as UTF-8.")
    except json.JSONDecodeError as exc:
        raise TrainerError("data", f"{os.path.basename(path)} is not a valid JSON array ({exc.msg} at line {exc.lineno})",
                           "Run Tunelab: Lint Dataset to see where, or save the records as JSONL.")
    if not isinstance(items, list):
        raise TrainerError("data", f"{os.path.basename(path)} holds JSON that is not an array of records",
                           "Give a JSON array of record objects, or JSONL with one record per line.")
    yield from enumerate(items, start=1)


def _csv(path: str) -> Iterator[Item]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = None
        line = 1
        for row in reader:
            start, line = line, reader.line_num + 1
            if not row:
                continue
            if header is None:
                header = [h.strip() for h in row]
                continue
            if len(row) != len(header):
                yield start, Unreadable(f"row has {len(row)} fields but the header has {len(header)} columns "
                                        "(quote fields that contain commas)")
                continue
            yield start, _csv_record(header, row)


def _csv_record(header: list[str], row: list[str]) -> Union[dict, Unreadable]:
    record: dict = {}
    for name, cell in zip(header, row):
        if name in JSON_COLUMNS and cell.strip():
            try:
                record[name] = json.loads(cell)
            except json.JSONDecodeError as exc:
                return Unreadable(f'column "{name}" must hold JSON (a list of messages): {exc.msg}')
        else:
            record[name] = cell
    return record


def _parquet(path: str) -> Iterator[Item]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise TrainerError("environment", f"reading {os.path.basename(path)} (Parquet) needs pyarrow",
                           "pip install pyarrow in the trainer's Python, or save the dataset as JSONL.")
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several kinds for damaged files
        raise TrainerError("data", f"{os.path.basename(path)} cannot be read as Parquet: {exc}",
                           "Check the file, or save the dataset as JSONL.")
    yield from enumerate(table.to_pylist(), start=1)
