#!/usr/bin/env bash
# Prints the path of a Python that can run the trainer, creating Tunelab's virtual environment when needed.
# Order: $TUNELAB_PYTHON if set, else the venv under ${TUNELAB_CACHE:-~/.cache/tunelab}/venv, (re)built from
# trainer/requirements.txt whenever that file changes. Progress goes to stderr; stdout is only the path.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n "${TUNELAB_PYTHON:-}" ]]; then echo "$TUNELAB_PYTHON"; exit 0; fi

cache=${TUNELAB_CACHE:-$HOME/.cache/tunelab}
venv=$cache/venv
req=$root/trainer/requirements.txt
want=$(sha256sum "$req" | cut -c1-16)
stamp=$venv/.tunelab-requirements

if [[ -x $venv/bin/python && -f $stamp && $(cat "$stamp") == "$want" ]]; then echo "$venv/bin/python"; exit 0; fi

py=$(command -v python3 || true)
if [[ -z $py ]]; then echo "python-env: python3 not found: install Python 3.10 or newer (Debian: apt-get install python3 python3-venv)" >&2; exit 1; fi
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "python-env: $("$py" --version) is too old: the trainer needs Python 3.10 or newer" >&2; exit 1
fi
mkdir -p "$cache"
echo "python-env: creating $venv from trainer/requirements.txt (first time: a few minutes; torch is large)" >&2
rm -rf "$venv"
"$py" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
echo "$want" > "$stamp"
echo "$venv/bin/python"
