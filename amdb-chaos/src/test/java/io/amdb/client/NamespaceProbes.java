package io.amdb.client;

import io.amdb.chaos.NetNamespaces;
import io.amdb.protocol.PartitionTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Bounded polls of nodes that run in {@link NetNamespaces}, all on the same client port, each asked through a
 * {@link NodeProbe}: their tables, the table log's leader, one INFO field. Every poll gives up after
 * {@link NodeProcesses#WAIT_S} (a hang guard, not a timing assertion) with what it saw last.
 */
final class NamespaceProbes {
    private static final long WAIT_S = NodeProcesses.WAIT_S;
    private static final int PROBE_GUARD_MS = 10_000;

    private final NetNamespaces net;
    private final int port;
    private final String[] ids;

    /** {@code ids[i]} is the node id of the node in namespace slot {@code i}. */
    NamespaceProbes(NetNamespaces net, int port, String... ids) {
        this.net = net;
        this.port = port;
        this.ids = ids.clone();
    }

    /**
     * Polls until nodes {@code which} all report the same table and it satisfies {@code ok}; returns it.
     * {@code seen} is told of every table read (slot, table).
     */
    PartitionTable awaitConverged(List<Integer> which, Predicate<PartitionTable> ok, String what,
            BiConsumer<Integer, PartitionTable> seen) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        List<String> last = List.of();
        while (System.nanoTime() < deadline) {
            List<PartitionTable> tables = new ArrayList<>();
            last = new ArrayList<>();
            for (int i : which) {
                try (NodeProbe probe = new NodeProbe(net.address(i), port, PROBE_GUARD_MS)) {
                    PartitionTable t = probe.table();
                    seen.accept(i, t);
                    tables.add(t);
                    last.add(ids[i] + ": " + t);
                } catch (Exception e) {
                    last.add(ids[i] + ": " + e);
                }
            }
            if (tables.size() == which.size() && tables.stream().allMatch(tables.get(0)::equals) && ok.test(tables.get(0))) {
                return tables.get(0);
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval, bounded by the deadline
        }
        throw new AssertionError("no common " + what + " table within " + WAIT_S + " s: " + last);
    }

    /** Polls until every node reports the same non-empty {@code table_log_leader}; returns its slot. */
    int awaitLeader() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        List<String> seen = List.of();
        while (System.nanoTime() < deadline) {
            seen = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                try (NodeProbe probe = new NodeProbe(net.address(i), port, PROBE_GUARD_MS)) {
                    seen.add(probe.info().getOrDefault("table_log_leader", ""));
                }
            }
            String first = seen.get(0);
            if (!first.isEmpty() && seen.stream().allMatch(first::equals)) {
                return List.of(ids).indexOf(first);
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval, bounded by the deadline
        }
        throw new AssertionError("no table_log_leader all nodes agree on within " + WAIT_S + " s: " + seen);
    }

    /** Polls until every node in {@code which} shows {@code value} in the INFO field {@code field}. */
    void awaitInfo(List<Integer> which, String field, String value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        List<String> seen = List.of();
        while (System.nanoTime() < deadline) {
            seen = new ArrayList<>();
            for (int i : which) {
                try (NodeProbe probe = new NodeProbe(net.address(i), port, PROBE_GUARD_MS)) {
                    seen.add(probe.info().get(field));
                }
            }
            if (seen.stream().allMatch(value::equals)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval, bounded by the deadline
        }
        throw new AssertionError(field + " is not " + value + " everywhere after " + WAIT_S + " s: " + seen);
    }
}
