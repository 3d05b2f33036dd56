#!/usr/bin/env bash
# Before/after benchmark of the Raft-committed partition table (docs/benchmarks.md, "Table consensus"): the same
# loads against a build of BASE (default be9e3e0, the last commit before the table log) and of this checkout,
# alternated ROUNDS times in one run so both see the same machine:
#   1. one standalone node, `./amdb bench` PUT and GET (the table is not on this path at all);
#   2. three node processes in one cluster, the same bench through the routing driver;
#   3. `./amdb demo --nodes 4 --items 1000000 --add-node`: seconds from a 5th node's join to a balanced table.
# Prints each figure and the after/before ratio of the medians. Needs the machine quiet: nothing else running.
# Usage: amdb-bench/table-consensus.sh [--base REV] [--rounds N] [--ops N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE=be9e3e0
ROUNDS=3
OPS=500000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --base) BASE="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --ops) OPS="$2"; shift 2 ;;
    *) echo "usage: $0 [--base REV] [--rounds N] [--ops N]" >&2; exit 2 ;;
  esac
done
WORK="$(mktemp -d -t amdb-table-bench-XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill -9 "$p" 2>/dev/null || true; done
  git -C "$ROOT" worktree remove --force "$WORK/before" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

git -C "$ROOT" worktree add --detach "$WORK/before" "$BASE" >/dev/null 2>&1
echo "building $BASE and this checkout ..."
"$WORK/before/amdb" build >/dev/null
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

# bench TREE PORT: PUT then GET ops/s of `./amdb bench` against PORT, as "put get".
bench() {
  "$1/amdb" bench --port "$2" --ops "$OPS" --value-size 100 --no-baseline >"$WORK/bench.out" 2>&1
  local put get
  put=$(grep -m1 '^PUT ' "$WORK/bench.out" | sed 's/.*ops\/s=\([0-9]*\).*/\1/')
  get=$(grep -m1 '^GET ' "$WORK/bench.out" | sed 's/.*ops\/s=\([0-9]*\).*/\1/')
  echo "$put $get"
}

stop_all() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill -9 "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && wait "$p" 2>/dev/null || true; done
  PIDS=()
}

single() {
  "$1/amdb" start --standalone --port 0 --http-port -1 --durability none >"$WORK/n.out" 2>&1 &
  PIDS+=($!)
  local port; port=$(wait_ready "$WORK/n.out")
  bench "$1" "$port"
  stop_all
}

cluster3() {
  local name="bench-$RANDOM$RANDOM" hz=(5931 5932 5933)
  local join="127.0.0.1:${hz[0]},127.0.0.1:${hz[1]},127.0.0.1:${hz[2]}"
  for i in 0 1 2; do
    "$1/amdb" start --node-id "b$i" --port 0 --http-port -1 --shards 1 --durability none --cluster-name "$name" \
      --cluster-port "${hz[$i]}" --join "$join" >"$WORK/c$i.out" 2>&1 &
    PIDS+=($!)
  done
  local port; port=$(wait_ready "$WORK/c0.out"); wait_ready "$WORK/c1.out" >/dev/null; wait_ready "$WORK/c2.out" >/dev/null
  # Measure once the three share a table with nothing moving (the bench's warm-up then routes to final owners).
  for _ in $(seq 1 600); do
    "$1/amdb" shell --url "jdbc:amdb://127.0.0.1:$port" --format csv -e 'INFO' 2>/dev/null \
      | grep -q '^migrations_in_flight,0$' && break
    sleep 0.1
  done
  bench "$1" "$port"
  stop_all
}

join5() {
  "$1/amdb" demo --nodes 4 --items 1000000 --add-node >"$WORK/demo.out" 2>&1
  grep -o 'balanced [0-9.]* s after the join' "$WORK/demo.out" | grep -o '[0-9.]*' | head -1
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -A R
for round in $(seq 1 "$ROUNDS"); do
  for side in before after; do
    tree="$ROOT"; [[ $side == before ]] && tree="$WORK/before"
    read -r put get < <(single "$tree"); R[$side.single.put]+="$put "; R[$side.single.get]+="$get "
    read -r put get < <(cluster3 "$tree"); R[$side.cluster.put]+="$put "; R[$side.cluster.get]+="$get "
    s=$(join5 "$tree"); R[$side.join]+="$s "
    echo "round $round $side done"
  done
done

printf '\n%-22s %-34s %-34s %s\n' "figure" "before ($BASE), each round" "after (this checkout), each round" "after/before (medians)"
for f in single.put single.get cluster.put cluster.get join; do
  b=$(echo "${R[before.$f]}" | tr ' ' '\n' | grep . | median)
  a=$(echo "${R[after.$f]}" | tr ' ' '\n' | grep . | median)
  printf '%-22s %-34s %-34s %.2f\n' "$f" "${R[before.$f]}" "${R[after.$f]}" "$(echo "$a / $b" | bc -l)"
done
echo "(ops/s for PUT/GET; seconds from the 5th node's join to a balanced table for join)"
