"""`doctor` prints one JSON object describing the environment."""

from __future__ import annotations

import json
import platform

from conftest import run_cli


def test_doctor_reports_versions_and_devices():
    result = run_cli("doctor")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert report["python"] == platform.python_version()
    for key in ("torch", "transformers", "peft", "accelerate"):
        assert isinstance(report[key], str) and report[key][0].isdigit()
    assert isinstance(report["cuda"], bool) and isinstance(report["bf16"], bool)
    assert isinstance(report["gpus"], list)
    for gpu in report["gpus"]:
        assert isinstance(gpu["name"], str) and gpu["memory_gb"] > 0
    if not report["cuda"]:
        assert report["gpus"] == [] and report["bf16"] is False
    assert report["missing"] == [] and report["fix"] is None and report["ok"] is True
