#!/usr/bin/env bash
# Fuzzes every parser of outside input for a bounded time each (not in CI's default path):
#   SECONDS_PER_TARGET=60 bash fuzz/run.sh
# Needs the nightly toolchain and cargo-fuzz (cargo install cargo-fuzz). Seed corpora are the
# committed real payloads in fuzz/corpus/<target>; inputs found are kept in fuzz/work/ (not
# committed). A crash is saved under fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${SECONDS_PER_TARGET:-60}"
# Every target builds first: a target that no longer compiles stops the run here, loudly.
cargo +nightly fuzz build
failed=0
for t in kalshi_rest kalshi_ws gamma clob_book poly_ws capture settings text; do
  mkdir -p "corpus/$t" "work/$t"
  echo "== $t ($seconds s)"
  if ! cargo +nightly fuzz run "$t" "work/$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 > "work/$t.log" 2>&1; then
    failed=1
    echo "!! $t stopped: see fuzz/work/$t.log and fuzz/artifacts/$t/"
  fi
  grep -E "^(#[0-9]+\s+DONE|Done|SUMMARY)" "work/$t.log" || true
done
exit "$failed"
