#!/usr/bin/env bash
# Debian and Ubuntu ship Python's venv module in a separate package; install it when missing.
set -euo pipefail
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
version=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends \
  "python${version}-venv" || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y python3-venv
