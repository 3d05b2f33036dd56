package io.amdb.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.amdb.node.AckedWrites;
import io.amdb.node.TestPorts;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.TestSeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Durable nodes as separate JVMs started with {@code ./amdb start}, each on its own data directory: 3 nodes and
 * 30,000 keys (plus overwrites and deletes) through the driver. A kill -9 makes the node's partitions LOST; the
 * node restarted on its directory gets exactly them back. Then the whole cluster is stopped, once with SIGTERM
 * and once with kill -9, and started again in another order: each time it comes back balanced with the same
 * owners, nothing LOST, and every acknowledged write reads back with its latest value. {@code -Damdb.seed=N}
 * replays the choice of victim, restart orders and writes.
 */
@ExtendWith(TestSeed.class)
class ClusterRestartProcessIT {
    private static final int NODES = 3;
    private static final int KEYS = 30_000;
    private static final int CHUNK = 10_000;
    private static final long WAIT_S = NodeProcesses.WAIT_S;
    private static final ClientOptions OPTIONS = ClientOptions.builder().requestTimeout(Duration.ofSeconds(60)).build();
    private static final Predicate<PartitionTable> SETTLED =
            t -> t.members().size() == NODES && t.lostPartitions() == 0 && t.migrations().isEmpty();

    /** How the whole cluster is stopped. */
    private enum Stop { SIGTERM, KILL_9 }

    private final long seed = TestSeed.get();
    private final SplittableRandom random = new SplittableRandom(seed);
    private final AckedWrites model = new AckedWrites(KEYS);
    private final NodeProcesses.Node[] nodes = new NodeProcesses.Node[NODES];
    private final int[] ports = new int[NODES];
    private final List<String> ownerChanges = new ArrayList<>();
    private String[][] flags;

    @Test
    void durableProcesses_kill9OneThenWholeClusterSigtermAndKill9_sameOwnersAndEveryAckedWrite() throws Exception {
        System.out.println("ClusterRestartProcessIT seed " + seed);
        Path dataRoot = Files.createTempDirectory("amdb-restart-it-");
        try (NodeProcesses procs = new NodeProcesses()) {
            flags = flags(dataRoot);
            try {
                run(procs);
            } catch (Throwable t) {
                dumpNodes();
                throw t;
            }
        } finally {
            deleteTree(dataRoot);
        }
    }

    private void run(NodeProcesses procs) throws Exception {
        long t0 = System.nanoTime();
        startAll(procs, new int[] {0, 1, 2});
        PartitionTable balanced = awaitConverged(SETTLED, "balanced");
        System.out.printf("3 nodes: started and balanced in %d ms, %s%n", ms(t0), balanced);
        try (AmDbClient client = connect()) {
            for (int from = 0; from < KEYS; from += CHUNK) {
                List<ErrorCode> statuses = client.batch(model.items(from, from + CHUNK)).get(WAIT_S, TimeUnit.SECONDS);
                assertTrue(statuses.stream().allMatch(c -> c == ErrorCode.OK), "seed " + seed + ": " + statuses);
            }
            writeSome(client, 6_000, "w0");
        }

        PartitionTable back = killOneAndRestart(procs, balanced);
        assertSameOwners(balanced, back, "after the killed node's restart");
        try (AmDbClient client = connect()) {
            assertEveryWrite(client, "after the killed node's restart");
            writeSome(client, 3_000, "w1");
        }

        for (Stop how : Stop.values()) {
            wholeClusterRestart(procs, how, balanced);
        }
        assertTrue(ownerChanges.isEmpty(), "seed " + seed + ": owners changed across restarts: " + ownerChanges);
    }

