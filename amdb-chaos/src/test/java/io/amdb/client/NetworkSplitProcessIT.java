package io.amdb.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.amdb.chaos.NetNamespaces;
import io.amdb.node.AckedWrites;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Real network partitions: five memory-only nodes, separate JVMs, each in its own Linux network namespace on a
 * bridge ({@link NetNamespaces}); the test process, in the root namespace, reaches all of them through the
 * driver and through a {@link NodeProbe} per node. 20,000 keys are written, then the cluster is split 2 | 3 by
 * iptables DROP rules between node addresses, twice: first with the table log's leader on the minority side,
 * then (after healing) with it on the majority side. During each split: the minority's table epoch does not
 * move, the majority commits a table without the minority, a write sent unrouted to a minority node for a key
 * the majority owns fails (its code and time are reported), and the driver writes every key (what each side
 * acknowledged is reported). After healing: every node reports one table, with all five members, within a
 * bound; every acknowledged write reads back with its latest value unless its partition is LOST, in which case
 * it reads PARTITION_LOST (reported: which partitions, lost with whom). All along, a {@link TableObserver}
 * checks that no epoch is ever seen with two different tables.
 *
 * <p>Memory-only, because no node restarts here: durability would change nothing the test looks at, and five
 * JVMs share two cores. Needs root, iproute2 and iptables; without network namespaces it fails, never skips.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.amdb.protocol.TestSeed.class)
class NetworkSplitProcessIT {
    private static final String[] IDS = {"a", "b", "c", "d", "e"};
    private static final int NODES = IDS.length;
    private static final int KEYS = 20_000;
    private static final int CHUNK = 5_000;
    private static final int PORT = 7070; // every node in its own namespace: the same ports everywhere
    private static final int HZ_PORT = 5701;
    private static final long WAIT_S = NodeProcesses.WAIT_S;
    private static final int FORWARD_GUARD_MS = 120_000; // hang guard for one unrouted write (the node's own bound is 30 s)
    private static final ClientOptions OPTIONS = ClientOptions.builder().requestTimeout(Duration.ofSeconds(90)).build();

    private final long seed = io.amdb.protocol.TestSeed.get();
    private final AckedWrites model = new AckedWrites(KEYS);
    private final NodeProcesses.Node[] nodes = new NodeProcesses.Node[NODES];
    private final List<String> report = new ArrayList<>();
    private NetNamespaces net;
    private NamespaceProbes probes;
    private TableObserver observer;

    @Test
    void fiveNodesInNamespaces_split2to3_leaderOnEachSide_minorityCommitsNothing_healsToOneTable() throws Exception {
        System.out.println("NetworkSplitProcessIT seed " + seed);
        try (NetNamespaces network = NetNamespaces.create(NODES); NodeProcesses procs = new NodeProcesses()) {
            net = network;
            probes = new NamespaceProbes(net, PORT, IDS);
            try {
                run(procs);
            } catch (Throwable t) {
                System.out.println("---- iptables at failure ----\n" + net.describeRules());
                dumpNodes();
                throw t;
            } finally {
                if (observer != null) {
                    observer.close();
                    report.add("table observer: " + observer.summary() + "; epochs seen with two different tables: "
                            + observer.conflicts());
                }
                System.out.println("---- NetworkSplitProcessIT report ----");
                report.forEach(System.out::println);
            }
        }
    }

    private void run(NodeProcesses procs) throws Exception {
        String cluster = "amdb-split-it-" + UUID.randomUUID();
        String join = IntStream.range(0, NODES).mapToObj(i -> net.address(i) + ":" + HZ_PORT)
                .collect(Collectors.joining(","));
        long t0 = System.nanoTime();
        for (int i = 0; i < NODES; i++) {
            nodes[i] = procs.start(net.exec(i), Map.of("JAVA_OPTS", "-Xmx384m"), IDS[i],
                    "--host", net.address(i), "--port", Integer.toString(PORT), "--http-port", "-1",
                    "--cluster-port", Integer.toString(HZ_PORT), "--join", join, "--replication-factor", "1", "--cluster-name", cluster,
                    "--durability", "none", "--shards", "1", "--partitions", "64");
            NodeProcesses.awaitReady(nodes[i]); // one at a time: five JVMs starting at once starve two cores
        }
        observer = new TableObserver(IntStream.range(0, NODES).mapToObj(net::address).toList(), PORT);
        PartitionTable balanced = awaitConverged(all(), t -> t.members().size() == NODES && t.migrations().isEmpty()
                && t.lostPartitions() == 0, "balanced");
        report.add(String.format("5 nodes in namespaces %s.. : started and balanced in %d ms, %s",
                net.address(0), ms(t0), balanced));
        try (AmDbClient client = AmDbClient.connect(all().stream().map(i -> net.address(i) + ":" + PORT).toList(),
                OPTIONS)) {
            for (int from = 0; from < KEYS; from += CHUNK) {
                List<ErrorCode> statuses = client.batch(model.items(from, from + CHUNK)).get(WAIT_S, TimeUnit.SECONDS);
                assertTrue(statuses.stream().allMatch(c -> c == ErrorCode.OK), statuses.toString());
            }
            split(client, 1, true);
            split(client, 2, false);
        }
        assertEquals(List.of(), observer.conflicts(), "no epoch may name two different tables");
    }

