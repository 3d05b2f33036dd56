package io.amdb.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A cluster of separate JVMs started with {@code ./amdb start}, driven through the driver: 3 nodes and
 * 100,000 keys; a 4th node joins while a writer keeps writing; one node leaves on SIGTERM. Then every
 * acknowledged write reads back with its latest value and the owners' key counts sum to the total. Then
 * kill -9 of one node: its partitions are LOST (reported, failing with PARTITION_LOST), the rest keep serving.
 */
@ExtendWith(TestSeed.class)
class ClusterProcessIT {
    private static final int KEYS = 100_000;
    private static final long WAIT_S = NodeProcesses.WAIT_S;

    @Test
    void threeNodes_joinUnderWrites_sigtermLeave_thenKill9LosesOnlyItsPartitions() throws Exception {
        long seed = TestSeed.get();
        System.out.println("ClusterProcessIT seed " + seed);
        String cluster = "amdb-it-" + UUID.randomUUID();
        int[] hz = TestPorts.free(4);
        String join = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2] + ",127.0.0.1:" + hz[3];
        try (NodeProcesses procs = new NodeProcesses()) {
            List<NodeProcesses.Node> nodes = new ArrayList<>();
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                if (i == 3) {
                    continue; // the 4th joins later
                }
                nodes.add(procs.start("p" + i, "--port", "0", "--shards", "1", "--replication-factor", "1", "--cluster-name", cluster,
                        "--cluster-port", Integer.toString(hz[i]), "--join", join));
                ports.add(NodeProcesses.awaitReady(nodes.get(i)));
            }
            ClientOptions options = ClientOptions.builder().requestTimeout(Duration.ofSeconds(60)).build();
            try (AmDbClient client = AmDbClient.connect(ports.stream().map(p -> "127.0.0.1:" + p).toList(), options)) {
                awaitTable(client, t -> t.members().size() == 3 && t.migrations().isEmpty());
                AckedWrites model = new AckedWrites(KEYS);
                for (int from = 0; from < KEYS; from += 10_000) {
                    List<ErrorCode> statuses = client.batch(model.items(from, from + 10_000)).get(WAIT_S, TimeUnit.SECONDS);
                    assertTrue(statuses.stream().allMatch(c -> c == ErrorCode.OK), statuses.toString());
                }
                Writer writer = new Writer(client, model, new SplittableRandom(seed));
                Thread thread = new Thread(writer, "writer");
                thread.start();
                try {
                    long t0 = System.nanoTime();
                    NodeProcesses.Node fourth = procs.start("p3", "--port", "0", "--shards", "1", "--cluster-name",
                            cluster, "--cluster-port", Integer.toString(hz[3]), "--join", join);
                    ports.add(NodeProcesses.awaitReady(fourth));
                    nodes.add(fourth);
                    awaitTable(client, t -> t.members().size() == 4 && t.migrations().isEmpty());
                    System.out.printf("4th node: joined and balanced in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                    t0 = System.nanoTime();
                    NodeProcesses.Node leaver = nodes.get(1);
                    leaver.process().destroy(); // SIGTERM: hands its partitions off, then exits 0
                    assertTrue(leaver.process().waitFor(WAIT_S, TimeUnit.SECONDS), "p1 exits after SIGTERM");
                    assertEquals(0, leaver.process().exitValue(), leaver.describe());
                    System.out.printf("p1: SIGTERM to exit in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                    awaitTable(client, t -> t.members().size() == 3 && t.migrations().isEmpty() && t.lostPartitions() == 0);
                } finally {
                    writer.stop.set(true);
                    thread.join(TimeUnit.SECONDS.toMillis(WAIT_S));
                }
                assertTrue(writer.batches.get() > 0, "the writer wrote while the cluster changed");
                System.out.println("writer: " + writer.batches.get() + " batches, " + model.unsureCount() + " keys unsure");
                List<byte[]> keys = model.keys();
                for (int from = 0; from < KEYS; from += 10_000) {
                    List<byte[]> values = client.mget(keys.subList(from, from + 10_000)).get(WAIT_S, TimeUnit.SECONDS);
                    for (int i = 0; i < values.size(); i++) {
                        model.check(from + i, values.get(i), "after the join and the leave");
                    }
                }
                long sum = 0;
                int[] live = {ports.get(0), ports.get(2), ports.get(3)};
                for (int port : live) {
                    try (AmDbClient one = AmDbClient.connect("127.0.0.1", port)) {
                        sum += Long.parseLong(one.info().get(WAIT_S, TimeUnit.SECONDS).get("keys"));
                    }
                }
                assertEquals(KEYS, sum, "the owners' key counts sum to the total");
                long scanned = 0;
                byte[] previous = null;
                for (var it = client.scanAll(new byte[0], new byte[0], 5_000); it.hasNext(); scanned++) {
                    byte[] key = it.next().key();
                    assertTrue(previous == null || java.util.Arrays.compareUnsigned(previous, key) < 0, "scan order");
                    previous = key;
                }
                assertEquals(KEYS, scanned, "a cluster-wide scan through the driver sees every key once");

                PartitionTable before = client.refreshTable().get(WAIT_S, TimeUnit.SECONDS);
                int owned = before.partitionsOf("p2").length;
                nodes.get(2).process().destroyForcibly(); // kill -9: no handoff
                assertTrue(nodes.get(2).process().waitFor(WAIT_S, TimeUnit.SECONDS));
                PartitionTable after = awaitTable(client, t -> t.members().size() == 2);
                assertEquals(owned, after.lostPartitions(), "p2's partitions are LOST, no others");
                int served = 0;
                int lost = 0;
                for (int k = 0; k < KEYS; k += 97) {
                    byte[] key = keys.get(k);
                    if (after.isLost(after.partitionOf(key))) {
                        lost++;
                        try {
                            client.get(key).get(WAIT_S, TimeUnit.SECONDS);
                            fail("a key in a LOST partition must not read as present or absent");
                        } catch (ExecutionException e) {
                            assertEquals(ErrorCode.PARTITION_LOST, ((AmDbException) e.getCause()).code());
                        }
                    } else {
                        served++;
                        model.check(k, client.get(key).get(WAIT_S, TimeUnit.SECONDS), "after the kill");
                    }
                }
                assertTrue(served > 0 && lost > 0, "served " + served + ", lost " + lost);
                try (AmDbClient survivor = AmDbClient.connect("127.0.0.1", ports.get(0))) {
                    assertEquals(Integer.toString(owned), survivor.info().get(WAIT_S, TimeUnit.SECONDS).get("partitions_lost"));
                }
            }
        }
    }

    private static PartitionTable awaitTable(AmDbClient client, Predicate<PartitionTable> ok) throws Exception {
        return NodeProcesses.awaitTable(client, ok, "settled");
    }

    /** Overwrites 200 distinct random keys per batch, one batch at a time, until stopped. */
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

        @Override
        public void run() {
            for (long round = 0; !stop.get() && round < 10_000_000; round++) {
                Set<Integer> picked = new HashSet<>();
                while (picked.size() < 200) {
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
