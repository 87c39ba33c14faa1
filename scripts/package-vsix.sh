#!/usr/bin/env bash
# Builds the production bundle and packages tunelab.vsix, then checks the package holds what the installed
# extension needs (bundle, trainer, bundled model) and nothing it must not ship (sources, tests, maps, caches).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-tunelab.vsix}

rm -rf dist   # a dev build leaves source maps behind; the package is built from a clean bundle
node esbuild.mjs --production
rm -f "$out"
npx vsce package --no-dependencies -o "$out" >/dev/null

# List the package (a zip) and compare against the contract in .vscodeignore.
listing=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$out")
missing=()
for f in extension/package.json extension/dist/extension.js extension/trainer/requirements.txt \
         extension/trainer/tunelab_trainer/__main__.py extension/models/tunelab-tiny-llama/config.json; do
  grep -qxF "$f" <<<"$listing" || missing+=("$f")
done
leaked=$(grep -E '^extension/(src|webview|test|bench|node_modules|out|\.ci|scripts|docs|trainer/tests)/|__pycache__|\.pyc$|\.map$|\.ts$' <<<"$listing" || true)
if ((${#missing[@]})); then echo "package-vsix: $out lacks: ${missing[*]} (build them, or re-include them in .vscodeignore)"; fi
if [[ -n $leaked ]]; then echo "package-vsix: $out ships files it must not (fix .vscodeignore):"; echo "$leaked" | head -20; fi
if ((${#missing[@]})) || [[ -n $leaked ]]; then rm -f "$out"; exit 1; fi

files=$(grep -c '^extension/' <<<"$listing")
echo "package-vsix: $out $(du -h "$out" | cut -f1) ($(stat -c %s "$out") bytes, $files files)"
