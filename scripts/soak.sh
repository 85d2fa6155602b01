#!/usr/bin/env bash
# Soak: `crossbook run` on PostgreSQL against the simulator with faults, then on SQLite with a
# full disk. Needs root (PostgreSQL is stopped and started; a small tmpfs is mounted).
#
# PostgreSQL, SOAK_SECONDS (default 1800): 429s, 5xx, slow and malformed bodies, socket drops
# and sequence gaps every 10 s, a 20 s 429 storm, impossible books planted for 60 s (a Kalshi
# NO bid of 1.00, a Polymarket ask of 0.01 under the bid), a 30 s database cut, a second cut
# (SOAK_SECONDS/15) with the process killed (-9) in it and started again while the database is
# still away, and both venues' sockets refused for 45 s.
# SQLite, SQLITE_SECONDS (default 300): the database's file system filled for 60 s.
#
# It prints health over time and RSS, and fails if a market, confirmed link or opportunity of a
# clean run is missing, if an alert row is duplicated or left pending, if a delivered arbitrage
# alert has no row, if an alert was delivered twice within its cooldown (the restart included),
# if an opportunity or alert stood on a planted impossible book, if an alert came from a quote
# older than 30 s, if RSS doubled after the first minute, or if the SQLite writer did not catch
# up once the disk had room.
#   bash scripts/soak.sh          SOAK_SECONDS=360 SQLITE_SECONDS=120 bash scripts/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${SOAK_SECONDS:-1800}"
sqlite_seconds="${SQLITE_SECONDS:-300}"
admin="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
base="${admin%/*}"
bin=$PWD/target/release/crossbook
cargo build --release -q -p crossbook-cli
work=$(mktemp -d)
cluster="$(ls /etc/postgresql | sort -V | tail -n 1)"
cleanup() {
  kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start >/dev/null 2>&1 || true
  mountpoint -q "$work/small" && umount "$work/small" || true
}
trap cleanup EXIT
faults="429=0.05,5xx=0.05,slow=0.02,malformed=0.02"

