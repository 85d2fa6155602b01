#!/usr/bin/env bash
# First start: database, migrations, taxonomy backfill, a first sync of both venues, a matching
# pass, the watchlist, then every service.
set -euo pipefail
cd "$(dirname "$0")"
[ -f .env.production ] || { echo "deploy/.env.production is missing: copy .env.production.example and fill it in" >&2; exit 1; }
[ -f secrets/postgres_password ] || { echo "deploy/secrets/postgres_password is missing" >&2; exit 1; }
# The example's placeholder token is refused at start: put a random one in its place.
if grep -q '^API_TOKEN=CHANGE_ME' .env.production; then
  sed -i "s/^API_TOKEN=CHANGE_ME.*/API_TOKEN=$(openssl rand -hex 32)/" .env.production
  echo "API_TOKEN: a random token written to deploy/.env.production"
fi
chmod 600 .env.production
# The Kalshi key is optional (public market data needs none): compose mounts the file either
# way, so an empty one stands in; a real key is made readable by the container's user (10001)
# only.
if [ ! -f secrets/kalshi_private_key.pem ]; then
  ( umask 077 && : > secrets/kalshi_private_key.pem )
  echo "no Kalshi key: deploy/secrets/kalshi_private_key.pem left empty (Kalshi books by REST polling)"
fi
if [ -s secrets/kalshi_private_key.pem ] && ! grep -q '^KALSHI_API_KEY_ID=..*' .env.production; then
  echo "deploy/secrets/kalshi_private_key.pem holds a key: set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH in .env.production" >&2
  exit 1
fi
chmod 600 secrets/kalshi_private_key.pem secrets/postgres_password
chown 10001:10001 secrets/kalshi_private_key.pem 2>/dev/null \
  || echo "could not give the Kalshi key to uid 10001 (run as root to): the container may not read it" >&2
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
