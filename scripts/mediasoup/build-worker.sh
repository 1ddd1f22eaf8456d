#!/usr/bin/env bash
# Build mediasoup's C++ worker (3.16.0) offline against Debian 12's system libraries, and cache
# the stripped binary outside the repo; reuse it when present. Needs only the npm registry and a
# Debian mirror: no GitHub prebuilt download, no pip, no meson subproject downloads.
# Usage: scripts/mediasoup/build-worker.sh   (run as root; prints the binary path on its last line)
# Env:   SUNLINE_CACHE_DIR (default /var/cache/sunline)
# Then:  MEDIASOUP_WORKER_BIN=<that path> for `npm install mediasoup@3.16.0` and at run time.
# See docs/mediasoup.md. A fresh build takes ~10 min on 2 cores.
set -euo pipefail

MEDIASOUP_VERSION=3.16.0           # the patch fits this exact version only
HERE=$(cd "$(dirname "$0")" && pwd)
PATCH="$HERE/mediasoup-$MEDIASOUP_VERSION-debian12.patch"
CACHE=${SUNLINE_CACHE_DIR:-/var/cache/sunline}
BIN="$CACHE/mediasoup-worker-$MEDIASOUP_VERSION"
# Records which patch built the cached binary (sha256sum line); a changed patch means a rebuild.
STAMP="$BIN.patch.sha256"

# Runtime libraries the worker links (keep installed wherever the binary runs).
RUNTIME_PACKAGES="libuv1 libssl3 libsrtp2-1 libusrsctp2 libabsl20220623"
BUILD_PACKAGES="ninja-build pkg-config g++ patch binutils libuv1-dev libssl-dev libsrtp2-dev
  libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler"

log() { echo "build-worker.sh: $*" >&2; }

# A cached worker is usable when it runs: started without the MEDIASOUP_VERSION variable that
# mediasoup's Node library sets, the worker's main() exits 41 ("you don't seem to be my real
# father!"). A missing shared library makes the loader exit 127 instead.
worker_runs() {
  [ -x "$1" ] || return 1
  local rc=0
  timeout 10 env -u MEDIASOUP_VERSION "$1" </dev/null >/dev/null 2>&1 || rc=$?
  [ "$rc" = 41 ]
}

[ -f "$PATCH" ] || { log "missing $PATCH"; exit 1; }
patch_sum=$(cd "$HERE" && sha256sum "$(basename "$PATCH")")
is_current() { [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$patch_sum" ] && worker_runs "$BIN"; }

if [ "$(id -u)" != 0 ]; then
  if is_current; then echo "$BIN"; exit 0; fi
  log "must run as root (apt-get) to build $BIN"; exit 1
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.mediasoup-worker.lock"
if ! flock -n 9; then
  log "another build holds $CACHE/.mediasoup-worker.lock; waiting"
  flock 9
fi
# Leftovers of an interrupted run (we hold the lock, so nobody else is writing them).
rm -f "$BIN".tmp.* "$STAMP".tmp.*

pkg_missing() {
  local p missing=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  echo "$missing"
}

# Reuse path: also (re)install missing runtime libs, which need no backports.
if [ -e "$BIN" ]; then
  missing=$(pkg_missing $RUNTIME_PACKAGES)
  if [ -n "$missing" ]; then
    log "installing runtime libraries:$missing"
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
  fi
  if is_current; then
    log "worker reused"
    echo "$BIN"
    exit 0
  fi
  log "cached $BIN does not run or was built from another patch; rebuilding"
fi

start=$(date +%s)

# meson >= 1.1 is needed; bookworm has 1.0.1, bookworm-backports has 1.7.
meson_ok() {
  command -v meson >/dev/null &&
    [ "$(printf '%s\n' 1.1.0 "$(meson --version)" | sort -V | head -n1)" = 1.1.0 ]
}
apt_updated=""
if ! meson_ok; then
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    log "adding the bookworm-backports apt source"
    cat > /etc/apt/sources.list.d/bookworm-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  apt-get update -q >&2; apt_updated=1
  log "installing meson from bookworm-backports"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -t bookworm-backports meson >&2
fi
missing=$(pkg_missing $BUILD_PACKAGES $RUNTIME_PACKAGES)
if [ -n "$missing" ]; then
  [ -n "$apt_updated" ] || apt-get update -q >&2
  log "installing Debian packages:$missing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-worker.XXXXXX")
trap 'rm -rf "$WORK" "$BIN.tmp.$$" "$STAMP.tmp.$$"' EXIT

log "npm pack mediasoup@$MEDIASOUP_VERSION"
(cd "$WORK" && npm pack --silent "mediasoup@$MEDIASOUP_VERSION" >/dev/null &&
  tar xzf "mediasoup-$MEDIASOUP_VERSION.tgz")
patch -p1 --forward --batch -d "$WORK/package/worker" < "$PATCH" >&2

log "meson setup + ninja (about 10 minutes on 2 cores)"
(cd "$WORK/package/worker" &&
  meson setup --wrap-mode=nodownload --buildtype release -Db_ndebug=true \
    -Dms_disable_liburing=true "$WORK/build" >&2)
ninja -C "$WORK/build" mediasoup-worker >&2

# Write under a temporary name in the cache folder, then rename atomically.
strip -o "$BIN.tmp.$$" "$WORK/build/mediasoup-worker"
chmod 755 "$BIN.tmp.$$"
if ! worker_runs "$BIN.tmp.$$"; then
  rm -f "$BIN.tmp.$$"
  log "the built worker does not run"; exit 1
fi
mv -f "$BIN.tmp.$$" "$BIN"
echo "$patch_sum" > "$STAMP.tmp.$$" && mv -f "$STAMP.tmp.$$" "$STAMP"

log "built $BIN ($(stat -c %s "$BIN") bytes) in $(( $(date +%s) - start ))s"
echo "$BIN"
