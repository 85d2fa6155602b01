#!/usr/bin/env bash
# Nightly backup: a consistent pg_dump of the crossbook database, kept 7 days.
#   BACKUP_DIR=/var/backups/crossbook bash deploy/backup.sh
set -euo pipefail
cd "$(dirname "$0")"
dir="${BACKUP_DIR:-./backups}"
mkdir -p "$dir"
file="$dir/crossbook-$(date -u +%Y%m%dT%H%M%SZ).dump"
docker compose -f docker-compose.production.yml exec -T postgres \
  pg_dump --format=custom --no-owner -U crossbook crossbook > "$file.partial"
mv "$file.partial" "$file"
find "$dir" -name 'crossbook-*.dump' -type f -mtime +7 -delete
echo "backed up to $file"
