#!/usr/bin/env bash
# Nightly backup: a consistent pg_dump of the crossbook database, readable by its owner only,
# checked (its table of contents must list the opportunities and links tables), kept 7 days, and
# copied off the host when BACKUP_COPY_COMMAND is set (it gets the file's path as "$1", e.g.
# 'aws s3 cp "$1" s3://bucket/crossbook/' or 'scp "$1" backup-host:/srv/crossbook/').
#   BACKUP_DIR=/var/backups/crossbook bash deploy/backup.sh
# Scheduled by deploy/crossbook-backup.cron (copy it to /etc/cron.d/).
set -euo pipefail
cd "$(dirname "$0")"
umask 077
dir="${BACKUP_DIR:-./backups}"
mkdir -p "$dir"
chmod 700 "$dir"
file="$dir/crossbook-$(date -u +%Y%m%dT%H%M%SZ).dump"
compose() { docker compose -f docker-compose.production.yml "$@"; }
compose exec -T postgres pg_dump --format=custom --no-owner -U crossbook crossbook > "$file.partial"
# A dump that pg_restore cannot read, or without the tables that matter, is no backup.
toc=$(compose exec -T postgres pg_restore --list < "$file.partial") \
  || { echo "backup check failed: pg_restore cannot read $file.partial" >&2; exit 1; }
for table in links opportunities markets; do
  grep -q "TABLE DATA public $table " <<<"$toc" \
    || { echo "backup check failed: no $table table in $file.partial" >&2; exit 1; }
done
mv "$file.partial" "$file"
chmod 600 "$file"
find "$dir" -name 'crossbook-*.dump' -type f -mtime +7 -delete
if [ -n "${BACKUP_COPY_COMMAND:-}" ]; then
  bash -c "$BACKUP_COPY_COMMAND" _ "$file" || { echo "off-host copy failed for $file" >&2; exit 1; }
fi
echo "backed up to $file"
