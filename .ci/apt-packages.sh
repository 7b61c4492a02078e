#!/usr/bin/env bash
# Installs the Debian packages the test suite uses; quiet and idempotent.
set -euo pipefail
packages=()
for p in "$@"; do packages+=("$p"); done
[ ${#packages[@]} -gt 0 ] || exit 0
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -gt 0 ] || exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
