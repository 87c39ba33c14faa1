#!/usr/bin/env bash
# Editor benchmark: a ~50 MB chat JSONL opened in the real extension host (code-server, see test/e2e). Prints the
# figures (JSON) that test/host/editorBench.test.ts measured. Usage: bash bench/editor/run.sh [MB] [jsonl|array|csv]
# (default 50, jsonl; array: a pretty-printed JSON array, csv: a `messages` column).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
MB=${1:-50}
FORMAT=${2:-jsonl}
out=test-output/bench-editor
mkdir -p "$out"
npx tsc -p tsconfig.test.json
ext=$FORMAT; [[ "$FORMAT" == array ]] && ext=json
data=$out/data.$ext
node bench/editor/generate.mjs "$data" "$MB" "$FORMAT"
rm -f "$out/figures.json"
# TUNELAB_BENCH_EDITOR_THREADS=1: every thread's CPU time while the file opens (Linux), printed after the figures.
sampler=
if [[ "${TUNELAB_BENCH_EDITOR_THREADS:-}" == 1 ]]; then
  python3 bench/editor/thread_cpu.py sample "$out/threads.jsonl" 150 &
  sampler=$!
fi
TUNELAB_BENCH_EDITOR_FILE=$PWD/$data TUNELAB_BENCH_EDITOR_OUT=$PWD/$out/figures.json TUNELAB_E2E_GREP='editor benchmark' \
  bash test/e2e/run.sh --only host || true
cat "$out/figures.json"; echo
if [[ -n "$sampler" ]]; then
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
  python3 bench/editor/thread_cpu.py report "$out/threads.jsonl" "$out/figures.json"
fi