# Kalshi's order-book socket needs a signed connection: the simulator checks the test key.
install -m 600 crates/kalshi/test_data/test_key_pkcs8.pem "$work/kalshi.pem"
start_sim() { # name fault-spec
  "$bin" sim --move-ms 200 --fault "$2" --seed 11 --kalshi-public-key crates/kalshi/test_data/test_key_pub.pem \
    > "$work/$1.env" 2> "$work/$1.sim.log" &
  for _ in $(seq 50); do [ "$(wc -l < "$work/$1.env")" -ge 6 ] && break; sleep 0.1; done
}
# A webhook receiver: one JSON line per alert, with the wall time it arrived.
start_receiver() { # log
  python3 - "$1" > "$work/receiver.port" <<'PY' &
import http.server, json, sys, time
log = open(sys.argv[1], "a", buffering=1)
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        log.write(json.dumps({"t": time.time(), "body": json.loads(body or b"null")}) + "\n")
        self.send_response(200); self.send_header("content-length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
  for _ in $(seq 50); do [ -s "$work/receiver.port" ] && break; sleep 0.1; done
  echo "http://127.0.0.1:$(cat "$work/receiver.port")/hook"
}
run_crossbook() { # name database seconds [env…]
  local name=$1 db=$2 secs=$3; shift 3
  ( set -a; . "$work/${name%%[0-9]*}.env"; set +a
    env DATABASE_URL="$db" CROSSBOOK_NOW=2026-01-09T23:50:00Z OPS_INTERVAL_MINUTES=1 LOG_LEVEL=warn \
      KALSHI_API_KEY_ID=soak KALSHI_PRIVATE_KEY_PATH="$work/kalshi.pem" "$@" \
      timeout -s TERM "$secs" "$bin" run --bind 127.0.0.1:0 > "$work/$name.out" 2> "$work/$name.log" ) &
  runner=$!
}
# The pid and web address of the run writing $work/NAME.out (waits up to 60 s for its first line).
attach() { # name
  for _ in $(seq 600); do grep -q 'http://' "$work/$1.out" 2>/dev/null && break; sleep 0.1; done
  url=$(grep -o 'http://[0-9.:]*' "$work/$1.out" | head -n 1 || true)
  pid=$(pgrep -nf "^$bin run --bind" || true)
  [ -n "$url" ] && [ -n "$pid" ]
}
fresh_db() { psql "$admin" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null; echo "$base/$1"; }
count() { psql "$1" -tAc "$2"; }
health() { curl -s -m 4 "$url/health" | python3 -c '
import json, sys
d = json.load(sys.stdin)
w = d.get("writer", {})
print(d["status"], "db=" + d["database"], ",".join(k + "=" + v["status"] for k, v in d.get("services", {}).items()),
      "impossible=%d" % len(d.get("books", {}).get("impossible", [])), "queued=%s" % w.get("queued"),
      "spool=%s" % w.get("spool", {}).get("bytes"), " ".join(k + "-socket-down" for k in d.get("streams", {})))' 2>/dev/null || echo "unreachable"; }
rss_of() { ps -o rss= -p "$pid" 2>/dev/null | tr -d ' ' || echo 0; }

echo "== clean run (60 s)"
start_sim clean ""
clean_db=$(fresh_db crossbook_soak_clean)
run_crossbook clean "$clean_db" 60 STATE_DIR="$work/clean-state"
wait "$runner" || true

echo "== PostgreSQL soak ($seconds s)"
start_sim soak "$faults"
soak_db=$(fresh_db crossbook_soak)
hook=$(start_receiver "$work/alerts.jsonl")
state="$work/state"
run_crossbook soak "$soak_db" "$seconds" ALERT_WEBHOOK_URL="$hook" STATE_DIR="$state"
attach soak || { echo "run did not start"; exit 1; }
sim=$(sed -n 's/^KALSHI_API_URL=\(http:\/\/[0-9.:]*\).*/\1/p' "$work/soak.env")
storm_at=$((seconds / 8)); plant_at=$((seconds / 6)); cut1_at=$((seconds / 4)); cut2_at=$((seconds / 2))
cut2_len=$((seconds / 15)); kill_at=$((cut2_at + cut2_len / 4)); restart_at=$((cut2_at + cut2_len / 2))
sockets_at=$((seconds * 3 / 4))
move() { curl -s -X POST -H 'content-type: application/json' -d "$1" "$sim/sim/move" >/dev/null; }
: > "$work/rss"; : > "$work/statuses"; last=""; began=$SECONDS; step=start; proc=1; impossible_seen=0
while t=$((SECONDS - began)); [ "$t" -lt $((seconds - 10)) ]; do
  sleep 2
  if [ $((t / 10)) != "${tick:-0}" ]; then tick=$((t / 10)); curl -s -X POST "$sim/sim/ws-drop" >/dev/null; curl -s -X POST "$sim/sim/ws-gap" >/dev/null; fi
  case $step in
    start) if [ "$t" -ge "$storm_at" ]; then step=storm; since=$t; echo "t=$t 429 storm for 20 s"; curl -s -X POST -d "429=0.9" "$sim/sim/faults" >/dev/null; fi ;;
    storm) if [ "$t" -ge $((since + 20)) ]; then step=calm; echo "t=$t storm over"; curl -s -X POST -d "$faults" "$sim/sim/faults" >/dev/null; fi ;;
    calm) if [ "$t" -ge "$plant_at" ]; then
        step=planted; since=$t
        ticker=KXNBAGAME-26JAN09TORBOS-TOR
        token=$(count "$soak_db" "SELECT poly_token_id FROM links WHERE status='confirmed' AND kalshi_ticker LIKE '%PHIORL%' AND poly_token_id IS NOT NULL LIMIT 1")
        echo "t=$t impossible books for 60 s: $ticker NO bid 1.00, Polymarket $token ask 0.01"
        move "{\"venue\":\"kalshi\",\"book\":\"$ticker\",\"side\":\"no\",\"price\":\"1.0000\",\"size\":\"500\"}"
        move "{\"venue\":\"polymarket\",\"book\":\"$token\",\"side\":\"ask\",\"price\":\"0.01\",\"size\":\"500\"}"
      fi ;;
    planted) if [ "$t" -ge $((since + 60)) ]; then
        step=unplanted; echo "t=$t impossible books withdrawn"
        move "{\"venue\":\"kalshi\",\"book\":\"$ticker\",\"side\":\"no\",\"price\":\"1.0000\",\"size\":\"0\"}"
        move "{\"venue\":\"polymarket\",\"book\":\"$token\",\"side\":\"ask\",\"price\":\"0.01\",\"size\":\"0\"}"
      fi ;;
    unplanted) if [ "$t" -ge "$cut1_at" ]; then step=cut1; since=$t; echo "t=$t PostgreSQL stopped for 30 s"; pg_ctlcluster --skip-systemctl-redirect "$cluster" main stop -m fast; fi ;;
    cut1) if [ "$t" -ge $((since + 30)) ]; then step=between; echo "t=$t PostgreSQL started"; pg_ctlcluster --skip-systemctl-redirect "$cluster" main start; fi ;;
    between) if [ "$t" -ge "$cut2_at" ]; then step=cut2; echo "t=$t PostgreSQL stopped for $cut2_len s"; pg_ctlcluster --skip-systemctl-redirect "$cluster" main stop -m fast; fi ;;
    cut2) if [ "$t" -ge "$kill_at" ]; then
        step=killed; rss_killed=$(rss_of); echo "t=$t kill -9 of the run (rss=$rss_killed kB) while the database is away"; kill -9 "$pid"
      fi ;;
    killed) if [ "$t" -ge "$restart_at" ]; then
        step=restarted; proc=2; echo "t=$t run started again, the database still away"
        run_crossbook soak2 "$soak_db" $((seconds - t)) ALERT_WEBHOOK_URL="$hook" STATE_DIR="$state"
        attach soak2 || { echo "t=$t FAILED: run did not start without its database"; tail -n 20 "$work/soak2.log"; exit 1; }
        echo "t=$t restarted: $(health)"; rss_restart=$(rss_of)
      fi ;;
    restarted) if [ "$t" -ge $((cut2_at + cut2_len)) ]; then step=db_back; echo "t=$t PostgreSQL started"; pg_ctlcluster --skip-systemctl-redirect "$cluster" main start; fi ;;
    db_back) if [ "$t" -ge "$sockets_at" ]; then step=after; echo "t=$t both venues' sockets down for 45 s"; curl -s -X POST -d 45 "$sim/sim/ws-down" >/dev/null; fi ;;
  esac
  [ $step = killed ] && continue
  status=$(health); echo "${status%% *}" >> "$work/statuses"
  case "$status" in *socket-down*) sockets_down=$((${sockets_down:-0} + 1)) ;; esac
  case "$status" in *impossible=[1-9]*) impossible_seen=$((impossible_seen + 1)) ;; esac
  shown=$(echo "$status" | sed 's/ *[a-z]*-socket-down//g; s/ queued=[0-9]*//; s/ spool=[0-9a-zN]*//; s/ *$//')
  if [ "$shown" != "$last" ] || [ $((t % 60)) -lt 2 ]; then
    rss=$(rss_of); echo "$proc $t $rss" >> "$work/rss"
    echo "t=$t health: $status rss=$rss kB"; last="$shown"
  fi