    /** kill -9 of one node: its partitions are LOST (with it), the rest serve; back on its directory it gets them back. */
    private PartitionTable killOneAndRestart(NodeProcesses procs, PartitionTable balanced) throws Exception {
        int victim = random.nextInt(NODES);
        String id = "p" + victim;
        nodes[victim].process().destroyForcibly(); // the launcher execs java: this is kill -9 of the node's JVM
        assertTrue(nodes[victim].process().waitFor(WAIT_S, TimeUnit.SECONDS), id + " exits after kill -9");
        long t0 = System.nanoTime();
        Set<Integer> owned = IntStream.of(balanced.partitionsOf(id)).boxed().collect(Collectors.toSet());
        int survivor = (victim + 1) % NODES;
        try (AmDbClient client = AmDbClient.connect("127.0.0.1", ports[survivor], OPTIONS)) {
            PartitionTable lost = awaitTable(client, t -> t.members().size() == NODES - 1 && t.lostPartitions() > 0, "LOST");
            System.out.printf("%s killed: LOST in the table after %d ms, %s%n", id, ms(t0), lost);
            for (int p = 0; p < lost.partitions(); p++) {
                assertEquals(owned.contains(p), lost.isLost(p), "seed " + seed + ": partition " + p + " LOST");
                assertEquals(owned.contains(p) ? id : null, lost.lostFrom(p), "seed " + seed + ": partition " + p + " lost from");
            }
            assertServesAllButLost(client, lost, id);
        }
        t0 = System.nanoTime();
        nodes[victim] = procs.start(id, flags[victim]);
        ports[victim] = NodeProcesses.awaitReady(nodes[victim]);
        long ready = ms(t0);
        PartitionTable back = awaitConverged(SETTLED, "the killed node back");
        System.out.printf("%s restarted: ready in %d ms, balanced (3 members, 0 LOST, no migrations) in %d ms%n",
                id, ready, ms(t0));
        return back;
    }

    /** A key in a LOST partition fails PARTITION_LOST (never reads as present or absent); every other key reads back. */
    private void assertServesAllButLost(AmDbClient client, PartitionTable lost, String id) throws Exception {
        List<byte[]> keys = model.keys();
        List<Integer> served = new ArrayList<>();
        int lostKey = -1;
        for (int k = 0; k < KEYS; k++) {
            if (lost.isLost(lost.partitionOf(keys.get(k)))) {
                lostKey = lostKey < 0 ? k : lostKey;
            } else {
                served.add(k);
            }
        }
        assertTrue(lostKey >= 0, id + " owned some key's partition");
        try {
            client.get(keys.get(lostKey)).get(WAIT_S, TimeUnit.SECONDS);
            fail("seed " + seed + ": key_" + lostKey + " is in a LOST partition and must not read as present or absent");
        } catch (ExecutionException e) {
            assertEquals(ErrorCode.PARTITION_LOST, ((AmDbException) e.getCause()).code());
        }
        for (int from = 0; from < served.size(); from += CHUNK) {
            List<Integer> which = served.subList(from, Math.min(served.size(), from + CHUNK));
            List<byte[]> values = client.mget(which.stream().map(keys::get).toList()).get(WAIT_S, TimeUnit.SECONDS);
            for (int i = 0; i < values.size(); i++) {
                model.check(which.get(i), values.get(i), "seed " + seed + ", survivors after " + id + "'s kill -9");
            }
        }
    }

    /** Stops every node at once, starts them again in a random order, and checks owners and writes. */
    private void wholeClusterRestart(NodeProcesses procs, Stop how, PartitionTable original) throws Exception {
        PartitionTable before = awaitConverged(SETTLED, "settled before " + how);
        long t0 = System.nanoTime();
        for (NodeProcesses.Node n : nodes) {
            if (how == Stop.SIGTERM) {
                n.process().destroy();
            } else {
                n.process().destroyForcibly();
            }
        }
        for (NodeProcesses.Node n : nodes) {
            assertTrue(n.process().waitFor(WAIT_S, TimeUnit.SECONDS), n.id() + " exits after " + how);
            if (how == Stop.SIGTERM) {
                assertEquals(0, n.process().exitValue(), n.id() + " after SIGTERM: " + n.describe());
            }
        }
        System.out.printf("%s of all 3: exited in %d ms%n", how, ms(t0));
        int[] order = shuffledOrder();
        t0 = System.nanoTime();
        startAll(procs, order);
        long ready = ms(t0);
        PartitionTable again = awaitConverged(SETTLED, "restarted after " + how);
        System.out.printf("restart after %s in order %s: ready in %d ms, balanced in %d ms, %s%n",
                how, Arrays.toString(order), ready, ms(t0), again);
        assertSameOwners(before, again, "after " + how + " of all and a restart");
        assertSameOwners(original, again, "after " + how + " of all, against the first balanced table");
        try (AmDbClient client = connect()) {
            assertEveryWrite(client, "after " + how + " of all and a restart");
            writeSome(client, 3_000, "w" + how);
        }
    }

    private void startAll(NodeProcesses procs, int[] order) throws Exception {
        for (int i : order) {
            nodes[i] = procs.start("p" + i, flags[i]);
        }
        for (int i : order) {
            ports[i] = NodeProcesses.awaitReady(nodes[i]);
        }
    }

