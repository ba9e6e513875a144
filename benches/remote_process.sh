#!/usr/bin/env bash
# A cached `verify --oidc ISSUER` against `verify --jwks FILE` of the same keys, one process per
# token, side by side in one run: wall time (median of RUNS runs, alternating the two) and the
# ratio. The issuer is a local server (python3 -m http.server on 127.0.0.1) serving a discovery
# document and the JWKS; it is stopped after the first verify filled the cache, so every timed
# `--oidc` run reads the cache and never the network (one that tried would fail).
# Usage: benches/remote_process.sh [path/to/jwtctl]   (RUNS=41 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-$(bash scripts/built-binary.sh --release)}
runs=${RUNS:-41}
scratch=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$scratch"' EXIT
export XDG_CACHE_HOME="$scratch/cache"
unset JWTCTL_SECRET

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
issuer="http://127.0.0.1:$port"
mkdir -p "$scratch/www/.well-known"
"$bin" gen-key --alg ES256 --out "$scratch/ec.pem" --public-out "$scratch/ec.pub.pem" >/dev/null
"$bin" jwks "$scratch/ec.pub.pem" > "$scratch/www/jwks.json"
kid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"][0]["kid"])' "$scratch/www/jwks.json")
printf '{"issuer":"%s","jwks_uri":"%s/jwks.json"}\n' "$issuer" "$issuer" \
    > "$scratch/www/.well-known/openid-configuration"
token=$("$bin" issue --no-refresh --key-file "$scratch/ec.pem" --alg ES256 --kid "$kid" \
    --iss "$issuer" --sub bench --access-ttl 1h)

python3 -m http.server "$port" --bind 127.0.0.1 --directory "$scratch/www" \
    >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$port" \
        2>/dev/null && break
    sleep 0.05
done
"$bin" verify --quiet --oidc "$issuer" "$token"
kill "$server"
wait "$server" 2>/dev/null || true
server=

# timed NAME COMMAND...: appends the wall milliseconds to $scratch/NAME.times.
timed() {
    local name=$1 start end
    shift
    start=$EPOCHREALTIME
    "$@" >/dev/null
    end=$EPOCHREALTIME
    awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f\n", (e - s) * 1000}' >> "$scratch/$name.times"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for _ in $(seq 5); do
    "$bin" verify --quiet --jwks "$scratch/www/jwks.json" --iss "$issuer" "$token"
    "$bin" verify --quiet --oidc "$issuer" "$token"
done
for _ in $(seq "$runs"); do
    timed file "$bin" verify --quiet --jwks "$scratch/www/jwks.json" --iss "$issuer" "$token"
    timed oidc "$bin" verify --quiet --offline --oidc "$issuer" "$token"
    timed cached "$bin" verify --quiet --oidc "$issuer" "$token"
done
file=$(median < "$scratch/file.times")
oidc=$(median < "$scratch/oidc.times")
cached=$(median < "$scratch/cached.times")
printf '%-44s %10s\n' "verify, one process per token (ES256)" "median ms"
printf '%-44s %10.2f\n' "--jwks FILE" "$file"
printf '%-44s %10.2f\n' "--oidc ISSUER, cached" "$cached"
printf '%-44s %10.2f\n' "--oidc ISSUER --offline" "$oidc"
awk -v f="$file" -v c="$cached" 'BEGIN {printf "ratio cached --oidc / --jwks FILE: %.2fx (target <= 1.3x)\n", c / f}'
