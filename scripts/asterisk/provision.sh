#!/usr/bin/env bash
# Provision Asterisk 22 from Debian sid into a debootstrap chroot in a cache folder outside the
# repo, and reuse it when present. Debian bookworm ships no asterisk package; sid does.
# Usage: scripts/asterisk/provision.sh            (prints the chroot path on its last line)
# Env:   SUNLINE_CACHE_DIR (default /var/cache/sunline), DEBIAN_MIRROR
set -euo pipefail

CACHE=${SUNLINE_CACHE_DIR:-/var/cache/sunline}
ROOT="$CACHE/asterisk-sid-22"
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
MARKER="$ROOT/.sunline-provisioned"
# Bump when the package list below changes, so cached chroots are completed.
RECIPE_VERSION=3
# asterisk-moh-opsound-gsm: music while callers wait in the queue.
PACKAGES="asterisk asterisk-modules asterisk-core-sounds-en-gsm asterisk-moh-opsound-gsm sox"

if [ "$(id -u)" != 0 ]; then
  echo "provision.sh: must run as root (debootstrap and chroot)" >&2
  exit 1
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.asterisk-provision.lock"
flock 9

if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$RECIPE_VERSION" ] && chroot "$ROOT" asterisk -V >/dev/null 2>&1; then
  echo "asterisk chroot reused: $(chroot "$ROOT" asterisk -V)" >&2
  echo "$ROOT"
  exit 0
fi

if ! command -v debootstrap >/dev/null; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
fi

if ! chroot "$ROOT" true >/dev/null 2>&1; then
  rm -rf "$ROOT.partial"
  echo "debootstrap sid into $ROOT (about a minute)" >&2
  debootstrap --variant=minbase sid "$ROOT.partial" "$MIRROR" >&2
  rm -rf "$ROOT"
  mv "$ROOT.partial" "$ROOT"
fi

# The mirror's sid Release file may be past its Valid-Until date.
chroot "$ROOT" bash -c "apt-get -o Acquire::Check-Valid-Until=false update -q &&
  DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Check-Valid-Until=false install -y -q \
    --no-install-recommends $PACKAGES && apt-get clean" >&2

chroot "$ROOT" asterisk -V >&2
echo "$RECIPE_VERSION" > "$MARKER"
echo "$ROOT"
