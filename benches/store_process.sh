#!/usr/bin/env bash
# One `refresh` and one `revoke --user` process against a file store of N live sessions, for
# N = 10,000 and 100,000: wall time and peak memory (median of RUNS runs), so the growth shows.
# Then the same `refresh` against a private Redis on loopback (10,000 and 100,000 sessions),
# when redis-server is installed.
# Usage: benches/store_process.sh [path/to/jwtctl]   (RUNS=15 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-$(bash scripts/built-binary.sh --static)}
runs=${RUNS:-15}
export JWTCTL_SECRET=4f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Writes a version-1 store of N live sessions directly, far faster than N `issue` processes.
fill() {
    python3 - "$1" "$2" <<'PY'
import json, sys, time, secrets
path, count = sys.argv[1], int(sys.argv[2])
now = int(time.time())
with open(path, "w") as out:
    out.write('{"version":1,\n"tokens":{\n')
    for i in range(count):
        jti, fam = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        record = {"sub": f"user{i % 5000}", "fam": fam, "iat": now, "exp": now + 21600,
                  "aexp": now + 300, "st": "active"}
        out.write(("," if i else "") + json.dumps(jti) + ":" + json.dumps(record, separators=(",", ":")) + "\n")
    out.write('},\n"revoked_families":{},\n"cutoffs":{}}')
PY
    chmod 600 "$1"
}

# timed NAME COMMAND...: appends "milliseconds peak-KiB" to $scratch/NAME.times. The wall time
# comes from the shell's microsecond clock (GNU time's is in centiseconds), the peak from GNU time.
timed() {
    local name=$1 start end
    shift
    start=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$scratch/rss" "$@" >/dev/null
    end=$EPOCHREALTIME
    awk -v s="$start" -v e="$end" -v k="$(cat "$scratch/rss")" \
        'BEGIN {printf "%.2f %d\n", (e - s) * 1000, k}' >> "$scratch/$name.times"
}

# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf '%-10s %-14s %12s %12s %10s\n' sessions command "median ms" "peak MB" "file MB"
for sessions in 10000 100000; do
    store="$scratch/sessions-$sessions.json"
    fill "$store" "$sessions"
    size=$(awk -v b="$(stat -c %s "$store")" 'BEGIN {printf "%.1f", b / 1048576}')
    : > "$scratch/refresh.times"
    : > "$scratch/revoke.times"
    for run in $(seq "$runs"); do
        token=$("$bin" issue --sub "bench$run" --store "$store" | tail -n 1)
        timed refresh "$bin" refresh --store "$store" "$token"
        timed revoke "$bin" revoke --user "bench$run" --store "$store"
    done
    for command in refresh revoke; do
        ms=$(awk '{print $1}' "$scratch/$command.times" | median)
        mb=$(awk '{print $2 / 1024}' "$scratch/$command.times" | median)
        printf '%-10s %-14s %12.1f %12.1f %10s\n' "$sessions" "$command" "$ms" "$mb" "$size"
    done
done

command -v redis-server >/dev/null 2>&1 || { echo "redis: skipped (redis-server not installed)"; exit 0; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$scratch/redis.pid" --logfile "$scratch/redis.log" >/dev/null
trap 'kill "$(cat "$scratch/redis.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$scratch"' EXIT
url="redis://127.0.0.1:$port/0"
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
filled=0
for sessions in 10000 100000; do
    python3 -c "import sys; [print('{\"sub\":\"user%d\"}' % (i % 5000)) for i in range($filled, $sessions)]" \
        | "$bin" issue --batch --store "$url" >/dev/null
    filled=$sessions
    : > "$scratch/redis-refresh.times"
    for run in $(seq "$runs"); do
        token=$("$bin" issue --sub "bench$run" --store "$url" | tail -n 1)
        timed redis-refresh "$bin" refresh --store "$url" "$token"
    done
    ms=$(awk '{print $1}' "$scratch/redis-refresh.times" | median)
    mb=$(awk '{print $2 / 1024}' "$scratch/redis-refresh.times" | median)
    printf '%-10s %-14s %12.1f %12.1f %10s\n' "$sessions" "redis refresh" "$ms" "$mb" "-"
done
