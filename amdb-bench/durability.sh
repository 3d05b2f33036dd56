#!/usr/bin/env bash
# The durability benchmarks of docs/benchmarks.md, in one run so the figures are comparable:
#   1. PUT/GET throughput and latency of one node in each --durability mode (none, async, sync), one node at a
#      time on a fresh data directory, the same ./amdb bench load; ratios to `none` from this run;
#   2. disk bytes after OVERWRITES overwrites of OVERWRITE_KEYS keys (async: snapshots must bound the log);
#   3. recovery speed for each size in RECOVERY_KEYS (keys/s and MB/s): restart after kill -9 (log replay), then
#      after SIGTERM (a clean stop snapshots, so the restart loads the snapshot);
#   4. with --redis: Redis loading an RDB of the same number of 100-byte values, side by side (redis-server from
#      Debian; installed when missing, as root).
# Usage: amdb-bench/durability.sh [--ops N] [--redis]. Needs the machine quiet: nothing else running.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OPS=1000000
REDIS=0
OVERWRITES=10000000
OVERWRITE_KEYS=100000
RECOVERY_KEYS="1000000 5000000"
PORT=7471
while [[ $# -gt 0 ]]; do
  case "$1" in
    --ops) OPS="$2"; shift 2 ;;
    --redis) REDIS=1; shift ;;
    --quick) OVERWRITES=1000000; RECOVERY_KEYS="1000000"; shift ;;
    *) echo "usage: $0 [--ops N] [--redis] [--quick]" >&2; exit 2 ;;
  esac
done
WORK="$(mktemp -d -t amdb-durability-XXXXXX)"
NODE_PID=""
cleanup() { [[ -n "$NODE_PID" ]] && kill -9 "$NODE_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
"$ROOT/amdb" build >/dev/null

# start_node MODE DIR: runs a standalone node in the background; sets NODE_PID; waits (bounded) for ready.
start_node() {
  "$ROOT/amdb" start --standalone --port "$PORT" --http-port -1 --durability "$1" --data-dir "$2" >"$WORK/node.out" 2>&1 &
  NODE_PID=$!
  for _ in $(seq 1 600); do
    grep -q "ready on" "$WORK/node.out" && return 0
    kill -0 "$NODE_PID" 2>/dev/null || { cat "$WORK/node.out" >&2; exit 1; }
    sleep 0.1
  done
  echo "no ready line" >&2; exit 1
}

stop_node() { kill -TERM "$NODE_PID"; wait "$NODE_PID" || true; NODE_PID=""; }

ops_of() { sed -n "s/^$1 ops\/s=\([0-9]*\).*/\1/p" "$2"; }

echo "== throughput per mode: ./amdb bench --ops $OPS --value-size 100 --no-baseline"
for mode in none async sync; do
  start_node "$mode" "$WORK/$mode"
  "$ROOT/amdb" bench --port "$PORT" --ops "$OPS" --value-size 100 --no-baseline | tee "$WORK/bench-$mode.out" | grep -E "^(PUT|GET) "
  echo "   ($mode: $(grep -o 'durability [a-z]*' "$WORK/node.out"))"
  stop_node
done
none_put=$(ops_of PUT "$WORK/bench-none.out")
none_get=$(ops_of GET "$WORK/bench-none.out")
for mode in async sync; do
  awk -v m="$mode" -v p="$(ops_of PUT "$WORK/bench-$mode.out")" -v g="$(ops_of GET "$WORK/bench-$mode.out")" \
      -v np="$none_put" -v ng="$none_get" 'BEGIN { printf "RATIO %s/none PUT=%.2f GET=%.2f\n", m, p / np, g / ng }'
done

echo "== disk after $OVERWRITES overwrites of $OVERWRITE_KEYS keys (async)"
start_node async "$WORK/overwrite"
"$ROOT/amdb" bench --port "$PORT" --ops "$OVERWRITES" --keys "$OVERWRITE_KEYS" --value-size 100 --warmup 0 --no-baseline | grep -E "^PUT "
echo "   data directory: $(du -sb "$WORK/overwrite" | cut -f1) bytes ($(( OVERWRITE_KEYS * 118 )) bytes of keys and values live)"
stop_node

# recovered LINE BYTES: prints keys/s and MB/s from a node's "recovered N keys: ... in T s" line.
recovered() {
  echo "   $1"
  echo "$1" | awk -v b="$2" '{ for (i = 1; i <= NF; i++) { if ($i == "recovered") k = $(i+1); if ($i == "s" && $(i-2) == "in") t = $(i-1) }
      gsub(":", "", k); printf "   RECOVERY keys=%d seconds=%.2f keys/s=%.0f MB/s=%.1f (directory %.1f MB)\n", k, t, k / t, b / 1e6 / t, b / 1e6 }'
}

