#!/usr/bin/env bash
# One table, measured side by side in one run: per-process start-up of jwtctl, jwt-cli and /bin/true
# (hyperfine medians), and tokens per second of jwtctl's batch modes next to Node's jsonwebtoken
# and Python's PyJWT signing and verifying HS256 in a loop. Ratios are what to read: absolute
# numbers move with the machine and its load.
#
# Knobs (environment): RUNS (hyperfine runs per command, 300), TOKENS (tokens per batch, 200000),
# LOOP (iterations of the Node and Python loops, 100000), SCRATCH (where Node and Python packages
# are installed; a temporary directory by default), JWT_CLI (the jwt-cli binary; by default
# /work/tools/bin/jwt, target/bench-tools/bin/jwt or a `jwt` 6.2 on PATH, else it is installed
# into target/bench-tools with `cargo install jwt-cli --version 6.2.0`; JWT_CLI=none leaves its
# rows out).
#
# Usage: benches/compare.sh [NEW [OLD]]. NEW is the jwtctl binary to measure (default: the
# static build `make dist` ships, scripts/built-binary.sh --static). With OLD, a second jwtctl
# (an earlier build: `git worktree add /tmp/old main`, then `bash scripts/built-binary.sh
# --static` there) runs the same commands in the same rounds, and a last
# table gives NEW / OLD for each: a change is judged side by side, not against a figure from
# another day. OLD may also come from $OLD_JWTCTL.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-300}
TOKENS=${TOKENS:-200000}
LOOP=${LOOP:-100000}
SCRATCH=${SCRATCH:-$(mktemp -d)}
mkdir -p "$SCRATCH"
export JWTCTL_SECRET=4f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c
# Nothing from the caller's environment changes what jwtctl does here.
unset JWTCTL_STORE JWTCTL_REFRESH_SECRET JWTCTL_THREADS NO_COLOR

note() { printf 'note: %s\n' "$*" >&2; }

cpu_model() {
    grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || uname -m
}

echo "date:  $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "nproc: $(nproc)"
echo "cpu:   $(cpu_model)"
echo "load:  $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo

if ! command -v hyperfine >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        note "installing hyperfine"
        apt-get install -y -qq hyperfine >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq hyperfine >/dev/null 2>&1; } || true
    fi
fi
command -v hyperfine >/dev/null 2>&1 || { note "hyperfine is missing: apt-get install hyperfine"; exit 2; }

JWTCTL=${1:-$(bash scripts/built-binary.sh --static)}
[ -x "$JWTCTL" ] || { note "no $JWTCTL"; exit 2; }
OLD=${2:-${OLD_JWTCTL:-}}
[ -z "$OLD" ] || [ -x "$OLD" ] || { note "no $OLD"; exit 2; }

# jwt-cli 6.2 from crates.io, installed once under target/bench-tools when no copy is at hand.
JWT_CLI=${JWT_CLI:-}
tools=target/bench-tools
if [ "$JWT_CLI" = none ]; then
    JWT_CLI=""
    note "JWT_CLI=none: jwt-cli rows are skipped"
elif [ -z "$JWT_CLI" ]; then
    if [ -x /work/tools/bin/jwt ]; then
        JWT_CLI=/work/tools/bin/jwt
    elif [ -x "$tools/bin/jwt" ]; then
        JWT_CLI=$tools/bin/jwt
    elif command -v jwt >/dev/null 2>&1 && jwt --version 2>/dev/null | grep -q '^jwt 6\.2\.'; then
        JWT_CLI=$(command -v jwt)
    else
        note "installing jwt-cli 6.2.0 into $tools (cargo install, a few minutes, once)"
        if cargo install --quiet --locked --version 6.2.0 --root "$tools" jwt-cli > /dev/null 2>&1; then
            JWT_CLI=$tools/bin/jwt
        else
            note "cargo install jwt-cli failed (offline?): its rows are skipped"
        fi
    fi
fi

