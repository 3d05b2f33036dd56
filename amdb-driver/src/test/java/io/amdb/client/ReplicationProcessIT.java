package io.amdb.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.AckedWrites;
import io.amdb.node.TestPorts;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.TestSeed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replication across separate JVMs started with {@code ./amdb start --replication-factor 2}: three nodes, 30,000
 * keys, a writer that keeps writing through the driver, and kill -9 of one node (chosen by the seed). Nothing
 * may be LOST: its partitions' in-sync backups take over, the cluster restores two copies of every partition on
 * the survivors, every partition serves writes again, and every acknowledged write reads back with its latest
 * value. Then the killed node comes back on its data directory and the cluster again keeps two copies of every
 * partition over three nodes, with every write. {@code -Damdb.seed=N} replays the choice of victim and writes.
 */
@ExtendWith(TestSeed.class)
class ReplicationProcessIT {
    private static final int KEYS = 30_000;
    private static final int NODES = 3;
    private static final long WAIT_S = NodeProcesses.WAIT_S;

    @Test
    void kill9OfAnyNode_underWrites_nothingLost_copiesRestored() throws Exception {
        long seed = TestSeed.get();
        SplittableRandom random = new SplittableRandom(seed);
        int victim = random.nextInt(NODES);
        System.out.println("ReplicationProcessIT seed " + seed + ": kill -9 of p" + victim);
        String cluster = "amdb-it-" + UUID.randomUUID();
        int[] hz = TestPorts.free(NODES);
        String join = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2];
        String[][] flags = new String[NODES][];
        try (NodeProcesses procs = new NodeProcesses()) {
            NodeProcesses.Node[] nodes = new NodeProcesses.Node[NODES];
            List<String> seeds = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("amdb-repl-p" + i + "-");
                flags[i] = new String[] {"--port", "0", "--shards", "1", "--replication-factor", "2", "--cluster-name",
                        cluster, "--cluster-port", Integer.toString(hz[i]), "--join", join, "--data-dir", dir.toString()};
                nodes[i] = procs.start("p" + i, flags[i]);
                seeds.add("127.0.0.1:" + NodeProcesses.awaitReady(nodes[i]));
            }
            ClientOptions options = ClientOptions.builder().requestTimeout(Duration.ofSeconds(60)).build();
            try (AmDbClient client = AmDbClient.connect(seeds, options)) {
                NodeProcesses.awaitTable(client, t -> t.members().size() == NODES && t.migrations().isEmpty()
                        && t.underReplicated() == 0, "every partition with 2 copies in sync");
                AckedWrites model = new AckedWrites(KEYS);
                for (int from = 0; from < KEYS; from += 10_000) {
                    List<ErrorCode> statuses = client.batch(model.items(from, from + 10_000)).get(WAIT_S, TimeUnit.SECONDS);
                    assertTrue(statuses.stream().allMatch(c -> c == ErrorCode.OK), statuses.toString());
                }
                Writer writer = new Writer(client, model, new SplittableRandom(seed + 1));
                Thread thread = new Thread(writer, "writer");
                thread.start();
                PartitionTable after;
                try {
                    writer.awaitBatches(20);
                    long t0 = System.nanoTime();
                    nodes[victim].process().destroyForcibly(); // kill -9: no handoff
                    assertTrue(nodes[victim].process().waitFor(WAIT_S, TimeUnit.SECONDS));
                    after = NodeProcesses.awaitTable(client, t -> t.members().size() == NODES - 1
                            && t.lostPartitions() == 0 && t.underReplicated() == 0, "promoted and copied again");
                    System.out.printf("p%d killed: promoted and 2 copies again in %d ms (table epoch %d)%n", victim,
                            (System.nanoTime() - t0) / 1_000_000, after.epoch());
                    writer.awaitBatches(writer.batches.get() + 20); // writes go on
                } finally {
                    writer.stop.set(true);
                    thread.join(TimeUnit.SECONDS.toMillis(WAIT_S));
                }
                assertEquals(0, after.lostPartitions(), "no partition LOST: its in-sync backup took over");
                System.out.println("writer: " + writer.batches.get() + " batches, " + model.unsureCount() + " keys unsure");
                checkEveryKey(client, model, "after the kill");
                List<ErrorCode> again = client.batch(model.items(0, KEYS)).get(WAIT_S, TimeUnit.SECONDS);
                assertTrue(again.stream().allMatch(c -> c == ErrorCode.OK), "every partition takes writes: " + again);

                nodes[victim] = procs.start("p" + victim, flags[victim]); // back on its data directory
                NodeProcesses.awaitReady(nodes[victim]);
                NodeProcesses.awaitTable(client, t -> t.members().size() == NODES && t.lostPartitions() == 0
                        && t.migrations().isEmpty() && t.underReplicated() == 0, "three nodes, two copies again");
                checkEveryKey(client, model, "after the restart");
            }
        }
    }

    private static void checkEveryKey(AmDbClient client, AckedWrites model, String when) throws Exception {
        List<byte[]> keys = model.keys();
        for (int from = 0; from < KEYS; from += 10_000) {
            List<byte[]> values = client.mget(keys.subList(from, from + 10_000)).get(WAIT_S, TimeUnit.SECONDS);
            for (int i = 0; i < values.size(); i++) {
                model.check(from + i, values.get(i), when);
            }
        }
    }

    /** Overwrites 100 distinct random keys per batch, one batch at a time, until stopped. */
    private static final class Writer implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong batches = new AtomicLong();
        private final AmDbClient client;
        private final AckedWrites model;
        private final SplittableRandom random;

        Writer(AmDbClient client, AckedWrites model, SplittableRandom random) {
            this.client = client;
            this.model = model;
            this.random = random;
        }

        void awaitBatches(long atLeast) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
            while (batches.get() < atLeast) {
                assertTrue(System.nanoTime() < deadline, "the writer is stuck at " + batches.get() + " batches");
                TimeUnit.MILLISECONDS.sleep(5); // polling, bounded
            }
        }

        @Override
        public void run() {
            for (long round = 0; !stop.get() && round < 10_000_000; round++) {
                Set<Integer> picked = new HashSet<>();
                while (picked.size() < 100) {
                    picked.add(random.nextInt(KEYS));
                }
                List<Integer> which = new ArrayList<>(picked);
                List<Request.BatchItem> items = new ArrayList<>();
                for (int k : which) {
                    items.add(Request.BatchItem.put(model.keys().get(k), ("v" + round + "_" + k).getBytes(UTF_8)));
                }
                List<ErrorCode> statuses = null;
                try {
                    statuses = client.batch(items).get(WAIT_S, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // outcome unknown for every item: recorded as unsure below
                }
                for (int i = 0; i < which.size(); i++) {
                    boolean ok = statuses != null && statuses.get(i) == ErrorCode.OK;
                    model.written(which.get(i), "v" + round + "_" + which.get(i), ok);
                }
                batches.incrementAndGet();
            }
        }
    }
}
