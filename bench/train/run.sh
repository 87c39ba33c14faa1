#!/usr/bin/env bash
# npm run bench:train [-- --epochs E --threads N]: the trainer's Python (as scripts/test-trainer.sh picks it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${TUNELAB_PYTHON:-$(bash "$root/scripts/python-env.sh")}"
exec "$python" "$root/bench/train/bench_train.py" "$@"