for n in $RECOVERY_KEYS; do
  echo "== recovery of $n keys (async, 100-byte values, each key written once)"
  start_node async "$WORK/recover-$n"
  "$ROOT/amdb" bench --port "$PORT" --ops "$n" --keys "$n" --distinct --value-size 100 --warmup 0 --no-baseline | grep -E "^PUT "
  kill -9 "$NODE_PID"; wait "$NODE_PID" 2>/dev/null || true; NODE_PID=""
  bytes=$(du -sb "$WORK/recover-$n" | cut -f1)
  start_node async "$WORK/recover-$n"
  echo "   after kill -9 (the log is replayed):"
  recovered "$(grep "recovered" "$WORK/node.out")" "$bytes"
  stop_node   # a clean stop takes a snapshot
  bytes=$(du -sb "$WORK/recover-$n" | cut -f1)
  start_node async "$WORK/recover-$n"
  echo "   after SIGTERM (a snapshot is loaded):"
  recovered "$(grep "recovered" "$WORK/node.out")" "$bytes"
  stop_node
done

if [[ "$REDIS" == 1 ]]; then
  command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
  for n in $RECOVERY_KEYS; do
    echo "== Redis loading an RDB of $n keys (DEBUG POPULATE, 100-byte values)"
    rdir="$WORK/redis-$n"; mkdir -p "$rdir"
    redis-server --port 7479 --bind 127.0.0.1 --dir "$rdir" --save "" --appendonly no --enable-debug-command yes \
      --logfile "$rdir/log" --daemonize yes --pidfile "$rdir/pid"
    for _ in $(seq 1 100); do redis-cli -p 7479 ping >/dev/null 2>&1 && break; sleep 0.1; done
    redis-cli -p 7479 debug populate "$n" key 100 >/dev/null
    redis-cli -p 7479 save >/dev/null
    redis-cli -p 7479 shutdown nosave >/dev/null 2>&1 || true
    for _ in $(seq 1 100); do [[ -f "$rdir/pid" ]] || break; sleep 0.1; done
    redis-server --port 7479 --bind 127.0.0.1 --dir "$rdir" --save "" --appendonly no --logfile "$rdir/log2" \
      --daemonize yes --pidfile "$rdir/pid"
    for _ in $(seq 1 300); do grep -q "DB loaded from disk" "$rdir/log2" 2>/dev/null && break; sleep 0.1; done
    secs=$(sed -n 's/.*DB loaded from disk: \([0-9.]*\) seconds.*/\1/p' "$rdir/log2")
    awk -v n="$n" -v s="$secs" -v b="$(stat -c %s "$rdir/dump.rdb")" \
      'BEGIN { printf "   REDIS keys=%d seconds=%.2f keys/s=%.0f MB/s=%.1f (rdb %.1f MB)\n", n, s, n / s, b / 1e6 / s, b / 1e6 }'
    redis-cli -p 7479 shutdown nosave >/dev/null 2>&1 || true
  done
fi
