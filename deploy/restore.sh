#!/usr/bin/env bash
# Restores a backup made by backup.sh into the crossbook database, replacing what it holds
# (services are stopped first). It never replaces data unasked: pass --force.
#   bash deploy/restore.sh backups/crossbook-20260109T030000Z.dump --force
set -euo pipefail
cd "$(dirname "$0")"
file="${1:?usage: restore.sh BACKUP_FILE --force}"
[ -f "$file" ] || { echo "no such backup: $file" >&2; exit 1; }
if [ "${2:-}" != "--force" ]; then
  echo "restore replaces every crossbook table of the production database with $file;" >&2
  echo "run again with --force to do it" >&2
  exit 1
fi
compose() { docker compose -f docker-compose.production.yml "$@"; }
compose stop ingestion quotes-worker monitoring web
compose exec -T postgres pg_restore --clean --if-exists --no-owner -U crossbook -d crossbook < "$file"
compose run --rm migrate
compose up -d ingestion quotes-worker monitoring web
echo "restored $file"
