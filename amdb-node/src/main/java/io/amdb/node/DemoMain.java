package io.amdb.node;

import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./amdb demo}: the seed's usage on an in-process cluster. Starts the nodes, writes
 * {@code key_i -> value_i} with batchPut, reads everything back, prints the rates, the keys per node and
 * {@code verified n/n}; with {@code --add-node} adds a node, shows the migration and verifies again.
 * Exit code 1 when anything was not verified.
 */
@Command(name = "amdb demo", mixinStandardHelpOptions = true, description = "Run the seed's usage on an in-process cluster.")
public final class DemoMain implements Callable<Integer> {
    private static final int STEPS = 20;
    /** Held here: JUL keeps loggers weakly, and a collected logger would forget its level. */
    private static final java.util.logging.Logger HAZELCAST = java.util.logging.Logger.getLogger("com.hazelcast");

    @Option(names = "--nodes", description = "Nodes to start (default 4).")
    int nodes = 4;
    @Option(names = "--items", description = "Items to write (default 1000000).")
    int items = 1_000_000;
    @Option(names = "--add-node", description = "Add a node after loading, show the migration, verify again.")
    boolean addNode;

    public static void main(String[] args) {
        Logging.quiet();
        System.exit(new CommandLine(new DemoMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        try (AmDbCluster cluster = AmDbCluster.start(nodes)) {
            awaitBalanced(cluster, false);
            System.out.printf(Locale.ROOT, "started %d nodes in %.1f s (%s)%n", nodes, secs(t0), cluster.table());
            List<byte[]> keys = new ArrayList<>(items);
            List<Request.BatchItem> batch = new ArrayList<>(items);
            for (int i = 0; i < items; i++) {
                keys.add(("key_" + i).getBytes(StandardCharsets.UTF_8));
                batch.add(Request.BatchItem.put(keys.get(i), ("value_" + i).getBytes(StandardCharsets.UTF_8)));
            }
            long start = System.nanoTime();
            int failed = 0;
            for (int step = 0; step < STEPS; step++) {
                int from = (int) ((long) items * step / STEPS);
                int to = (int) ((long) items * (step + 1) / STEPS);
                failed += cluster.batchPut(batch.subList(from, to)).failed();
                bar("batchPut", to, items, start);
            }
            System.out.printf(Locale.ROOT, "%nbatchPut items/s=%d (%d items, %d failed)%n", rate(items, start), items, failed);
            System.out.println("get(\"key_123\") = " + cluster.get("key_123"));
            boolean ok = verify(cluster, keys) && failed == 0;
            printKeysPerNode(cluster);
            if (addNode) {
                cluster.nodes().forEach(AmDbNode::resetLoopStats);
                long[] sentBefore = migrated(cluster);
                long joined = System.nanoTime();
                String id = cluster.addNode();
                System.out.println("added " + id + "; migrating:");
                awaitBalanced(cluster, true);
                System.out.printf(Locale.ROOT, "%nbalanced %.1f s after the join%n", secs(joined));
                printMigration(cluster, sentBefore, secs(joined));
                printKeysPerNode(cluster);
                ok &= verify(cluster, keys);
            }
            // Closing the whole in-process cluster at once makes every member warn about the others going
            // away: expected here, so from now on only Hazelcast's errors are shown.
            HAZELCAST.setLevel(java.util.logging.Level.SEVERE);
            return ok ? 0 : 1;
        }
    }

    private static boolean verify(AmDbCluster cluster, List<byte[]> keys) {
        long start = System.nanoTime();
        List<byte[]> values = cluster.getAll(keys);
        long rate = rate(keys.size(), start);
        int good = 0;
        for (int i = 0; i < keys.size(); i++) {
            byte[] v = values.get(i);
            good += v != null && new String(v, StandardCharsets.UTF_8).equals("value_" + i) ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "get items/s=%d%nverified %d/%d%n", rate, good, keys.size());
        return good == keys.size();
    }

    /** Keys and bytes shipped by migrations so far, summed over the nodes. */
    private static long[] migrated(AmDbCluster cluster) {
        long[] sent = new long[2];
        for (AmDbNode n : cluster.nodes()) {
            Map<String, String> f = info(cluster, n);
            sent[0] += Long.parseLong(f.get("migration_keys_sent"));
            sent[1] += Long.parseLong(f.get("migration_bytes_sent"));
        }
        return sent;
    }

    /** What the join moved, its rate over the join-to-balanced time, and the longest event-loop block meanwhile. */
    private static void printMigration(AmDbCluster cluster, long[] before, double seconds) {
        long[] after = migrated(cluster);
        long keys = after[0] - before[0];
        long bytes = after[1] - before[1];
        long lag = 0;
        long task = 0;
        for (AmDbNode n : cluster.nodes()) {
            Map<String, String> f = info(cluster, n);
            lag = Math.max(lag, Long.parseLong(f.get("loop_lag_max_ms")));
            task = Math.max(task, Long.parseLong(f.get("shard_task_max_ms")));
        }
        System.out.printf(Locale.ROOT, "migration: %d keys, %.1f MB moved in %.1f s: %.0f keys/s, %.1f MB/s%n",
                keys, bytes / 1e6, seconds, keys / seconds, bytes / 1e6 / seconds);
        System.out.printf(Locale.ROOT, "longest event-loop stall meanwhile: %d ms (wall clock: GC pauses and other "
                + "threads on these 2 cores included); longest shard task: %d ms of CPU%n", lag, task);
    }

    private static Map<String, String> info(AmDbCluster cluster, AmDbNode n) {
        return ((Response.Info) cluster.call(n, new Request.Info()).join()).fields();
    }

    private static void printKeysPerNode(AmDbCluster cluster) {
        StringBuilder line = new StringBuilder("keys per node:");
        for (AmDbNode n : cluster.nodes()) {
            Map<String, String> info = info(cluster, n);
            line.append(' ').append(n.config().nodeId()).append('=').append(info.get("keys"));
        }
        System.out.println(line);
    }

    /** Waits (bounded) until every node has the same table with no migration; draws progress if asked. */
    private static void awaitBalanced(AmDbCluster cluster, boolean progress) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AmDbCluster.WAIT_SECONDS);
        int most = 1;
        while (!cluster.isBalanced() && System.nanoTime() < deadline) {
            if (progress) {
                PartitionTable t = cluster.table();
                most = Math.max(most, t.migrations().size());
                int done = most - t.migrations().size();
                System.out.printf(Locale.ROOT, "\r  %s %d/%d partitions moved   ", bar(done, most), done, most);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        if (progress) {
            System.out.printf(Locale.ROOT, "\r  %s %d/%d partitions moved   ", bar(most, most), most, most);
        }
    }

    private static void bar(String what, int done, int total, long start) {
        System.out.printf(Locale.ROOT, "\r%s %s %d/%d (%d items/s)   ", what, bar(done, total), done, total, rate(done, start));
    }

    private static String bar(int done, int total) {
        int filled = total == 0 ? 30 : (int) (30L * done / total);
        return "[" + "#".repeat(filled) + ".".repeat(30 - filled) + "]";
    }

    private static long rate(long n, long startNanos) {
        return Math.round(n / Math.max(1e-9, secs(startNanos)));
    }

    private static double secs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
