#!/usr/bin/env bash
# First start: database, migrations, taxonomy backfill, a first sync of both venues, a matching
# pass, the watchlist, then every service.
set -euo pipefail
cd "$(dirname "$0")"
[ -f .env.production ] || { echo "deploy/.env.production is missing: copy .env.production.example and fill it in" >&2; exit 1; }
[ -f secrets/postgres_password ] || { echo "deploy/secrets/postgres_password is missing" >&2; exit 1; }
compose() { docker compose -f docker-compose.production.yml "$@"; }
cb() { compose run --rm --no-deps ingestion "$@"; }

compose build
compose up -d postgres
compose run --rm migrate
cb taxonomy backfill -v all
cb ingest -v all -m split
cb events sync -v kalshi --non-mve
cb match --topics SPORTS
cb watchlist sync
cb audit mve
compose up -d ingestion quotes-worker monitoring web
compose ps
echo "crossbook is up: http://127.0.0.1:8080/ (health: /health, metrics: /metrics)"
