#!/usr/bin/env bash
# Runs the e2e suites: compiles the extension-host suites, packages the vsix if there is none, then launches
# code-server + Chromium through test/e2e/run.js (arguments are passed on: --vsix FILE, --only host|ui).
# Needs scripts/setup-e2e.sh to have run, and TUNELAB_PYTHON (else scripts/python-env.sh picks it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [[ -z ${TUNELAB_PYTHON:-} ]]; then TUNELAB_PYTHON=$(bash scripts/python-env.sh); export TUNELAB_PYTHON; fi
rm -rf out/test/host
npx tsc -p test/host
# Package when there is no vsix or something that goes into it changed since.
if [[ " $* " != *" --vsix "* ]] && { [[ ! -f tunelab.vsix ]] || [[ -n $(find package.json .vscodeignore src webview media trainer/tunelab_trainer models \
     -newer tunelab.vsix -print -quit 2>/dev/null) ]]; }; then
  bash scripts/package-vsix.sh
fi
exec node test/e2e/run.js "$@"
