#!/usr/bin/env bash
# Back up the portal: the database (pg_dump, custom format) and the uploaded files (MEDIA_ROOT).
# Usage: scripts/backup.sh [DIRECTORY]   (default var/backups)
# Reads DATABASE_URL and MEDIA_ROOT from the environment, with the portal's defaults. Writes
# DIRECTORY/<UTC time>/database.dump and media.tar.gz, and prints that folder. The keys
# (DJANGO_SECRET_KEY, FEEDBACK_ANONYMITY_KEY) are not in it: keep them apart (see README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
database_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/workstation}
media_root=${MEDIA_ROOT:-var/media}
target="${1:-var/backups}/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$target"
pg_dump --format=custom --no-owner --no-privileges --dbname="$database_url" \
  --file="$target/database.dump"
mkdir -p "$media_root"
tar -C "$media_root" -czf "$target/media.tar.gz" .
echo "$target"