    /** Each node's flags, the same at every start: its own Hazelcast port and data directory, everyone's to join. */
    private static String[][] flags(Path dataRoot) throws Exception {
        String cluster = "amdb-restart-it-" + UUID.randomUUID();
        int[] hz = TestPorts.free(NODES);
        String join = Arrays.stream(hz).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        String[][] flags = new String[NODES][];
        for (int i = 0; i < NODES; i++) {
            Path dir = Files.createDirectory(dataRoot.resolve("p" + i));
            flags[i] = new String[] {"--port", "0", "--shards", "1", "--replication-factor", "1", "--cluster-name", cluster,
                "--cluster-port", Integer.toString(hz[i]), "--join", join, "--data-dir", dir.toString()};
        }
        return flags;
    }

    private int[] shuffledOrder() {
        int[] order = {0, 1, 2};
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** Puts or deletes (one in four) {@code n} random keys, in batches of distinct keys; a settled cluster acks all. */
    private void writeSome(AmDbClient client, int n, String tag) throws Exception {
        for (int done = 0; done < n; done += 1_000) {
            Set<Integer> picked = new LinkedHashSet<>();
            while (picked.size() < 1_000) {
                picked.add(random.nextInt(KEYS));
            }
            List<Integer> which = new ArrayList<>(picked);
            List<String> values = new ArrayList<>();
            List<Request.BatchItem> items = new ArrayList<>();
            for (int k : which) {
                String value = random.nextInt(4) == 0 ? null : tag + "_" + done + "_" + k;
                values.add(value);
                byte[] key = model.keys().get(k);
                items.add(value == null ? Request.BatchItem.delete(key) : Request.BatchItem.put(key, value.getBytes(UTF_8)));
            }
            List<ErrorCode> statuses = client.batch(items).get(WAIT_S, TimeUnit.SECONDS);
            for (int i = 0; i < which.size(); i++) {
                model.written(which.get(i), values.get(i), statuses.get(i) == ErrorCode.OK);
            }
            assertTrue(statuses.stream().allMatch(c -> c == ErrorCode.OK), "seed " + seed + ", " + tag + ": " + statuses);
        }
    }

    private void assertEveryWrite(AmDbClient client, String when) throws Exception {
        for (int from = 0; from < KEYS; from += CHUNK) {
            List<byte[]> values = client.mget(model.keys().subList(from, from + CHUNK)).get(WAIT_S, TimeUnit.SECONDS);
            for (int i = 0; i < values.size(); i++) {
                model.check(from + i, values.get(i), "seed " + seed + ", " + when);
            }
        }
    }

    /** Records (the test fails at its end) every partition whose owner differs; every partition must be owned. */
    private void assertSameOwners(PartitionTable expected, PartitionTable actual, String when) {
        List<String> moved = new ArrayList<>();
        for (int p = 0; p < expected.partitions(); p++) {
            Member owner = actual.owner(p);
            assertTrue(owner != null, "seed " + seed + ", " + when + ": partition " + p + " has no owner");
            if (!expected.owner(p).nodeId().equals(owner.nodeId())) {
                moved.add(p + ": " + expected.owner(p).nodeId() + " -> " + owner.nodeId());
            }
        }
        if (!moved.isEmpty()) {
            String change = when + ": " + moved.size() + " partitions have another owner, e.g. "
                    + moved.subList(0, Math.min(10, moved.size()));
            System.out.println("OWNERS CHANGED " + change);
            ownerChanges.add(change);
        }
    }

    /** A client routed by the table of the running nodes' current ports. */
    private AmDbClient connect() {
        return AmDbClient.connect(Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).toList(), OPTIONS);
    }

    /** See {@link NodeProcesses#awaitConverged}; the seed in the failure message. */
    private PartitionTable awaitConverged(Predicate<PartitionTable> ok, String what) throws Exception {
        return NodeProcesses.awaitConverged(ports, ok, t -> { }, what + " (seed " + seed + ")");
    }

    /** As {@link NodeProcesses#awaitTable}, the seed in the failure message. */
    private PartitionTable awaitTable(AmDbClient client, Predicate<PartitionTable> ok, String what) throws Exception {
        return NodeProcesses.awaitTable(client, ok, what + " (seed " + seed + ")");
    }

    private void dumpNodes() {
        for (NodeProcesses.Node n : nodes) {
            if (n != null) {
                try {
                    System.out.println("---- " + n.id() + " (last start) ----\n" + n.describe());
                } catch (Exception e) {
                    System.out.println("---- " + n.id() + ": " + e);
                }
            }
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void deleteTree(Path root) throws Exception {
        try (var files = Files.walk(root)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
