#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a new, empty database and MEDIA_ROOT.
# Usage: scripts/restore.sh BACKUP_FOLDER
# Reads DATABASE_URL (the database to restore into: create it first, empty, e.g.
# `createdb workstation_restored`) and MEDIA_ROOT from the environment. Stops at the first error.
set -euo pipefail
backup=${1:?usage: scripts/restore.sh BACKUP_FOLDER}
cd "$(dirname "$0")/.."
database_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/workstation}
media_root=${MEDIA_ROOT:-var/media}
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$database_url" "$backup/database.dump"
mkdir -p "$media_root"
tar -C "$media_root" -xzf "$backup/media.tar.gz"
echo "restored $backup"
