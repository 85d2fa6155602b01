#!/usr/bin/env bash
# Restores a backup made by backup.sh into the crossbook database (services are stopped first).
#   bash deploy/restore.sh backups/crossbook-20260109T030000Z.dump
set -euo pipefail
cd "$(dirname "$0")"
file="${1:?usage: restore.sh BACKUP_FILE}"
[ -f "$file" ] || { echo "no such backup: $file" >&2; exit 1; }
compose() { docker compose -f docker-compose.production.yml "$@"; }
compose stop ingestion quotes-worker monitoring web
compose exec -T postgres pg_restore --clean --if-exists --no-owner -U crossbook -d crossbook < "$file"
compose run --rm migrate
compose up -d ingestion quotes-worker monitoring web
echo "restored $file"