done
curl -s "$url/metrics" | grep -E "^crossbook_(venue_(requests|rate_limited|retries|malformed)|socket_resets|quote_updates|writer_(written|failures|dropped|not_spooled))_total" > "$work/counters" || true
rss_end=$(rss_of)
wait "$runner" || true

echo "== PostgreSQL results"
first_minute=$(awk '$1 == 1 && $2 >= 60 {print $3; exit}' "$work/rss")
echo "RSS: first process after its first minute ${first_minute:-?} kB, at the kill ${rss_killed:-?} kB; second at start ${rss_restart:-?} kB, at the end ${rss_end} kB"
echo "process counters at the end (second process):"; sed "s/^/  /" "$work/counters"
echo "health samples: $(sort "$work/statuses" | uniq -c | tr -s ' \n' ' ')(a socket shown down in ${sockets_down:-0}, an impossible book shown in $impossible_seen)"
missing() { comm -23 <(count "$clean_db" "$1" | sort) <(count "$soak_db" "$1" | sort) | wc -l; }
markets_q="SELECT venue||' '||market_id FROM markets"
links_q="SELECT kalshi_ticker||' '||poly_market_id||' '||poly_outcome_index FROM links WHERE status='confirmed'"
opps_q="SELECT DISTINCT l.kalshi_ticker||' '||l.poly_market_id||' '||o.direction FROM opportunities o JOIN links l ON l.id = o.link_id"
for what in markets links opps; do
  q="${what}_q"; clean_n=$(count "$clean_db" "SELECT count(*) FROM (${!q}) x"); soak_n=$(count "$soak_db" "SELECT count(*) FROM (${!q}) x")
  miss=$(missing "${!q}"); eval "missing_$what=$miss"
  echo "$what: clean run $clean_n, soak $soak_n, of the clean run's missing after the soak: $miss"
