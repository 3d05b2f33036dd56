package io.amdb.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.AckedWrites;
import io.amdb.node.TestPorts;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A frozen node, as a long GC pause or a suspended VM freezes it: three memory-only nodes as separate JVMs, a
 * writer through the driver all along, and SIGSTOP of one node, then SIGCONT: first a follower for 6 s (longer
 * than Hazelcast's 5 s failure detection), then the table log's leader for 20 s. After each pause the cluster
 * converges on one table with every member back and no partition LOST (the frozen node still holds its copies
 * and claims them back), and every acknowledged write reads back with its latest value. Across the whole run,
 * no two nodes ever report different tables under one epoch. {@code -Damdb.seed=N} replays the writes.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.amdb.protocol.TestSeed.class)
class PauseProcessIT {
    private static final int NODES = 3;
    private static final int KEYS = 20_000;
    private static final long WAIT_S = NodeProcesses.WAIT_S;
    private static final ClientOptions OPTIONS = ClientOptions.builder().requestTimeout(Duration.ofSeconds(30)).build();
    private static final Predicate<PartitionTable> SETTLED =
            t -> t.members().size() == NODES && t.lostPartitions() == 0 && t.migrations().isEmpty();

    private final long seed = io.amdb.protocol.TestSeed.get();
    private final SplittableRandom random = new SplittableRandom(seed);
    private final AckedWrites model = new AckedWrites(KEYS);
    private final NodeProcesses.Node[] nodes = new NodeProcesses.Node[NODES];
    private final int[] ports = new int[NODES];
    private final Map<Long, PartitionTable> tablesByEpoch = new HashMap<>();

    @Test
    void sigstopFollowerThenLeader_oneTable_nothingLost_everyAckedWriteReadable() throws Exception {
        System.out.println("PauseProcessIT seed " + seed);
        try (NodeProcesses procs = new NodeProcesses()) {
            String[][] flags = flags();
            for (int i = 0; i < NODES; i++) {
                nodes[i] = procs.start("p" + i, flags[i]);
            }
            for (int i = 0; i < NODES; i++) {
                ports[i] = NodeProcesses.awaitReady(nodes[i]);
            }
            awaitConverged("started");
            try (AmDbClient client = connect()) {
                for (int from = 0; from < KEYS; from += 1_000) {
                    write(client, from, from + 1_000, "v0");
                }
                pause(client, follower(client), 6, "v1");
                pause(client, leader(client), 20, "v2");
                for (int from = 0; from < KEYS; from += 5_000) {
                    List<byte[]> values = client.mget(model.keys().subList(from, from + 5_000)).get(WAIT_S, TimeUnit.SECONDS);
                    for (int i = 0; i < values.size(); i++) {
                        model.check(from + i, values.get(i), "seed " + seed + ", after both pauses");
                    }
                }
            } catch (Throwable t) {
                for (NodeProcesses.Node n : nodes) {
                    System.out.println("---- " + n.id() + " ----\n" + n.describe());
                }
                throw t;
            }
            System.out.printf("tables seen: %d epochs, %d acknowledged keys, %d with an unknown outcome%n",
                    tablesByEpoch.size(), model.presentCount(), model.unsureCount());
        }
    }

    /** Freezes {@code victim} for {@code seconds} while a writer goes on, then resumes it and waits to converge. */
    private void pause(AmDbClient client, int victim, int seconds, String tag) throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            int round = 0;
            while (writing.get()) {
                int from = random.nextInt(KEYS / 500) * 500;
                try {
                    write(client, from, from + 500, tag + "r" + round++);
                } catch (Exception e) {
                    return; // recorded as unknown outcomes by write()
                }
            }
        }, "pause-writer");
        long pid = nodes[victim].process().pid();
        signal("STOP", pid);
        long t0 = System.nanoTime();
        writer.start();
        try {
            nodes[victim].process().waitFor(seconds, TimeUnit.SECONDS); // the pause itself: the process stays frozen
        } finally {
            signal("CONT", pid);
        }
        writing.set(false);
        writer.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        PartitionTable after = awaitConverged("after a " + seconds + " s pause of p" + victim);
        System.out.printf("p%d paused %d s: converged %d ms after SIGCONT at epoch %d%n", victim, seconds,
                (System.nanoTime() - t0) / 1_000_000 - seconds * 1_000L, after.epoch());
    }

    /** Writes keys [from, to) once; an error or a failed batch is an unknown outcome, never an acknowledgement. */
    private void write(AmDbClient client, int from, int to, String tag) throws Exception {
        List<Request.BatchItem> items = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int k = from; k < to; k++) {
            String value = tag + "_" + k;
            values.add(value);
            items.add(Request.BatchItem.put(model.keys().get(k), value.getBytes(UTF_8)));
        }
        List<ErrorCode> statuses;
        try {
            statuses = client.batch(items).get(WAIT_S, TimeUnit.SECONDS);
        } catch (Exception e) {
            for (int k = from; k < to; k++) {
                model.written(k, values.get(k - from), false);
            }
            throw e;
        }
        for (int k = from; k < to; k++) {
            model.written(k, values.get(k - from), statuses.get(k - from) == ErrorCode.OK);
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(WAIT_S, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + pid);
    }

    /**
     * The index of the node that leads the table log now (INFO table_log_leader), polled (bounded): right after a
     * pause the node asked may not know the leader yet (a paused replica that wakes up can start an election).
     */
    private int leader(AmDbClient client) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        String id = null;
        while (System.nanoTime() < deadline) {
            id = client.info().get(WAIT_S, TimeUnit.SECONDS).get("table_log_leader");
            for (int i = 0; i < NODES; i++) {
                if (nodes[i].id().equals(id)) {
                    return i;
                }
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval, bounded by the deadline
        }
        throw new AssertionError("seed " + seed + ": no table log leader among the nodes within " + WAIT_S + " s: '"
                + id + "'");
    }

    private int follower(AmDbClient client) throws Exception {
        return (leader(client) + 1) % NODES;
    }

    private String[][] flags() throws Exception {
        String cluster = "amdb-pause-it-" + UUID.randomUUID();
        int[] hz = TestPorts.free(NODES);
        String join = Arrays.stream(hz).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        String[][] flags = new String[NODES][];
        for (int i = 0; i < NODES; i++) {
            flags[i] = new String[] {"--port", "0", "--shards", "1", "--replication-factor", "1", "--cluster-name", cluster,
                "--cluster-port", Integer.toString(hz[i]), "--join", join, "--durability", "none"};
        }
        return flags;
    }

    private AmDbClient connect() {
        return AmDbClient.connect(Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).toList(), OPTIONS);
    }

    /**
     * Waits (bounded) until every node holds the same settled table (every member, nothing LOST, no move);
     * records each (epoch, table) seen and fails if one epoch ever shows two different tables.
     */
    private PartitionTable awaitConverged(String what) throws Exception {
        return NodeProcesses.awaitConverged(ports, SETTLED, t -> {
            PartitionTable earlier = tablesByEpoch.putIfAbsent(t.epoch(), t);
            assertTrue(earlier == null || earlier.sameContentAs(t), "two tables under epoch " + t.epoch() + ": "
                    + earlier + " and " + t);
        }, what + " (seed " + seed + ")");
    }
}
