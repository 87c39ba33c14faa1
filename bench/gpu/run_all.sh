#!/usr/bin/env bash
# The GPU session's one command (an H100/H200, no network; torch, transformers, peft installed):
#     bash bench/gpu/run_all.sh
# Writes under $OUT if set, else bench/gpu/out/: env.txt (GPU, driver, versions), throughput.log and
# throughput.json (bench/gpu/throughput.py: Tunelab vs Hugging Face Trainer + peft; the log's last line is
# the summary JSON, also in throughput_summary.json), memory_check.log and memory_results.json
# (bench/gpu/memory_check.py: the memory estimate against measured peaks). Each step has its own time
# limit; in all it stays under about 8 minutes. A step that fails or times out does not stop the next.
# Python: $TUNELAB_PYTHON, else $PYTHON, else the first of python3, python that imports torch. --smoke runs both scripts' CPU smoke modes instead.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$root/bench/gpu/out}"
python="${TUNELAB_PYTHON:-${PYTHON:-}}"
if [[ -z "$python" ]]; then  # the first interpreter on PATH that has torch
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import torch' 2>/dev/null; then python=$candidate; break; fi
  done
  python="${python:-python3}"
fi
smoke=()
if [[ "${1:-}" == "--smoke" ]]; then smoke=(--smoke); fi
mkdir -p "$out"
: > "$out/steps.txt"
# The ~0.9 GB model folder goes to a scratch folder, never under $OUT (which is copied back).
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
cd "$root"

{
  date -u +%Y-%m-%dT%H:%M:%SZ
  git rev-parse HEAD 2>/dev/null && git status --short 2>/dev/null | head -20
  nvidia-smi 2>&1 || echo "no nvidia-smi"
  "$python" -c 'import sys, torch, transformers, peft; print(sys.version.split()[0], "torch", torch.__version__,
    "cuda", torch.version.cuda, "transformers", transformers.__version__, "peft", peft.__version__,
    "gpu", torch.cuda.get_device_name() if torch.cuda.is_available() else None)'
} > "$out/env.txt" 2>&1
cat "$out/env.txt"

step() {  # step NAME SECONDS COMMAND...: runs it under `timeout`, logs to $out/NAME.log, reports the exit code
  local name=$1 limit=$2; shift 2
  local began=$SECONDS
  timeout --kill-after=10 "$limit" "$@" > "$out/$name.log" 2>&1
  local rc=$?
  echo "$name: exit $rc after $((SECONDS - began)) s (limit $limit s; 124 = timed out)" | tee -a "$out/steps.txt"
  return 0
}

step throughput 330 "$python" bench/gpu/throughput.py "${smoke[@]}" --workdir "$work/throughput" --out "$out/throughput.json"
tail -n 1 "$out/throughput.log" > "$out/throughput_summary.json"
cat "$out/throughput_summary.json"

step memory_check 150 "$python" bench/gpu/memory_check.py "${smoke[@]}" --out "$out/memory_results.json"
sed -n '/^| model/,$p' "$out/memory_check.log"
