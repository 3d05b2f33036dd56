package io.amdb.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.chaos.NetNamespaces;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A primary cut off from the others, then healed, while requests keep reaching it (a client whose table lags, or
 * one that connects to that node only): three nodes, R = 2, each in its own network namespace. The primary of a
 * key is cut off; an unrouted PUT of a new value reaches it there (it applies it but cannot replicate it, so the
 * write's outcome is unknown); the majority promotes the partition's backup, which never saw that value. After the
 * heal, unrouted GETs of the key go to the old primary until its table catches up, then the driver reads the key.
 * Linearizability of the one key: a read may return the unknown value only if every later read does too, so the
 * reads must never show the new value and then the old one (the old primary must not serve a value that the
 * promoted copy lacks). Found as a chaos violation (`./amdb chaos`, a 1 | 2 split with the driver's table stuck on
 * the cut-off node's).
 *
 * <p>Needs root, iproute2 and iptables; without network namespaces it fails, never skips.
 */
class StalePrimaryProcessIT {
    private static final String[] IDS = {"a", "b", "c"};
    private static final int NODES = IDS.length;
    private static final int PORT = 7070; // every node in its own namespace: the same ports everywhere
    private static final int HZ_PORT = 5701;
    private static final long WAIT_S = NodeProcesses.WAIT_S;
    private static final int PROBE_GUARD_MS = 60_000; // hang guard for one probe call (the node's own bound is 10 s)
    private static final int READS_AFTER_CATCH_UP = 5;

    private final NodeProcesses.Node[] nodes = new NodeProcesses.Node[NODES];
    private NetNamespaces net;
    private NamespaceProbes probes;

    @Test
    void cutOffPrimary_takesAWriteItCannotReplicate_neverServesItOnceTheMajorityPromotedWithoutIt() throws Exception {
        try (NetNamespaces network = NetNamespaces.create(NODES); NodeProcesses procs = new NodeProcesses()) {
            net = network;
            try {
                run(procs);
            } catch (Throwable t) {
                for (NodeProcesses.Node n : nodes) {
                    if (n != null) {
                        System.out.println("---- " + n.id() + " ----\n" + n.describe());
                    }
                }
                throw t;
            }
        }
    }

    private void run(NodeProcesses procs) throws Exception {
        String cluster = "amdb-stale-primary-it-" + UUID.randomUUID();
        String join = IntStream.range(0, NODES).mapToObj(i -> net.address(i) + ":" + HZ_PORT)
                .collect(Collectors.joining(","));
        for (int i = 0; i < NODES; i++) {
            nodes[i] = procs.start(net.exec(i), Map.of("JAVA_OPTS", "-Xmx384m",
                    "AMDB_LOG_LEVEL", "WARNING,io.amdb.partitions=FINE"), IDS[i],
                    "--host", net.address(i), "--port", Integer.toString(PORT), "--http-port", "-1",
                    "--cluster-port", Integer.toString(HZ_PORT), "--join", join, "--replication-factor", "2",
                    "--cluster-name", cluster, "--durability", "none", "--shards", "1", "--partitions", "64");
            NodeProcesses.awaitReady(nodes[i]);
        }
        probes = new NamespaceProbes(net, PORT, IDS);
        PartitionTable before = awaitConverged(all(), t -> t.members().size() == NODES && t.migrations().isEmpty()
                && t.lostPartitions() == 0, "balanced");
        probes.awaitInfo(all(), "partitions_under_replicated", "0");
        int leader = probes.awaitLeader();
        int cutOff = all().stream().filter(i -> i != leader && before.partitionsOf(IDS[i]).length > 0).findFirst()
                .orElseThrow();
        List<Integer> majority = all().stream().filter(i -> i != cutOff).toList();
        byte[] key = IntStream.range(0, 10_000).mapToObj(k -> ("key_" + k).getBytes(UTF_8))
                .filter(k -> IDS[cutOff].equals(before.ownerOf(k).nodeId())).findFirst().orElseThrow();
        ClientOptions options = ClientOptions.builder().requestTimeout(Duration.ofSeconds(60)).build();
        try (AmDbClient client = AmDbClient.connect(List.of(net.address(majority.get(0)) + ":" + PORT), options)) {
            client.put(key, bytes("v0")).get(WAIT_S, TimeUnit.SECONDS);

            net.cut(List.of(cutOff), majority);
            say("cut " + IDS[cutOff] + " off");
            CompletableFuture<String> unknownPut = CompletableFuture.supplyAsync(() -> call(cutOff,
                    new Request.Put(key, bytes("v1"))));
            Set<String> majorityIds = majority.stream().map(i -> IDS[i]).collect(Collectors.toSet());
            awaitConverged(majority, t -> t.members().stream().map(Member::nodeId).collect(Collectors.toSet())
                    .equals(majorityIds), "the majority's table without " + IDS[cutOff]);
            say("the majority's table has no " + IDS[cutOff]);
            String putOutcome = unknownPut.get(WAIT_S, TimeUnit.SECONDS);
            // As in a split longer than a few seconds: the cut-off node leaves the table log too, so after the heal
            // it catches up only once it has joined it again, and serves by its old table meanwhile.
            probes.awaitInfo(majority, "table_log_voters", Integer.toString(majority.size()));
            say("the table log has no " + IDS[cutOff]);
            System.out.println("unrouted PUT v1 at the cut-off primary " + IDS[cutOff] + ": " + putOutcome);
            assertTrue(!putOutcome.startsWith("OK"), "a cut-off primary cannot acknowledge a write: " + putOutcome);

            net.heal();
            say("healed");
            List<String> reads = new ArrayList<>();
            int afterCatchUp = 0;
            String lastSeen = "nothing";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
            try (Probe reader = new Probe(cutOff); Probe tables = new Probe(cutOff); Probe other = new Probe(majority.get(0))) {
                while (afterCatchUp < READS_AFTER_CATCH_UP && System.nanoTime() < deadline) {
                    reads.add(reader.call(new Request.Get(key)));
                    // The majority's table first: the cut-off node caught up when its table is at least as new as
                    // one the majority had before, however many tables the majority commits meanwhile.
                    PartitionTable majorityTable = other.table();
                    PartitionTable mine = tables.table();
                    lastSeen = IDS[cutOff] + " epoch " + mine.epoch() + " members " + mine.members().size()
                            + ", " + IDS[majority.get(0)] + " epoch " + majorityTable.epoch();
                    if (caughtUp(mine, majorityTable) && afterCatchUp++ == 0) {
                        say(IDS[cutOff] + "'s table caught up: " + lastSeen);
                    }
                    TimeUnit.MILLISECONDS.sleep(20); // polling interval, bounded by the deadline
                }
            }
            assertEquals(READS_AFTER_CATCH_UP, afterCatchUp, "the healed node caught up within " + WAIT_S
                    + " s; last seen: " + lastSeen);
            awaitConverged(all(), t -> t.members().size() == NODES && t.migrations().isEmpty()
                    && t.lostPartitions() == 0, "settled after the heal");
            say("settled after the heal");
            client.refreshTable().get(WAIT_S, TimeUnit.SECONDS);
            byte[] last = client.get(key).get(WAIT_S, TimeUnit.SECONDS);
            reads.add("driver: OK " + (last == null ? "absent" : new String(last, UTF_8)));
            printTrace(before.partitionOf(key));
            System.out.println("reads of the key after the heal, in order: " + runs(reads));
            int firstNew = -1;
            for (int i = 0; i < reads.size(); i++) {
                if (reads.get(i).endsWith("OK v1") && firstNew < 0) {
                    firstNew = i;
                }
                if (firstNew >= 0) {
                    assertTrue(!reads.get(i).endsWith("OK v0"), "read " + i + " returned v0 after read " + firstNew
                            + " returned v1, the value the majority never had: " + runs(reads));
                }
            }
        }
    }

    /** The list with each run of equal neighbours written once, with its length. */
    private static List<String> runs(List<String> items) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); ) {
            int j = i;
            while (j < items.size() && items.get(j).equals(items.get(i))) {
                j++;
            }
            out.add(items.get(i) + (j - i > 1 ? " (x" + (j - i) + ")" : ""));
            i = j;
        }
        return out;
    }

    private static void say(String what) {
        System.out.println(java.time.LocalTime.now() + " " + what);
    }

    /** One request to node {@code at} (epoch 0: the node routes it by its own table); its outcome as text. */
    private String call(int at, Request request) {
        try (Probe probe = new Probe(at)) {
            return probe.call(request);
        }
    }

    /**
     * A connection to one node that outlives a failed call (it reconnects for the next one), so polling a node
     * does not open a connection per request.
     */
    private final class Probe implements AutoCloseable {
        private final int node;
        private NodeProbe probe;

        Probe(int node) {
            this.node = node;
        }

        /** Sends {@code request} unrouted; its outcome as text ("OK", "OK value", the error, or why no reply came). */
        String call(Request request) {
            try {
                if (probe == null) {
                    probe = new NodeProbe(net.address(node), PORT, PROBE_GUARD_MS);
                }
                Response r = probe.call(request, 0).response();
                if (r instanceof Response.Done) {
                    return "OK";
                }
                if (r instanceof Response.Value v) {
                    return "OK " + (v.value() == null ? "absent" : new String(v.value(), UTF_8));
                }
                return String.valueOf(r);
            } catch (Exception e) {
                close();
                return "no reply: " + e;
            }
        }

        PartitionTable table() throws Exception {
            if (probe == null) {
                probe = new NodeProbe(net.address(node), PORT, PROBE_GUARD_MS);
            }
            try {
                return probe.table();
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            if (probe != null) {
                try {
                    probe.close();
                } catch (Exception ignored) {
                    // a broken connection: nothing to release
                }
                probe = null;
            }
        }
    }

    /** Whether a node's table {@code mine} lists every member and is as new as {@code other}, read before it. */
    private static boolean caughtUp(PartitionTable mine, PartitionTable other) {
        return mine.members().size() == NODES && mine.epoch() >= other.epoch();
    }

    /** Prints every node's trace of one partition (the nodes run with io.amdb.partitions at FINE). */
    private void printTrace(int partition) throws Exception {
        for (NodeProcesses.Node n : nodes) {
            List<String> lines = new ArrayList<>();
            for (java.nio.file.Path f : List.of(n.out(), n.err())) {
                java.nio.file.Files.readAllLines(f, UTF_8).stream().filter(l -> l.contains("partition " + partition + ":"))
                        .forEach(lines::add);
            }
            System.out.println("---- " + n.id() + ": partition " + partition + " ----\n" + String.join("\n", lines));
        }
    }

    private PartitionTable awaitConverged(List<Integer> which, Predicate<PartitionTable> ok, String what)
            throws Exception {
        return probes.awaitConverged(which, ok, what, (i, t) -> { });
    }

    private static List<Integer> all() {
        return IntStream.range(0, NODES).boxed().toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