done
dup_rows=$(count "$soak_db" "SELECT count(*) FROM (SELECT alert_key FROM alerts WHERE alert_key IS NOT NULL GROUP BY alert_key HAVING count(*) > 1) x")
dup_open=$(count "$soak_db" "SELECT count(*) FROM (SELECT link_id, direction FROM opportunities WHERE closed_at IS NULL GROUP BY 1, 2 HAVING count(*) > 1) x")
pending=$(count "$soak_db" "SELECT count(*) FROM alerts WHERE status = 'pending'")
rows=$(count "$soak_db" "SELECT count(*) FROM alerts WHERE kind = 'arbitrage'")
delivered=$(python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["body"].get("type") == "arbitrage"))' "$work/alerts.jsonl")
resent=$(python3 - "$work/alerts.jsonl" <<'PY'
import json, sys
last, resent = {}, 0
for line in open(sys.argv[1]):
    a = json.loads(line); b = a["body"]
    if b.get("type") != "arbitrage":
        continue
    key = (b["data"]["link_id"], b["data"]["legs"][0].get("side"))
    if key in last and a["t"] - last[key] < 600:
        resent += 1
    last[key] = a["t"]
print(resent)
PY
)
echo "alerts: arbitrage delivered $delivered, arbitrage rows $rows; alert rows duplicated $dup_rows; left pending $pending; delivered again within the 10-minute cooldown $resent; links with two open opportunities $dup_open"
on_impossible=$(count "$soak_db" "SELECT count(*) FROM opportunities o, jsonb_array_elements(o.legs) l WHERE (l->>'ticker' = '$ticker' AND (l->>'price')::numeric <= 0) OR (l->>'token_id' = '$token' AND (l->>'price')::numeric <= 0.01)")
alerts_impossible=$(count "$soak_db" "SELECT count(*) FROM alerts a, jsonb_array_elements(a.payload->'data'->'legs') l WHERE a.kind = 'arbitrage' AND ((l->>'ticker' = '$ticker' AND (l->>'price')::numeric <= 0) OR (l->>'token_id' = '$token' AND (l->>'price')::numeric <= 0.01))")
echo "opportunities on the planted impossible books: $on_impossible; alerts: $alerts_impossible"
stale=$(count "$soak_db" "SELECT count(*) FROM alerts WHERE kind='arbitrage' AND ((payload->'data'->'quote_age_ms'->>'kalshi')::bigint > 30000 OR (payload->'data'->'quote_age_ms'->>'polymarket')::bigint > 30000)")
echo "arbitrage alerts from quotes older than 30 s: $stale"
rss_ok=1; [ -n "$first_minute" ] && [ "$rss_end" -gt $((first_minute * 2)) ] && rss_ok=0
echo "process exit: $(tail -n 1 "$work/soak2.out" 2>/dev/null)"
pg_ok=0
[ "$missing_markets" = 0 ] && [ "$missing_links" = 0 ] && [ "$missing_opps" = 0 ] && [ "$dup_rows" = 0 ] && [ "$dup_open" = 0 ] \
  && [ "$pending" = 0 ] && [ "$delivered" = "$rows" ] && [ "$resent" = 0 ] && [ "$on_impossible" = 0 ] && [ "$alerts_impossible" = 0 ] \
  && [ "$impossible_seen" -gt 0 ] && [ "$stale" = 0 ] && [ "$rss_ok" = 1 ] && pg_ok=1

