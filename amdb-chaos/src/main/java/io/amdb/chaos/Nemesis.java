package io.amdb.chaos;

import io.amdb.client.AmDbClient;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Injects one fault at a time into the {@link NodeSet}, holds it, heals it, and waits until the cluster is whole
 * again (every member in the table, nothing LOST, no migration, every partition with its copies) before the next:
 * <ul>
 *   <li>{@code kill}: SIGKILL of the primary of a key the workload is using (or of any node), restarted on its data
 *   directory when healed;</li>
 *   <li>{@code pause}: SIGSTOP of a node for longer than a lease (3–4.5 s), then SIGCONT;</li>
 *   <li>{@code restart}: SIGTERM of a node (a graceful leave) and a start on the same data directory;</li>
 *   <li>{@code join}: a new node joins; half the time another node is killed while partitions migrate to it;</li>
 *   <li>{@code leave}: a node leaves for good (SIGTERM), when more than the initial number remain.</li>
 *   <li>{@code partition}: a minority of the nodes is cut off from the rest (iptables in the nodes' network
 *   namespaces; the harness still reaches every node) for longer than failure detection takes, then healed.</li>
 * </ul>
 * Each fault and heal is logged with its time since the run began. One thread.
 */
final class Nemesis {
    static final Set<String> FAULTS = Set.of("kill", "pause", "restart", "join", "leave", "partition");
    /**
     * A pause outlasts the primary's lease (2 s) and the promotion wait after it, and stays under Hazelcast's 5 s
     * failure detection: a longer one splits the node off like a partition (see docs/REPLICATION.md, "Checking it").
     */
    private static final long PAUSE_MIN_MS = 3_000;
    private static final long PAUSE_MAX_MS = 4_500;
    /** A partition outlasts Hazelcast's failure detection, so the majority takes over the minority's partitions. */
    private static final long PARTITION_MIN_MS = 5_000;
    private static final long PARTITION_MAX_MS = 15_000;

    private final NodeSet nodes;
    private final AmDbClient client;
    private final List<String> faults;
    private final SplittableRandom random;
    private final int initialNodes;
    private final PrintStream log;
    private final long t0;
    private final Workload workload;
    private final List<String> injected = new ArrayList<>();

    Nemesis(NodeSet nodes, AmDbClient client, Workload workload, List<String> faults, long seed, int initialNodes,
            PrintStream log, long t0) {
        this.nodes = nodes;
        this.client = client;
        this.workload = workload;
        this.faults = faults;
        this.random = new SplittableRandom(seed);
        this.initialNodes = initialNodes;
        this.log = log;
        this.t0 = t0;
    }

    /** The faults injected, in order, as logged (heals and settling are logged, not listed). */
    List<String> injected() {
        return injected;
    }

    /** Runs fault episodes until {@code endNanos}; each one ends healed and settled. */
    void run(long endNanos) throws Exception {
        while (System.nanoTime() < endNanos) {
            TimeUnit.MILLISECONDS.sleep(1_000 + random.nextInt(2_000)); // a quiet spell between faults
            if (System.nanoTime() >= endNanos) {
                break;
            }
            episode(faults.get(random.nextInt(faults.size())));
        }
    }

    private void episode(String fault) throws Exception {
        List<NodeSet.Node> live = nodes.running();
        NodeSet.Node target = live.get(random.nextInt(live.size()));
        switch (fault) {
            case "kill" -> {
                target = primaryOfActiveKey(live, target);
                say("kill -9 " + target);
                nodes.kill(target);
                hold(2_000, 5_000);
                log("restart " + target + " on its data directory");
                nodes.start(target);
            }
            case "pause" -> {
                say("SIGSTOP " + target);
                nodes.pause(target);
                hold(PAUSE_MIN_MS, PAUSE_MAX_MS);
                log("SIGCONT " + target);
                nodes.resume(target);
            }
            case "restart" -> {
                say("SIGTERM " + target + ", then start it again");
                nodes.stop(target);
                nodes.start(target);
            }
            case "join" -> {
                if (!nodes.hasFreeSlot()) { // every slot in use: one leaves first
                    say("leave " + target + " (SIGTERM; to free a slot for a join)");
                    nodes.retire(target);
                    settle();
                }
                NodeSet.Node added = nodes.add();
                say("joined " + added);
                if (random.nextBoolean()) {
                    killDuringMigration(added);
                }
            }
            case "leave" -> {
                if (live.size() <= initialNodes) {
                    NodeSet.Node added = nodes.add(); // leaves need a spare: join one first
                    say("joined " + added + " (to have one to leave)");
                    settle();
                    live = nodes.running();
                    target = live.get(random.nextInt(live.size()));
                }
                say("leave " + target + " (SIGTERM: hands its partitions off)");
                nodes.retire(target);
            }
            case "partition" -> {
                List<NodeSet.Node> shuffled = new ArrayList<>(live);
                java.util.Collections.shuffle(shuffled, new java.util.Random(random.nextLong()));
                int minority = 1 + random.nextInt(Math.max(1, (live.size() - 1) / 2));
                List<NodeSet.Node> side = shuffled.subList(0, minority);
                List<NodeSet.Node> rest = shuffled.subList(minority, shuffled.size());
                say("partition " + side + " | " + rest);
                nodes.cut(side, rest);
                hold(PARTITION_MIN_MS, PARTITION_MAX_MS);
                log("heal the partition");
                nodes.heal();
            }
            default -> throw new IllegalArgumentException("unknown fault " + fault);
        }
        settle();
    }

