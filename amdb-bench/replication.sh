#!/usr/bin/env bash
# Replication figures in one run (docs/benchmarks.md, "Replication"):
#   1. for R = 1, 2, 3: three node processes in one cluster started with --replication-factor R, `./amdb bench`
#      PUT and GET through the routing driver (ops/s, p50, p99), the three R alternated ROUNDS times so all see
#      the same machine; the ratios to R = 1 of the medians;
#   2. R = 2: KEYS keys loaded, then kill -9 of one node (FailoverProbe): each of its partitions' time from the kill
#      to its first successful write (p50, p99), and the re-replication until every partition has 2 copies in sync
#      again (keys/s, MB/s).
# Durability is each node's default (async, in a temporary data directory) unless --durability says otherwise.
# Needs the machine quiet: nothing else running.
# Usage: amdb-bench/replication.sh [--rounds N] [--ops N] [--keys N] [--durability MODE]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS=3
OPS=500000
KEYS=1000000
DURABILITY=async
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --ops) OPS="$2"; shift 2 ;;
    --keys) KEYS="$2"; shift 2 ;;
    --durability) DURABILITY="$2"; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--ops N] [--keys N] [--durability MODE]" >&2; exit 2 ;;
  esac
done
WORK="$(mktemp -d -t amdb-repl-bench-XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
"$ROOT/amdb" build >/dev/null

# wait_ready FILE: polls (bounded) for a node's ready line; prints the port.
wait_ready() {
  for _ in $(seq 1 1200); do
    local port
    port=$(grep -o 'ready on 127.0.0.1:[0-9]*' "$1" 2>/dev/null | head -1 | sed 's/.*://') || true
    [[ -n "$port" ]] && { echo "$port"; return 0; }
    sleep 0.1
  done
  echo "no ready line in $1" >&2; cat "$1" >&2; exit 1
}

# settle PORT: waits (bounded) until nothing moves and every partition has R copies in sync (or R > members).
settle() {
  for _ in $(seq 1 300); do
    local info
    info=$("$ROOT/amdb" shell --url "jdbc:amdb://127.0.0.1:$1" --format csv -e 'INFO' 2>/dev/null) || true
    grep -q '^migrations_in_flight,0$' <<<"$info" && grep -q '^partitions_under_replicated,0$' <<<"$info" \
      && grep -q '^members,3$' <<<"$info" && return 0
    sleep 0.2
  done
  echo "the cluster did not settle" >&2; exit 1
}

stop_all() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill -9 "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && wait "$p" 2>/dev/null || true; done
  PIDS=()
  rm -rf "$WORK"/data-*
}

# cluster3 R: starts three nodes b0..b2 with replication factor R; sets PORT to b0's port once settled. (Not
# run in a subshell: PIDS must reach stop_all.)
cluster3() {
  local name="bench-$RANDOM$RANDOM" hz=(5941 5942 5943)
  local join="127.0.0.1:${hz[0]},127.0.0.1:${hz[1]},127.0.0.1:${hz[2]}"
  for i in 0 1 2; do
    "$ROOT/amdb" start --node-id "b$i" --port 0 --http-port -1 --shards 1 --durability "$DURABILITY" \
      --data-dir "$WORK/data-$i" --replication-factor "$1" --cluster-name "$name" \
      --cluster-port "${hz[$i]}" --join "$join" >"$WORK/c$i.out" 2>&1 &
    PIDS+=($!)
  done
  PORT=$(wait_ready "$WORK/c0.out"); wait_ready "$WORK/c1.out" >/dev/null; wait_ready "$WORK/c2.out" >/dev/null
  settle "$PORT"
}

# bench PORT: "put_ops put_p50 put_p99 get_ops get_p50 get_p99" of `./amdb bench` against PORT.
bench() {
  "$ROOT/amdb" bench --port "$1" --ops "$OPS" --value-size 100 --no-baseline >"$WORK/bench.out" 2>&1
  local put get
  put=$(grep -m1 '^PUT ' "$WORK/bench.out" | sed 's/.*ops\/s=\([0-9]*\) p50_us=\([0-9]*\) p99_us=\([0-9]*\).*/\1 \2 \3/')
  get=$(grep -m1 '^GET ' "$WORK/bench.out" | sed 's/.*ops\/s=\([0-9]*\) p50_us=\([0-9]*\) p99_us=\([0-9]*\).*/\1 \2 \3/')
  echo "$put $get"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -A F
for round in $(seq 1 "$ROUNDS"); do
  for r in 1 2 3; do
    cluster3 "$r"
    read -r pops p50 p99 gops g50 g99 < <(bench "$PORT")
    F[$r.put]+="$pops "; F[$r.put50]+="$p50 "; F[$r.put99]+="$p99 "
    F[$r.get]+="$gops "; F[$r.get50]+="$g50 "; F[$r.get99]+="$g99 "
    stop_all
    echo "round $round R=$r: PUT $pops ops/s (p50 ${p50} us, p99 ${p99} us), GET $gops ops/s (p50 ${g50} us, p99 ${g99} us)"
  done
done

printf '\n%-4s %-12s %-10s %-10s %-12s %-10s %-10s %-9s %s\n' R "PUT ops/s" "p50 us" "p99 us" "GET ops/s" "p50 us" \
  "p99 us" "PUT/R1" "GET/R1"
p1=$(echo "${F[1.put]}" | tr ' ' '\n' | grep . | median)
g1=$(echo "${F[1.get]}" | tr ' ' '\n' | grep . | median)
for r in 1 2 3; do
  m() { echo "${F[$r.$1]}" | tr ' ' '\n' | grep . | median; }
  printf '%-4s %-12s %-10s %-10s %-12s %-10s %-10s %-9.2f %.2f\n' "$r" "$(m put)" "$(m put50)" "$(m put99)" "$(m get)" \
    "$(m get50)" "$(m get99)" "$(echo "$(m put) / $p1" | bc -l)" "$(echo "$(m get) / $g1" | bc -l)"
done
echo "(medians of $ROUNDS rounds of $OPS operations, 100-byte values, durability $DURABILITY)"

echo
echo "failover and re-replication, R = 2, $KEYS keys:"
for round in $(seq 1 "$ROUNDS"); do
  cluster3 2
  "$ROOT/amdb" bench --port "$PORT" --ops "$KEYS" --keys "$KEYS" --distinct --value-size 100 --no-baseline \
    >"$WORK/load.out" 2>&1
  settle "$PORT"
  "$(command -v java)" -cp "$ROOT/amdb-bench/target/amdb-bench.jar" io.amdb.bench.FailoverProbe "127.0.0.1:$PORT" \
    b2 "${PIDS[2]}" "$KEYS" 100 | tee -a "$WORK/failover.out"
  stop_all
done
