#!/usr/bin/env bash
# The main job on the bundled default: lint the sample dataset, fine-tune the bundled small model with LoRA,
# evaluate it against the base model, write the report. Installs what is missing first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "demo: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi
node esbuild.mjs
TUNELAB_PYTHON=$(bash scripts/python-env.sh)
export TUNELAB_PYTHON
exec node dist/cli.js demo "$@"
