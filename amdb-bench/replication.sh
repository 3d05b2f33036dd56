#!/usr/bin/env bash
# Replication figures in one run (docs/benchmarks.md, "Replication"):
#   1. for R = 1, 2, 3: three node processes in one cluster started with --replication-factor R, `./amdb bench`
#      PUT and GET through the routing driver (ops/s, p50, p99), the three R alternated ROUNDS times so all see
#      the same machine; the ratios to R = 1 of the medians;
#   2. R = 2: KEYS keys loaded, then kill -9 of one node (FailoverProbe): each of its partitions' time from the kill
#      to its first successful write (p50, p99), and the re-replication until every partition has 2 copies in sync
#      again (keys/s, MB/s);
#   3. R = 2: after AWAY overwrites (default KEYS/100), the killed node restarted on its data directory (caught up
#      from its primaries' backlog, --replication-backlog-mb) and, in the same round, a new node in its place
#      (copied in full): keys sent and time until the cluster is whole again, and the ratios of the first to the
#      second.
# Durability is each node's default (async, in a temporary data directory) unless --durability says otherwise;
# AMDB_* variables (e.g. AMDB_REPLICATION_BACKLOG_MB) reach every node.
# Needs the machine quiet: nothing else running.
# Usage: amdb-bench/replication.sh [--rounds N] [--ops N] [--keys N] [--away N] [--durability MODE] [--only restart]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS=3
OPS=500000
KEYS=1000000
DURABILITY=async
ONLY=""
AWAY=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --ops) OPS="$2"; shift 2 ;;
    --keys) KEYS="$2"; shift 2 ;;
    --away) AWAY="$2"; shift 2 ;;
    --durability) DURABILITY="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--ops N] [--keys N] [--away N] [--durability MODE] [--only restart]" >&2; exit 2 ;;
  esac
done
AWAY=${AWAY:-$((KEYS / 100))}
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