    /**
     * One split 2 | 3 (the table log's leader on the minority side or not), the checks during it, the heal and
     * the checks after it.
     */
    private void split(AmDbClient client, int round, boolean leaderInMinority) throws Exception {
        PartitionTable before = awaitConverged(all(), t -> t.members().size() == NODES && t.migrations().isEmpty(),
                "settled before split " + round);
        int leader = awaitLeader();
        // Besides the leader (or not), the nodes that own the most partitions go to the minority side.
        List<Integer> others = all().stream().filter(i -> i != leader)
                .sorted(java.util.Comparator.comparingInt((Integer i) -> -before.partitionsOf(IDS[i]).length)).toList();
        List<Integer> minority = leaderInMinority ? List.of(leader, others.get(0)) : List.of(others.get(0), others.get(1));
        List<Integer> majority = all().stream().filter(i -> !minority.contains(i)).toList();
        Set<String> majorityIds = majority.stream().map(i -> IDS[i]).collect(Collectors.toSet());
        String tag = "split " + round + " (" + ids(minority) + " | " + ids(majority) + ", leader " + IDS[leader] + ")";
        long e0 = before.epoch();
        for (int m : minority) {
            observer.freeze(m, e0);
        }
        long t0 = System.nanoTime();
        net.cut(minority, majority);
        report.add(tag + ": cut at epoch " + e0);

        // Unrouted writes sent to the minority: one for a key a majority node owns (the node must forward it
        // across the cut), one for a key the minority node owns itself; in parallel with the driver's writes.
        Set<Integer> probeKeys = new HashSet<>();
        Map<String, CompletableFuture<String>> forwarded = new LinkedHashMap<>();
        for (int m : minority) {
            int acrossKey = firstKey(before, k -> majorityIds.contains(before.ownerOf(key(k)).nodeId()), probeKeys);
            forwarded.put("unrouted PUT at " + IDS[m] + " of key_" + acrossKey + " (owner "
                    + before.ownerOf(key(acrossKey)).nodeId() + ", majority)", unroutedPut(m, acrossKey, "x" + round));
            if (before.partitionsOf(IDS[m]).length > 0) {
                int ownKey = firstKey(before, k -> IDS[m].equals(before.ownerOf(key(k)).nodeId()), probeKeys);
                forwarded.put("unrouted PUT at " + IDS[m] + " of key_" + ownKey + " (owner " + IDS[m] + ", minority)",
                        unroutedPut(m, ownKey, "x" + round));
            }
        }

        PartitionTable committed = awaitConverged(majority, t -> t.epoch() > e0
                && t.members().stream().map(Member::nodeId).collect(Collectors.toSet()).equals(majorityIds),
                "majority's table without " + ids(minority) + " in " + tag);
        report.add(String.format("%s: the majority committed %s %d ms after the cut", tag, committed, ms(t0)));

        Map<String, Integer> driverOutcomes = driverWritesDuringSplit(client, round, before, minority, probeKeys);
        report.add(tag + ": driver BATCH of every other key during the split, by owner before the split and outcome: "
                + driverOutcomes);

        for (Map.Entry<String, CompletableFuture<String>> f : forwarded.entrySet()) {
            report.add(tag + ": " + f.getKey() + ": " + f.getValue().get(WAIT_S, TimeUnit.SECONDS));
        }
        // Once a minority node's Hazelcast shows the majority gone, a write it would forward across the cut fails
        // at once with the clear, retryable OWNER_UNREACHABLE (nothing sent, nothing applied).
        for (int m : minority) {
            awaitLiveMembers(m, minority.size(), tag);
            int acrossKey = firstKey(before, k -> majorityIds.contains(before.ownerOf(key(k)).nodeId()), probeKeys);
            String outcome = unroutedPut(m, acrossKey, "y" + round).get(WAIT_S, TimeUnit.SECONDS);
            report.add(tag + ": unrouted PUT at " + IDS[m] + " of key_" + acrossKey + " once it sees only the minority: "
                    + outcome);
            assertTrue(outcome.contains("code=OWNER_UNREACHABLE"), tag + ": " + IDS[m] + " forwarding across the cut: "
                    + outcome);
        }
        for (int m : minority) {
            try (NodeProbe probe = new NodeProbe(net.address(m), PORT, 10_000)) {
                Map<String, String> info = probe.info();
                report.add(String.format("%s: %s during the split: table_epoch %s, members %s, table_log_leader '%s'",
                        tag, IDS[m], info.get("table_epoch"), info.get("members"), info.get("table_log_leader")));
                assertEquals(Long.toString(e0), info.get("table_epoch"), IDS[m] + " (minority) committed no table");
            }
        }
        assertEquals(List.of(), observer.frozenMoves(), tag + ": the minority's epoch must not move");
        for (String outcome : forwarded.keySet()) {
            if (outcome.contains("majority")) {
                assertTrue(!forwarded.get(outcome).get().startsWith("OK"),
                        tag + ": a minority node cannot acknowledge a write owned across the cut: " + outcome + ": "
                                + forwarded.get(outcome).get());
            }
        }

        long t1 = System.nanoTime();
        net.heal();
        observer.thaw();
        PartitionTable after = awaitConverged(all(), t -> t.members().size() == NODES && t.migrations().isEmpty(),
                "one table after healing " + tag);
        report.add(String.format("%s: healed; every node on %s %d ms after the heal", tag, after, ms(t1)));
        checkEveryWrite(client, after, tag);
    }

