#!/usr/bin/env bash
# Every test: static checks, core unit tests (node:test), trainer tests (pytest, real transformers + peft on
# the CPU), then the packaged .vsix in a real VS Code extension host and a real browser.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
failed=()
phase() {
  local name=$1; shift
  local t0=$SECONDS
  echo "::: $name"
  if "$@"; then echo "::: $name ok ($((SECONDS - t0)) s)"; else echo "::: $name FAILED ($((SECONDS - t0)) s)"; failed+=("$name"); fi
}
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then npm ci --no-audit --no-fund || exit 1; fi
TUNELAB_PYTHON=$(bash scripts/python-env.sh) || { echo "test-all: could not set up the Python environment"; exit 1; }
export TUNELAB_PYTHON

phase typecheck npx tsc -p tsconfig.json --noEmit
phase eslint npx eslint src webview test
phase unit bash -c 'rm -rf out && npx tsc -p tsconfig.test.json && node --test out/test/unit/'
phase trainer bash scripts/test-trainer.sh
phase package bash scripts/package-vsix.sh
phase e2e bash -c 'bash scripts/setup-e2e.sh && bash test/e2e/run.sh'

if ((${#failed[@]})); then echo "test-all: failed phases: ${failed[*]}"; exit 1; fi
echo "test-all: every phase passed"