# A year-long HS256 access token, and a batch of them.
TOKEN=$("$JWTCTL" issue --sub alice --no-refresh --access-ttl 365d --iss https://auth.example.com)
seq 1 "$TOKENS" | sed 's/.*/{"sub":"user&","role":"admin"}/' > "$SCRATCH/claims.ndjson"
"$JWTCTL" issue --batch --no-refresh --access-ttl 365d --iss https://auth.example.com \
    < "$SCRATCH/claims.ndjson" |
    sed 's/^{"access_token":"\([^"]*\)".*/\1/' > "$SCRATCH/tokens.txt"
[ "$(wc -l < "$SCRATCH/tokens.txt")" = "$TOKENS" ] || { note "token generation failed"; exit 2; }

# --- per process -------------------------------------------------------------------------------
commands=(/bin/true
    "$JWTCTL issue --sub alice --no-refresh"
    "$JWTCTL verify $TOKEN"
    "$JWTCTL decode $TOKEN")
labels=("/bin/true" "jwtctl issue --no-refresh" "jwtctl verify TOKEN" "jwtctl decode TOKEN")
if [ -n "$JWT_CLI" ]; then
    commands+=("$JWT_CLI encode --secret $JWTCTL_SECRET --sub alice"
        "$JWT_CLI decode --secret $JWTCTL_SECRET $TOKEN"
        "$JWT_CLI decode $TOKEN")
    labels+=("jwt-cli encode" "jwt-cli decode --secret (verifies)" "jwt-cli decode")
else
    note "no jwt-cli: its rows are skipped"
fi
old_first=$((${#commands[@]} + 1))
if [ -n "$OLD" ]; then
    commands+=("$OLD issue --sub alice --no-refresh" "$OLD verify $TOKEN" "$OLD decode $TOKEN")
    labels+=("old: jwtctl issue --no-refresh" "old: jwtctl verify TOKEN" "old: jwtctl decode TOKEN")
fi
# The machine's other load comes and goes: the commands take turns in ROUNDS rounds, and each
# command's figure is the median of its round medians.
ROUNDS=${ROUNDS:-5}
for round in $(seq 1 "$ROUNDS"); do
    hyperfine -N --style none --warmup 10 --runs $((RUNS / ROUNDS)) \
        --export-csv "$SCRATCH/process.$round.csv" "${commands[@]}" > /dev/null 2>&1
done
middle() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
for row in $(seq 1 "${#commands[@]}"); do
    wall=$(for round in $(seq 1 "$ROUNDS"); do
        awk -F, -v row="$row" 'NR == row + 1 { print $4 }' "$SCRATCH/process.$round.csv"
    done | middle)
    cpu=$(for round in $(seq 1 "$ROUNDS"); do
        awk -F, -v row="$row" 'NR == row + 1 { print $5 + $6 }' "$SCRATCH/process.$round.csv"
    done | middle)
    echo "row$row,,,$wall,$cpu"
done | sed '1i command,mean,stddev,median,cpu' > "$SCRATCH/process.csv"

# median (seconds) of row N (1-based, in the order given) of a hyperfine CSV
median() { awk -F, -v row="$1" 'NR == row + 1 { print $4 }' "$2"; }
# CPU seconds (user + system) of row N of the per-process table
cpu_of() { awk -F, -v row="$1" 'NR == row + 1 { print $5 }' "$SCRATCH/process.csv"; }

# --- batch throughput --------------------------------------------------------------------------
batch() { # NAME INPUT COMMAND: hyperfine with INPUT on stdin; prints "wall_seconds cpu_seconds"
    hyperfine --shell=bash --style none --warmup 1 --runs 5 \
        --export-csv "$SCRATCH/$1.csv" "$3 < $2" > /dev/null 2>&1
    awk -F, 'NR == 2 { print $4, $5 + $6 }' "$SCRATCH/$1.csv"
}
tokens="$SCRATCH/tokens.txt" claims="$SCRATCH/claims.ndjson"
# With OLD, each batch runs through the old binary right after the new one, so that both see
# the same load.
pair_batch() { # NAME INPUT ARGS: sets NAME, NAME_cpu, old_NAME, old_NAME_cpu
    local wall cpu
    read -r wall cpu < <(batch "$1" "$2" "$JWTCTL $3")
    printf -v "$1" '%s' "$wall"
    printf -v "$1_cpu" '%s' "$cpu"
    if [ -n "$OLD" ]; then
        read -r wall cpu < <(batch "old_$1" "$2" "$OLD $3")
        printf -v "old_$1" '%s' "$wall"
        printf -v "old_$1_cpu" '%s' "$cpu"
    fi
}
pair_batch verify1 "$tokens" "verify --batch --threads 1"
pair_batch verify2 "$tokens" "verify --batch --threads 2"
pair_batch decode1 "$tokens" "decode --batch --threads 1"
pair_batch decode2 "$tokens" "decode --batch --threads 2"
pair_batch issue1 "$claims" "issue --batch --no-refresh --threads 1"
pair_batch issue2 "$claims" "issue --batch --no-refresh --threads 2"

# --- Node's jsonwebtoken and Python's PyJWT, in process -----------------------------------------
node_sign="" node_verify="" py_sign="" py_verify=""
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    if [ -d "$SCRATCH/node/node_modules/jsonwebtoken" ] ||
        npm install --silent --no-audit --no-fund --prefix "$SCRATCH/node" jsonwebtoken > /dev/null 2>&1; then
        read -r node_sign node_verify < <(NODE_PATH="$SCRATCH/node/node_modules" LOOP=$LOOP node -e '
            const jwt = require("jsonwebtoken"), crypto = require("crypto");
            // A KeyObject: given the string, jsonwebtoken 9 first tries to parse it as a private
            // key on every call, and fails (about 20 times slower).
            const secret = crypto.createSecretKey(Buffer.from(process.env.JWTCTL_SECRET));
            const n = +process.env.LOOP;
            const claims = { sub: "alice", role: "admin", iss: "https://auth.example.com" };
            let t = process.hrtime.bigint(), token;
            for (let i = 0; i < n; i++) token = jwt.sign(claims, secret, { algorithm: "HS256", expiresIn: 300 });
            const sign = n / (Number(process.hrtime.bigint() - t) / 1e9);
            t = process.hrtime.bigint();
            for (let i = 0; i < n; i++) jwt.verify(token, secret, { algorithms: ["HS256"] });
            const verify = n / (Number(process.hrtime.bigint() - t) / 1e9);
            console.log(sign.toFixed(0), verify.toFixed(0));')
    else
        note "npm install jsonwebtoken failed: Node rows skipped"
    fi
else
    note "node or npm not found: Node rows skipped"
fi
if command -v python3 >/dev/null 2>&1; then
    if [ -d "$SCRATCH/py/jwt" ] ||
        python3 -m pip install --quiet --disable-pip-version-check --target "$SCRATCH/py" pyjwt > /dev/null 2>&1; then
        read -r py_sign py_verify < <(PYTHONPATH="$SCRATCH/py" LOOP=$LOOP python3 -c '
import os, time, jwt
secret, n = os.environ["JWTCTL_SECRET"], int(os.environ["LOOP"])
claims = {"sub": "alice", "role": "admin", "iss": "https://auth.example.com"}
t = time.perf_counter()
for _ in range(n):
    token = jwt.encode(dict(claims, exp=int(time.time()) + 300), secret, algorithm="HS256")
sign = n / (time.perf_counter() - t)
t = time.perf_counter()
for _ in range(n):
    jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp"]})
print(round(sign), round(n / (time.perf_counter() - t)))')
    else
        note "pip install pyjwt failed: Python rows skipped"
    fi
else
    note "python3 not found: Python rows skipped"
fi

# --- the table ---------------------------------------------------------------------------------
true_s=$(median 1 "$SCRATCH/process.csv")
true_cpu=$(cpu_of 1)
echo "Per process: $RUNS runs in $ROUNDS interleaved rounds (hyperfine -N); wall = median,"
echo "CPU = user + system time; each the median over the rounds"
printf '  %-34s %9s %8s %8s   %9s %8s %8s\n' "command" "wall" "/true" "/jwt-cli" "CPU" "/true" "/jwt-cli"
# jwt-cli counterpart of each jwtctl row: issue <-> encode, verify <-> decode --secret, decode <-> decode
counterpart=(0 5 6 7)
for row in $(seq 1 "${#labels[@]}"); do
    wall=$(median "$row" "$SCRATCH/process.csv")
    cpu=$(cpu_of "$row")
    cli_wall="" cli_cpu=""
    if [ "$row" -ge 2 ] && [ "$row" -le 4 ] && [ -n "$JWT_CLI" ]; then
        cli_wall=$(median "${counterpart[$((row - 1))]}" "$SCRATCH/process.csv")
        cli_cpu=$(cpu_of "${counterpart[$((row - 1))]}")
    fi
    awk -v label="${labels[$((row - 1))]}" -v w="$wall" -v c="$cpu" -v tw="$true_s" -v tc="$true_cpu" \
        -v jw="$cli_wall" -v jc="$cli_cpu" 'BEGIN {
            ratio = "%7.2fx"
            printf "  %-34s %6.2f ms %8s %8s   %6.2f ms %8s %8s\n", label, w * 1000,
                sprintf(ratio, w / tw), (jw == "" ? "" : sprintf(ratio, w / jw)),
                c * 1000, (tc > 0 ? sprintf(ratio, c / tc) : ""), (jc == "" ? "" : sprintf(ratio, c / jc)) }'
done
[ -n "$JWT_CLI" ] || echo "  (jwt-cli not installed: its rows are skipped)"
echo
echo "Throughput, HS256, tokens per second ($TOKENS tokens per batch; in-process loops of $LOOP)"
printf '  %-36s %12s %12s %14s\n' "what" "wall tok/s" "CPU tok/s" "vs 1 thread"
row() { # LABEL WALL_SECONDS CPU_SECONDS [BASE_WALL_SECONDS]
    awk -v l="$1" -v n="$TOKENS" -v w="$2" -v c="$3" -v b="${4:-}" 'BEGIN {
        printf "  %-36s %12.0f %12s %14s\n", l, n / w, (c == "" ? "" : sprintf("%.0f", n / c)),
            (b == "" ? "" : sprintf("%.2fx", b / w)) }'
}
row "jwtctl verify --batch, 1 thread" "$verify1" "$verify1_cpu"
row "jwtctl verify --batch, 2 threads" "$verify2" "$verify2_cpu" "$verify1"
row "jwtctl decode --batch, 1 thread" "$decode1" "$decode1_cpu"
row "jwtctl decode --batch, 2 threads" "$decode2" "$decode2_cpu" "$decode1"
row "jwtctl issue --batch, 1 thread" "$issue1" "$issue1_cpu"
row "jwtctl issue --batch, 2 threads" "$issue2" "$issue2_cpu" "$issue1"
inproc() { # LABEL RATE JWTCTL_SECONDS: a loop's rate, and jwtctl's 1-thread batch against it
    if [ -n "$2" ]; then
        awk -v l="$1" -v r="$2" -v n="$TOKENS" -v s="$3" \
            'BEGIN { printf "  %-36s %12.0f %12s %14s\n", l, r, "", sprintf("jwtctl %.1fx", n / s / r) }'
    fi
}
inproc "node jsonwebtoken sign (in process)" "$node_sign" "$issue1"
inproc "node jsonwebtoken verify" "$node_verify" "$verify1"
inproc "python PyJWT encode (in process)" "$py_sign" "$issue1"
inproc "python PyJWT decode (verifies)" "$py_verify" "$verify1"
[ -n "$node_verify" ] || echo "  (Node rows skipped: node, npm or the jsonwebtoken package missing)"
[ -n "$py_verify" ] || echo "  (Python rows skipped: python3 or the pyjwt package missing)"
echo
echo "CPU tok/s: tokens per second of user+system time (what the machine's other load does not"
echo "take away). The jwtctl rows include reading, writing and process start; the Node and"
echo "Python loops run in one process on one token (Node with the secret as a KeyObject)."

if [ -n "$OLD" ]; then
    echo
    echo "New against old, side by side in this run (new: $JWTCTL, old: $OLD)"
    printf '  %-36s %12s %12s\n' "what" "new / old" ""
    for i in 0 1 2; do
        new_row=$((i + 2)) old_row=$((old_first + i))
        awk -v l="${labels[$((new_row - 1))]}" \
            -v nw="$(median "$new_row" "$SCRATCH/process.csv")" -v ow="$(median "$old_row" "$SCRATCH/process.csv")" \
            -v nc="$(cpu_of "$new_row")" -v oc="$(cpu_of "$old_row")" 'BEGIN {
                printf "  %-36s %9.3fx wall %7.3fx CPU\n", l, nw / ow, (oc > 0 ? nc / oc : 0) }'
    done
    ratio() { # LABEL NEW_WALL OLD_WALL NEW_CPU OLD_CPU: throughput of new over old
        awk -v l="$1" -v n="$2" -v o="$3" -v nc="$4" -v oc="$5" 'BEGIN {
            printf "  %-36s %9.3fx tokens/s %7.3fx tokens/CPU-s\n", l, o / n, (nc > 0 ? oc / nc : 0) }'
    }
    ratio "verify --batch, 1 thread" "$verify1" "$old_verify1" "$verify1_cpu" "$old_verify1_cpu"
    ratio "verify --batch, 2 threads" "$verify2" "$old_verify2" "$verify2_cpu" "$old_verify2_cpu"
    ratio "decode --batch, 1 thread" "$decode1" "$old_decode1" "$decode1_cpu" "$old_decode1_cpu"
    ratio "decode --batch, 2 threads" "$decode2" "$old_decode2" "$decode2_cpu" "$old_decode2_cpu"
    ratio "issue --batch, 1 thread" "$issue1" "$old_issue1" "$issue1_cpu" "$old_issue1_cpu"
    ratio "issue --batch, 2 threads" "$issue2" "$old_issue2" "$issue2_cpu" "$old_issue2_cpu"
    echo "(per process: below 1.000x is faster; throughput: above 1.000x is faster)"
fi