    /** While the table still moves partitions to {@code added}, kill -9 another node, then restart it. */
    private void killDuringMigration(NodeSet.Node added) throws Exception {
        PartitionTable t = client.refreshTable().get(NodeSet.WAIT_S, TimeUnit.SECONDS);
        List<NodeSet.Node> others = nodes.running().stream().filter(n -> n != added).toList();
        NodeSet.Node victim = others.get(random.nextInt(others.size()));
        say("kill -9 " + victim + " with " + t.migrations().size() + " migrations in flight");
        nodes.kill(victim);
        hold(1_000, 3_000);
        log("restart " + victim + " on its data directory");
        nodes.start(victim);
    }

    /** The primary of one of the keys in use, when the table names a running node for it; else {@code fallback}. */
    private NodeSet.Node primaryOfActiveKey(List<NodeSet.Node> live, NodeSet.Node fallback) throws Exception {
        List<String> keys = workload.keys();
        if (keys.isEmpty()) {
            return fallback;
        }
        String key = keys.get(keys.size() - 1 - random.nextInt(Math.min(keys.size(), Workload.ACTIVE_KEYS)));
        PartitionTable t = client.table().get(NodeSet.WAIT_S, TimeUnit.SECONDS);
        Member owner = t.ownerOf(key.getBytes(StandardCharsets.UTF_8));
        return live.stream().filter(n -> owner != null && n.name.equals(owner.nodeId())).findFirst().orElse(fallback);
    }

    /**
     * Waits (bounded) until the client's refreshed table names every running node, has nothing LOST, no
     * migration and no partition short of copies, and every running node has installed that table and holds its
     * place in a table log of as many voters as the cluster's size calls for: the next fault then meets a cluster
     * that is whole, not one still rebuilding its table log (whose quorum a fault could take away).
     */
    void settle() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(NodeSet.WAIT_S);
        PartitionTable t = null;
        String why = "no table yet";
        while (System.nanoTime() < deadline) {
            try {
                t = client.refreshTable().get(NodeSet.WAIT_S, TimeUnit.SECONDS);
                why = t.members().size() == nodes.running().size() && t.lostPartitions() == 0
                        && t.migrations().isEmpty() && t.underReplicated() == 0 ? unsettledNode(t) : t.toString();
                if (why == null) {
                    log("settled: " + t.members().size() + " members, table epoch " + t.epoch());
                    return;
                }
            } catch (Exception e) {
                why = e.toString(); // a refresh during a fault may fail; the next one is asked for below
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling interval, bounded by the deadline
        }
        throw new IllegalStateException("the cluster did not settle within " + NodeSet.WAIT_S + " s: " + why);
    }

    /** The first running node that has not installed {@code t} or lacks its place in the table log; null: none. */
    private String unsettledNode(PartitionTable t) throws Exception {
        List<NodeSet.Node> running = nodes.running();
        // The table log's voters for this many members, as the nodes plan them (docs/CLUSTER.md, "Table consensus").
        int voters = running.size() >= 5 ? 5 : running.size() >= 3 ? running.size() : 1;
        for (NodeSet.Node n : running) {
            java.util.Map<String, String> info = NodeSet.info(n);
            if (!String.valueOf(t.epoch()).equals(info.get("table_epoch"))
                    || !String.valueOf(voters).equals(info.get("table_log_voters"))
                    || !String.valueOf(running.size() - voters).equals(info.get("table_log_listeners"))
                    || !"1".equals(info.get("table_log_caught_up"))) {
                return n + " has table epoch " + info.get("table_epoch") + " of " + t.epoch() + ", table log voters "
                        + info.get("table_log_voters") + " and listeners " + info.get("table_log_listeners")
                        + " (want " + voters + " and " + (running.size() - voters) + "), caught up "
                        + info.get("table_log_caught_up");
            }
        }
        return null;
    }

    private void hold(long minMs, long maxMs) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(minMs + random.nextLong(maxMs - minMs + 1));
    }

    /** Logs and lists a fault. */
    private void say(String what) {
        injected.add(log(what));
    }

    private String log(String what) {
        String line = String.format("%7.1f s  %s", (System.nanoTime() - t0) / 1e9, what);
        log.println("nemesis " + line);
        return line;
    }
}