    /** The driver writes every key but {@code skip} once; returns counts by (owner side before the split, outcome). */
    private Map<String, Integer> driverWritesDuringSplit(AmDbClient client, int round, PartitionTable before,
            List<Integer> minority, Set<Integer> skip) throws Exception {
        Map<String, Integer> outcomes = new TreeMap<>();
        List<Integer> which = IntStream.range(0, KEYS).filter(k -> !skip.contains(k)).boxed().toList();
        for (int from = 0; from < which.size(); from += CHUNK) {
            List<Integer> part = which.subList(from, Math.min(which.size(), from + CHUNK));
            List<Request.BatchItem> items = new ArrayList<>();
            for (int k : part) {
                items.add(Request.BatchItem.put(key(k), value(round, k).getBytes(UTF_8)));
            }
            List<ErrorCode> statuses = null;
            String failure = null;
            try {
                statuses = client.batch(items).get(WAIT_S, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failure = String.valueOf(e.getCause());
            }
            for (int i = 0; i < part.size(); i++) {
                int k = part.get(i);
                ErrorCode code = statuses == null ? null : statuses.get(i);
                model.written(k, value(round, k), code == ErrorCode.OK);
                Member owner = before.ownerOf(key(k));
                String side = owner == null ? "LOST before the split"
                        : minority.stream().anyMatch(m -> IDS[m].equals(owner.nodeId())) ? "minority-owned" : "majority-owned";
                outcomes.merge(side + " " + (code == null ? "batch failed: " + failure : code.name()), 1, Integer::sum);
            }
        }
        return outcomes;
    }

    /** Sends PUT key_k unrouted (epoch 0) to node {@code at}; completes with the outcome and how long it took. */
    /** Polls (bounded) node {@code m}'s INFO until Hazelcast shows it {@code n} live members. */
    private void awaitLiveMembers(int m, int n, String tag) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        String seen = null;
        while (System.nanoTime() < deadline) {
            try (NodeProbe probe = new NodeProbe(net.address(m), PORT, 10_000)) {
                seen = probe.info().get("live_members");
            }
            if (Integer.toString(n).equals(seen)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling interval, bounded by the deadline
        }
        throw new AssertionError(tag + ": " + IDS[m] + " still sees " + seen + " live members after " + WAIT_S + " s");
    }

    private CompletableFuture<String> unroutedPut(int at, int k, String tag) {
        String value = tag + "_" + k;
        return CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            try (NodeProbe probe = new NodeProbe(net.address(at), PORT, FORWARD_GUARD_MS)) {
                NodeProbe.Reply reply = probe.call(new Request.Put(key(k), value.getBytes(UTF_8)), 0);
                boolean ok = reply.response() instanceof Response.Done;
                model.written(k, value, ok);
                return (ok ? "OK" : String.valueOf(reply.response())) + " after " + ms(t0) + " ms (reply epoch "
                        + reply.epoch() + ")";
            } catch (Exception e) {
                model.written(k, value, false);
                return "no reply: " + e + " after " + ms(t0) + " ms";
            }
        });
    }

    /**
     * Every acknowledged write reads back with its latest value, except in LOST partitions, whose keys must read
     * PARTITION_LOST (never present or absent); those are reported. Then every served key takes a new write.
     */
    private void checkEveryWrite(AmDbClient client, PartitionTable after, String tag) throws Exception {
        PartitionTable routing = client.refreshTable().get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(after.epoch(), routing.epoch(), "the driver routes with the healed table");
        List<Integer> served = new ArrayList<>();
        Map<String, Set<Integer>> lostPartitionsByNode = new TreeMap<>();
        int lostKeys = 0;
        int lostSample = -1;
        for (int k = 0; k < KEYS; k++) {
            int p = after.partitionOf(key(k));
            if (after.isLost(p)) {
                lostKeys++;
                lostSample = lostSample < 0 ? k : lostSample;
                lostPartitionsByNode.computeIfAbsent(after.lostFrom(p), n -> new TreeSet<>()).add(p);
            } else {
                served.add(k);
            }
        }
        for (int from = 0; from < served.size(); from += CHUNK) {
            List<Integer> which = served.subList(from, Math.min(served.size(), from + CHUNK));
            List<byte[]> values = client.mget(which.stream().map(NetworkSplitProcessIT::key).toList())
                    .get(WAIT_S, TimeUnit.SECONDS);
            for (int i = 0; i < values.size(); i++) {
                model.check(which.get(i), values.get(i), "seed " + seed + ", " + tag + ", after healing");
            }
        }
        Set<String> live = after.members().stream().map(Member::nodeId).collect(Collectors.toSet());
        report.add(String.format("%s: after healing %d keys read back their latest acknowledged write; %d keys "
                + "are in %d LOST partitions (lost with: %s; of those nodes, %s are live members again)", tag,
                served.size(), lostKeys, after.lostPartitions(), lostPartitionsByNode,
                lostPartitionsByNode.keySet().stream().filter(live::contains).toList()));
        if (lostSample >= 0) {
            try {
                client.get(key(lostSample)).get(WAIT_S, TimeUnit.SECONDS);
                fail(tag + ": key_" + lostSample + " is in a LOST partition and must not read as present or absent");
            } catch (ExecutionException e) {
                assertEquals(ErrorCode.PARTITION_LOST, ((AmDbException) e.getCause()).code());
            }
        }
        for (int from = 0; from < served.size(); from += CHUNK) {
            List<Integer> which = served.subList(from, Math.min(served.size(), from + CHUNK));
            List<Request.BatchItem> items = which.stream()
                    .map(k -> Request.BatchItem.put(key(k), ("healed_" + k).getBytes(UTF_8))).toList();
            List<ErrorCode> statuses = client.batch(items).get(WAIT_S, TimeUnit.SECONDS);
            for (int i = 0; i < which.size(); i++) {
                model.written(which.get(i), "healed_" + which.get(i), statuses.get(i) == ErrorCode.OK);
            }
            assertTrue(statuses.stream().allMatch(c -> c == ErrorCode.OK), tag + ": writes after healing: "
                    + statuses.stream().collect(Collectors.groupingBy(c -> c, Collectors.counting())));
        }
    }

    private int awaitLeader() throws Exception {
        return probes.awaitLeader();
    }

    /** Polls (bounded) until nodes {@code which} all report the same table and it satisfies {@code ok}. */
    private PartitionTable awaitConverged(List<Integer> which, Predicate<PartitionTable> ok, String what)
            throws Exception {
        try {
            return probes.awaitConverged(which, ok, what, (i, t) -> {
                if (observer != null) {
                    observer.record(i, t);
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
    }

    /** The first key not in {@code taken} that satisfies {@code ok}; adds it to {@code taken}. */
    private static int firstKey(PartitionTable table, Predicate<Integer> ok, Set<Integer> taken) {
        for (int k = 0; k < KEYS; k++) {
            if (!taken.contains(k) && !table.isLost(table.partitionOf(key(k))) && ok.test(k)) {
                taken.add(k);
                return k;
            }
        }
        throw new AssertionError("no key matches in " + table);
    }

    private void dumpNodes() {
        for (NodeProcesses.Node n : nodes) {
            if (n != null) {
                try {
                    System.out.println("---- " + n.id() + " ----\n" + n.describe());
                } catch (Exception e) {
                    System.out.println("---- " + n.id() + ": " + e);
                }
            }
        }
    }

    private static List<Integer> all() {
        return IntStream.range(0, NODES).boxed().toList();
    }

    private static String ids(List<Integer> which) {
        return which.stream().map(i -> IDS[i]).collect(Collectors.joining(","));
    }

    private static byte[] key(int k) {
        return ("key_" + k).getBytes(UTF_8);
    }

    private static String value(int round, int k) {
        return "split" + round + "_" + k;
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
