#!/usr/bin/env bash
# Installs everything Sunline needs on a fresh Debian/Ubuntu machine (run as root), idempotently:
# Debian packages, the npm dependencies, and Asterisk 22 in a cached chroot.
# Used by the README's two commands and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: run as root (apt-get, debootstrap and chroot need it)" >&2
  exit 1
fi

need_node_major=20
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt "$need_node_major" ]; then
  echo "setup.sh: Node.js >= $need_node_major is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# chromium + a CJK font: the browser tests (Chinese UI in screenshots); coturn: the TURN relay test;
# postgresql + postgresql-contrib (pg_trgm): the PostgreSQL dialect's tests start their own server
# from these binaries in a temp folder (test/helpers/postgres.ts, decision 0010).
# sox: the prompt-upload tests make WAV files of every kind with it and check the converted ones.
# redis-server: several nodes share socket.io rooms through Redis (SUNLINE_REDIS_URL, docs/deployment.md);
# the tests start their own server from this binary in a temp folder (tools/redis.ts), never the system service.
# nginx + haproxy: test/deployment/balancer-samples checks and runs docs/samples/ with them (own temp config, never the system service).
APT_PACKAGES="debootstrap sip-tester ca-certificates python3 make g++ chromium fonts-wqy-microhei coturn postgresql postgresql-contrib sox redis-server nginx haproxy"
missing=""
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup.sh: installing Debian packages:$missing" >&2
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

# mediasoup's C++ worker, built offline against Debian 12's libraries and cached outside the repo
# (docs/mediasoup.md): ~7-15 min the first time on 2 cores, under a second afterwards.
worker_bin=$(bash scripts/mediasoup/build-worker.sh | tail -n 1)

# npm 11 runs install scripts only for the packages listed in package.json "allowScripts", but
# not every npm honours that (npm ci was seen running mediasoup's postinstall, which downloads a
# worker from GitHub or builds one with pip: neither works offline). With MEDIASOUP_WORKER_BIN
# set, mediasoup's postinstall skips both and the server uses our offline build.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  MEDIASOUP_WORKER_BIN=${MEDIASOUP_WORKER_BIN:-$worker_bin} npm ci --no-audit --no-fund
fi

bash scripts/asterisk/provision.sh >/dev/null
echo "setup.sh: ready" >&2
