#!/usr/bin/env bash
# Benchmark the dashboard overview on PostgreSQL with the province data set (seed-demo --scale province).
#
#   bash bench/dashboard.sh            (needs PostgreSQL on 127.0.0.1:5432 as postgres, and wrk)
#
# A throwaway database nhiemvu_bench_$$ is created and dropped on exit. gunicorn (2 workers,
# production settings over plain HTTP) serves on loopback; wrk runs 30 s x 16 connections against
# the overview, as the provincial reviewer who sees all 20 agencies, then against
# /dashboards/health/ (no database) on the same server, and the province's page of its agencies
# (/dashboards/province/: the year's decision rolled up from the 500 agency tasks linked to it).
# Prints p50/p99 and requests/s, and the
# ratios overview/health. Targets: overview p99 <= 250 ms, p50 ratio <= 5.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
NV=.venv/bin/nhiemvu
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-$((20000 + $$ % 20000))}
DB=nhiemvu_bench_$$
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 2; }

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DJANGO_ENV=production SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=127.0.0.1 DEBUG=false
export SECRET_KEY="bench-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export LOG_LEVEL=WARNING STATIC_ROOT="$(mktemp -d)"
GUNICORN_PID=""
cleanup() {
  [ -n "$GUNICORN_PID" ] && kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "$DB" || true
  rm -rf "$STATIC_ROOT"
}
trap cleanup EXIT

createdb -h 127.0.0.1 -U postgres "$DB"
$NV migrate -v0
$NV collectstatic --noinput -v0
echo "seeding the province…"
$NV seed-demo --scale province
COOKIE=$($PY bench/dashboard_session.py)

# Sync workers, as `nhiemvu serve` but without an access log so the log does not time itself.
$PY -m gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --threads 1 \
  --log-level warning >/tmp/nhiemvu-bench-gunicorn-$$.log 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/dashboards/health/" >/dev/null && break; sleep 0.2; done
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/dashboards/")
[ "$code" = 200 ] || { echo "overview answered $code"; cat /tmp/nhiemvu-bench-gunicorn-$$.log; exit 1; }
curl -s -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/dashboards/" -o /dev/null -w "overview page: %{size_download} bytes, first request %{time_total} s\n"

run() {  # run NAME URL -> "p50_ms p99_ms rps"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: $COOKIE" "$2" >"/tmp/nhiemvu-bench-$1-$$.txt"
  $PY - "/tmp/nhiemvu-bench-$1-$$.txt" <<'PYEOF'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    value, unit = float(m[1]), m[2]
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1])
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{ms('50%'):.2f} {ms('99%'):.2f} {rps:.1f} {errors[1] if errors else 0}")
PYEOF
}
# Each worker builds the dashboard once (about a second at this size), then serves it from its
# cache until a write changes the data stamp: warm both up so the run measures steady state.
warm=()
for _ in 1 2 3 4 5 6; do
  curl -s -o /dev/null -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/dashboards/" & warm+=($!)
  curl -s -o /dev/null -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/dashboards/province/" & warm+=($!)
done
wait "${warm[@]}"  # not a bare `wait`: that would wait for gunicorn too
read -r H50 H99 HRPS HERR < <(run health "http://127.0.0.1:$PORT/dashboards/health/")
read -r O50 O99 ORPS OERR < <(run overview "http://127.0.0.1:$PORT/dashboards/")
read -r P50 P99 PRPS PERR < <(run province "http://127.0.0.1:$PORT/dashboards/province/")
$PY - "$O50" "$O99" "$ORPS" "$OERR" "$H50" "$H99" "$HRPS" "$HERR" "$CONNECTIONS" "$DURATION" "$P50" "$P99" "$PRPS" "$PERR" <<'PYEOF'
import sys
o50, o99, orps, oerr, h50, h99, hrps, herr = map(float, sys.argv[1:9])
p50, p99, prps, perr = map(float, sys.argv[11:15])
print(f"wrk {sys.argv[10]} x {sys.argv[9]} connections, gunicorn 2 sync workers, PostgreSQL, province data set")
print(f"overview  p50 {o50:8.2f} ms  p99 {o99:8.2f} ms  {orps:8.1f} req/s  non-2xx {int(oerr)}")
print(f"province  p50 {p50:8.2f} ms  p99 {p99:8.2f} ms  {prps:8.1f} req/s  non-2xx {int(perr)}  (the decision's agencies side by side)")
print(f"health    p50 {h50:8.2f} ms  p99 {h99:8.2f} ms  {hrps:8.1f} req/s  non-2xx {int(herr)}")
ratio = o50 / h50
print(f"ratio overview/health: p50 {ratio:.1f}x, p99 {o99 / h99:.1f}x, req/s {hrps / orps:.1f}x")
ok = o99 <= 250 and ratio <= 5 and not oerr and p99 <= 250 and not perr
print(f"targets (p99 <= 250 ms, ratio <= 5): {'met' if ok else 'NOT met'}")
PYEOF
