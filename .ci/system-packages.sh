#!/usr/bin/env bash
# The Debian packages the tests start for real: the PostgreSQL 15 server binaries (the PostgreSQL
# publication target's tests run initdb and pg_ctl from them) and Chromium (the dashboard test opens
# every Superset dashboard in it, headless). Installs only what is missing, so on a
# machine that has them this costs one `test -x`; needs root (or sudo) only when something is missing.
set -euo pipefail

missing=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
[ -x /usr/bin/chromium ] || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "Missing Debian packages: ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
