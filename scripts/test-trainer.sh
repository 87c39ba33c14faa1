#!/usr/bin/env bash
# Runs the trainer's pytest suite (trainer/tests) on the CPU with tiny models built in the tests.
# Python: $TUNELAB_PYTHON, else what scripts/python-env.sh prints, else the probe venv.
# Extra arguments go to pytest (e.g. -k stop, -x).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

python="${TUNELAB_PYTHON:-}"
if [[ -z "$python" && -f "$root/scripts/python-env.sh" ]]; then
  python="$(bash "$root/scripts/python-env.sh")"
fi
if [[ -z "$python" ]]; then
  python=/root/.cache/tunelab/venv-probe/bin/python
fi
if ! "$python" -c "import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in ('torch', 'transformers', 'peft', 'pytest')))" 2>/dev/null; then
  echo "test-trainer: $python lacks torch/transformers/peft/pytest;" \
       "install trainer/requirements.txt into it or set TUNELAB_PYTHON" >&2
  exit 1
fi

cd "$root/trainer"
exec "$python" -m pytest "$@"