# settle PORT [MEMBERS]: waits (bounded) until the table has MEMBERS (3) members, nothing moves and every partition has
# R copies in sync (or R > members).
settle() {
  for _ in $(seq 1 600); do
    local info
    info=$("$ROOT/amdb" shell --url "jdbc:amdb://127.0.0.1:$1" --format csv -e 'INFO' 2>/dev/null) || true
    grep -q '^migrations_in_flight,0$' <<<"$info" && grep -q '^partitions_under_replicated,0$' <<<"$info" \
      && grep -q "^members,${2:-3}\$" <<<"$info" && return 0
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

# start_node I R [ID]: starts node bI (or bID, on bI's ports) of the cluster NAME with replication factor R on its
# data directory; sets PIDS[I].
HZ=(5941 5942 5943)
start_node() {
  local id=${3:-$1}
  "$ROOT/amdb" start --node-id "b$id" --port 0 --http-port -1 --shards 1 --durability "$DURABILITY" \
    --data-dir "$WORK/data-$id" --replication-factor "$2" --cluster-name "$NAME" \
    --cluster-port "${HZ[$1]}" --join "127.0.0.1:${HZ[0]},127.0.0.1:${HZ[1]},127.0.0.1:${HZ[2]}" >"$WORK/c$1.out" 2>&1 &
  PIDS[$1]=$!
}

# cluster3 R: starts three nodes b0..b2 with replication factor R; sets PORTS, and PORT to b0's port, once settled.
# (Not run in a subshell: PIDS must reach stop_all.)
cluster3() {
  NAME="bench-$RANDOM$RANDOM"
  for i in 0 1 2; do
    start_node "$i" "$1"
  done
  for i in 0 1 2; do
    PORTS[$i]=$(wait_ready "$WORK/c$i.out")
  done
  PORT=${PORTS[0]}
  settle "$PORT"
}

# shipped PORT...: keys the nodes at these ports sent to others since they started (backup copies, migrations).
shipped() {
  local n=0 info field
  for port in "$@"; do
    info=$("$ROOT/amdb" shell --url "jdbc:amdb://127.0.0.1:$port" --format csv -e 'INFO')
    for field in replication_copy_keys migration_keys_sent; do
      n=$((n + $(grep -m1 "^$field," <<<"$info" | cut -d, -f2)))
    done
  done
  echo "$n"
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
for round in $(seq 1 "$( [[ -z "$ONLY" ]] && echo "$ROUNDS" || echo 0)"); do
  for r in 1 2 3; do
    cluster3 "$r"
    read -r pops p50 p99 gops g50 g99 < <(bench "$PORT")
    F[$r.put]+="$pops "; F[$r.put50]+="$p50 "; F[$r.put99]+="$p99 "
    F[$r.get]+="$gops "; F[$r.get50]+="$g50 "; F[$r.get99]+="$g99 "
    stop_all
    echo "round $round R=$r: PUT $pops ops/s (p50 ${p50} us, p99 ${p99} us), GET $gops ops/s (p50 ${g50} us, p99 ${g99} us)"
  done
done

[[ -z "$ONLY" ]] && printf '\n%-4s %-12s %-10s %-10s %-12s %-10s %-10s %-9s %s\n' R "PUT ops/s" "p50 us" "p99 us" "GET ops/s" "p50 us" \
  "p99 us" "PUT/R1" "GET/R1"
if [[ -z "$ONLY" ]]; then
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
fi
for round in $(seq 1 "$( [[ -z "$ONLY" ]] && echo "$ROUNDS" || echo 0)"); do
  cluster3 2
  "$ROOT/amdb" bench --port "$PORT" --ops "$KEYS" --keys "$KEYS" --distinct --value-size 100 --no-baseline \
    >"$WORK/load.out" 2>&1
  settle "$PORT"
  "$(command -v java)" -cp "$ROOT/amdb-bench/target/amdb-bench.jar" io.amdb.bench.FailoverProbe "127.0.0.1:$PORT" \
    b2 "${PIDS[2]}" "$KEYS" 100 | tee -a "$WORK/failover.out"
  stop_all
done

echo
echo "restart after a kill -9, R = 2, $KEYS keys, $AWAY writes while it is away:"
for round in $(seq 1 "$ROUNDS"); do
  for dir in kept new-node; do
    cluster3 2
    "$ROOT/amdb" bench --port "$PORT" --ops "$KEYS" --keys "$KEYS" --distinct --warmup 0 --value-size 100 \
      --no-baseline >"$WORK/load.out" 2>&1
    settle "$PORT"
    kill -9 "${PIDS[2]}"; wait "${PIDS[2]}" 2>/dev/null || true
    settle "$PORT" 2
    "$ROOT/amdb" bench --port "$PORT" --ops "$AWAY" --keys "$KEYS" --warmup 0 --value-size 100 \
      --no-baseline >"$WORK/away.out" 2>&1
    before=$(shipped "${PORTS[0]}" "${PORTS[1]}")
    t0=$(date +%s%N)
    if [[ "$dir" == kept ]]; then start_node 2 2; else start_node 2 2 3; fi
    PORTS[2]=$(wait_ready "$WORK/c2.out")
    settle "$PORT"
    t1=$(date +%s%N)
    keys=$(( $(shipped "${PORTS[@]}") - before ))
    ms=$(( (t1 - t0) / 1000000 ))
    F[$dir.keys]+="$keys "; F[$dir.ms]+="$ms "
    echo "RESTART round=$round node=$dir keys_sent=$keys whole_after_ms=$ms"
    stop_all
  done
done
k1=$(echo "${F[kept.keys]}" | tr ' ' '\n' | grep . | median); k0=$(echo "${F[new-node.keys]}" | tr ' ' '\n' | grep . | median)
m1=$(echo "${F[kept.ms]}" | tr ' ' '\n' | grep . | median); m0=$(echo "${F[new-node.ms]}" | tr ' ' '\n' | grep . | median)
printf 'restarted on its data directory / a new node in its place (medians): keys sent %s / %s = %.2f, time to whole %s / %s ms = %.2f\n' \
  "$k1" "$k0" "$(echo "$k1 / $k0" | bc -l)" "$m1" "$m0" "$(echo "$m1 / $m0" | bc -l)"