echo "== SQLite with a full disk ($sqlite_seconds s)"
mkdir -p "$work/small"
mount -t tmpfs -o size=192m tmpfs "$work/small"
start_sim disk ""
run_crossbook disk "sqlite://$work/small/soak.db" "$sqlite_seconds"
attach disk || { echo "run did not start"; exit 1; }
full_at=$((sqlite_seconds / 3)); : > "$work/disk.statuses"; began=$SECONDS; step=start
while t=$((SECONDS - began)); [ "$t" -lt $((sqlite_seconds - 10)) ]; do
  sleep 2
  if [ $step = start ] && [ "$t" -ge "$full_at" ]; then
    step=full; dd if=/dev/zero of="$work/small/fill" bs=1M 2>/dev/null || true
    echo "t=$t disk full ($(df -h --output=avail "$work/small" | tail -n 1 | tr -d ' ') left) for 60 s"
  fi
  if [ $step = full ] && [ "$t" -ge $((full_at + 60)) ]; then step=room; rm -f "$work/small/fill"; room_at=$t; echo "t=$t room again"; fi
  status=$(health); echo "$step ${status}" >> "$work/disk.statuses"
  if [ $step = room ] && [ -z "${caught_up:-}" ] && ! echo "$status" | grep -q 'db=degraded\|db=down'; then caught_up=$((t - room_at)); echo "t=$t writes caught up ($caught_up s after room): $status"; fi
  [ $((t % 30)) -lt 2 ] && echo "t=$t health: $status"
done
final=$(health); writer=$(curl -s "$url/health" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["writer"]))' || echo '{}')
failed=$(grep -c '^full .*db=\(degraded\|down\)' "$work/disk.statuses" || true)
wait "$runner" || true
squery() { python3 -c 'import sqlite3,sys; [print(r[0]) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])]' "$work/small/soak.db" "$1"; }
sq_markets=$(comm -23 <(count "$clean_db" "$markets_q" | sort) <(squery "$markets_q" | sort) | wc -l)
sq_links=$(comm -23 <(count "$clean_db" "$links_q" | sort) <(squery "$links_q" | sort) | wc -l)
echo "== SQLite results"
echo "health samples with the disk full showing the database degraded: $failed; caught up ${caught_up:-never} s after room; at the end: $final; writer $writer"
echo "of the clean run's markets missing: $sq_markets, confirmed links missing: $sq_links"
echo "lost at stop: $(grep -o '[0-9]* database writes not made' "$work/disk.log" || echo none)"
sqlite_ok=0
[ -n "${caught_up:-}" ] && [ "$failed" -gt 0 ] && [ "$sq_markets" = 0 ] && [ "$sq_links" = 0 ] \
  && echo "$writer" | grep -q '"dropped": *0' && ! grep -q 'writes not made' "$work/disk.log" && sqlite_ok=1

echo "== verdict: PostgreSQL $([ $pg_ok = 1 ] && echo pass || echo FAIL), SQLite $([ $sqlite_ok = 1 ] && echo pass || echo FAIL)"
[ $pg_ok = 1 ] && [ $sqlite_ok = 1 ]
