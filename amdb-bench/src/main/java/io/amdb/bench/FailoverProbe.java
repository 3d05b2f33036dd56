package io.amdb.bench;

import io.amdb.client.AmDbClient;
import io.amdb.client.ClientOptions;
import io.amdb.protocol.PartitionTable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures a failover and the re-replication after it, for {@code amdb-bench/replication.sh}: kills (kill -9) the
 * process {@code pid}, node {@code victim} of a running cluster, then
 * <ul>
 *   <li>writes, over and over, one key of each partition the victim was primary of, until each succeeds: the
 *       failover time of that partition (kill to its first successful write);
 *   <li>polls the table until every partition has R copies in sync again: the re-replication time, and the keys it
 *       copied (the victim's share of the {@code keys} loaded), as keys/s and MB/s.
 * </ul>
 * Prints {@code FAILOVER partitions=N p50_ms=… p99_ms=… max_ms=…} and {@code REREPLICATION keys=… seconds=… keys_per_s=…
 * mb_per_s=…}. Usage: {@code FailoverProbe SEED_HOST:PORT VICTIM_ID PID KEYS VALUE_BYTES}.
 */
public final class FailoverProbe {
    private FailoverProbe() {}

    public static void main(String[] args) throws Exception {
        String seed = args[0];
        String victim = args[1];
        long pid = Long.parseLong(args[2]);
        long keys = Long.parseLong(args[3]);
        int valueBytes = Integer.parseInt(args[4]);
        ClientOptions options = ClientOptions.builder().requestTimeout(Duration.ofSeconds(5)).build();
        try (AmDbClient client = AmDbClient.connect(List.of(seed), options)) {
            PartitionTable before = client.refreshTable().get(30, TimeUnit.SECONDS);
            List<byte[]> probes = probeKeys(before, victim);
            int copiesLost = 0;
            for (int p = 0; p < before.partitions(); p++) {
                copiesLost += before.replicas(p).stream().anyMatch(m -> m.nodeId().equals(victim)) ? 1 : 0;
            }
            byte[] value = new byte[valueBytes];
            ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new IllegalArgumentException("no process " + pid));
            long t0 = System.nanoTime();
            process.destroyForcibly();
            long[] firstWrite = new long[probes.size()];
            Arrays.fill(firstWrite, -1);
            int left = probes.size();
            while (left > 0 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(120)) {
                List<CompletableFuture<Void>> tries = new ArrayList<>();
                for (int i = 0; i < probes.size(); i++) {
                    tries.add(firstWrite[i] >= 0 ? null : client.put(probes.get(i), value));
                }
                for (int i = 0; i < tries.size(); i++) {
                    if (tries.get(i) == null) {
                        continue;
                    }
                    try {
                        tries.get(i).get(30, TimeUnit.SECONDS);
                        firstWrite[i] = System.nanoTime() - t0;
                        left--;
                    } catch (Exception e) {
                        // not served yet: tried again in the next round
                    }
                }
                TimeUnit.MILLISECONDS.sleep(20); // bounded polling
            }
            long[] ms = Arrays.stream(firstWrite).filter(t -> t >= 0).map(t -> t / 1_000_000).sorted().toArray();
            System.out.printf("FAILOVER partitions=%d served=%d p50_ms=%d p99_ms=%d max_ms=%d%n", probes.size(), ms.length,
                    at(ms, 0.5), at(ms, 0.99), ms.length == 0 ? -1 : ms[ms.length - 1]);
            PartitionTable t = before;
            while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(600)) {
                t = client.refreshTable().get(30, TimeUnit.SECONDS);
                if (t.members().stream().noneMatch(m -> m.nodeId().equals(victim)) && t.underReplicated() == 0
                        && t.lostPartitions() == 0) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(50); // bounded polling
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long copied = keys * copiesLost / before.partitions();
            System.out.printf("REREPLICATION keys=%d partitions=%d seconds=%.1f keys_per_s=%d mb_per_s=%.1f lost=%d%n",
                    copied, copiesLost, seconds, Math.round(copied / seconds),
                    copied * (valueBytes + 16.0) / seconds / 1e6, t.lostPartitions());
        }
    }

    /** One key (probe-N) in each partition whose primary is {@code victim}. */
    private static List<byte[]> probeKeys(PartitionTable table, String victim) {
        List<byte[]> out = new ArrayList<>();
        boolean[] found = new boolean[table.partitions()];
        for (int i = 0; i < 1_000_000 && out.size() < table.partitionsOf(victim).length; i++) {
            byte[] key = ("probe-" + i).getBytes(StandardCharsets.UTF_8);
            int p = table.partitionOf(key);
            if (!found[p] && table.owner(p) != null && table.owner(p).nodeId().equals(victim)) {
                found[p] = true;
                out.add(key);
            }
        }
        return out;
    }

    private static long at(long[] sorted, double q) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }
}
