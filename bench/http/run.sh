#!/usr/bin/env bash
# HTTP benchmark: wrk against `dossier serve` on a demo database.
#
#   bench/http/run.sh PERSONS [THREADS] [CONNECTIONS]
#
# Builds nothing: uses build/release/src/cli/dossier (or $DOSSIER). Creates (once) a demo database
# with PERSONS persons under $BENCH_DIR (default /tmp/dossier-bench-http), starts the server with
# THREADS worker threads (default 2) and as many store connections, signs in, and measures with
# wrk (2 threads, 16 connections, 15 s each): GET /api/v1/health, GET /api/v1/persons/{id} over
# 1000 ids, and GET /api/v1/search?q= over Korean names in Hangul and several romanisations.
# Prints one RESULT line per endpoint (requests/s, p50, p90, p99 in ms), the server's resident
# memory after start-up, and the load average before and after each endpoint's run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
persons=${1:?usage: run.sh PERSONS [THREADS] [STORE_CONNECTIONS]}
threads=${2:-2}
conns=${3:-$threads}
dossier=${DOSSIER:-$root/build/release/src/cli/dossier}
dir=${BENCH_DIR:-/tmp/dossier-bench-http}/$persons
duration=${DURATION:-15s}
port=${PORT:-18080}
export DOSSIER_KEY_FILE=$dir/key DOSSIER_DATA_DIR=$root/data
mkdir -p "$dir"
if [ ! -f "$dir/db" ]; then
  "$dossier" init --db "$dir/db" --new-key-file "$dir/key"
  start=$(date +%s)
  "$dossier" demo --db "$dir/db" --persons "$persons" --json > "$dir/demo.json"
  echo "demo data: $(cat "$dir/demo.json" | tr -d '\n ') in $(( $(date +%s) - start )) s"
  DOSSIER_NEW_PASSWORD='benchmark password' "$dossier" user add bench --role documenter --db "$dir/db"
fi
"$dossier" serve --db "$dir/db" --listen 127.0.0.1:$port --threads "$threads" --connections "$conns" \
  2> "$dir/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
# Start-up reads every person and incident; at 1M persons it takes over 10 minutes.
for _ in $(seq 1 "${START_TIMEOUT:-3600}"); do
  grep -q "listening on" "$dir/serve.log" && break
  sleep 1
done
grep "search index" "$dir/serve.log" | sed 's/^.*search index/search index/'
echo "server memory after start-up: $(grep -E '^(VmRSS|VmHWM)' /proc/$pid/status | tr -s ' \t' ' ' | tr '\n' ' ')"
base=http://127.0.0.1:$port
cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"benchmark password"}' "$base/api/v1/session" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(dossier_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "sign-in failed" >&2; exit 1; }
# 1000 person ids spread over the table.
: > "$dir/sample.txt"
step=$(( persons / 10 > 500 ? persons / 10 : 500 ))
# (sed, not head: head exits early and pipefail would then stop the script on the writer's SIGPIPE)
for off in $(seq 0 $step $(( persons - 1 )) | sed -n 1,10p); do
  curl -s -H "Cookie: $cookie" "$base/api/v1/persons?limit=100&offset=$off" |
    python3 -c 'import json,sys; [print("/api/v1/persons/"+p["id"]+"\t"+p["names"][0]["value"]) for p in json.load(sys.stdin)["items"]]' >> "$dir/sample.txt"
done
cut -f1 "$dir/sample.txt" > "$dir/persons.txt"
cut -f2 "$dir/sample.txt" | sed -n 1,200p > "$dir/names.txt"
# Names as users type them (Hangul and romanisations), plus 200 names as stored in the sample.
python3 - "$dir/search.txt" "$dir/names.txt" <<'PY'
import sys, urllib.parse
names = ["리설주", "Ri Sol Ju", "Lee Seol-ju", "Yi Sol-chu", "김정숙", "Kim Jong-suk", "Kim Chong-suk", "박영철",
         "Pak Yong-chol", "Park Young-chul", "최순희", "Choe Sun-hui", "Choi Soon-hee", "한영수", "Han Yong-su",
         "Pak", "Kim", "Ri", "Jung", "Chong Myong-hui"]
names += [l.strip() for l in open(sys.argv[2], encoding="utf-8") if l.strip()]  # names as stored
with open(sys.argv[1], "w") as f:
    for n in names:
        f.write("/api/v1/search?q=" + urllib.parse.quote(n) + "\n")
PY
echo "/api/v1/health" > "$dir/health.txt"
for what in health persons search; do
  echo "load before $what: $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-8s ' "$what"
  PATHS_FILE=$dir/$what.txt COOKIE=$cookie wrk -t2 -c16 -d"$duration" -s "$here/requests.lua" "$base" | grep '^RESULT'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM $pid
wait $pid || true
