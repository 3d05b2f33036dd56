package io.amdb.client;

import io.amdb.protocol.PartitionTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks every node for its TABLE, each from its own thread every 200 ms, for the whole test, and checks two
 * things: that one epoch never maps to two different tables (across all nodes and all time), and that a node
 * told to be frozen ({@link #freeze}) reports no other epoch until {@link #thaw}. A node that does not answer is
 * simply asked again (it may be cut off, paused or stopped).
 */
final class TableObserver implements AutoCloseable {
    private static final int READ_GUARD_MS = 10_000;

    private final List<String> hosts;
    private final int port;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<Long, Seen> byEpoch = new ConcurrentHashMap<>();
    private final Map<Integer, Long> frozen = new ConcurrentHashMap<>();
    private final List<String> conflicts = new ArrayList<>(); // guarded by itself
    private final List<String> moved = new ArrayList<>(); // guarded by itself
    private final long[] observations;

    private record Seen(PartitionTable table, String node) {}

    TableObserver(List<String> hosts, int port) {
        this.hosts = List.copyOf(hosts);
        this.port = port;
        this.observations = new long[hosts.size()];
        for (int i = 0; i < hosts.size(); i++) {
            int node = i;
            Thread t = new Thread(() -> poll(node), "table-observer-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void poll(int node) {
        NodeProbe probe = null;
        while (!stop.get()) {
            try {
                if (probe == null) {
                    probe = new NodeProbe(hosts.get(node), port, READ_GUARD_MS);
                }
                record(node, probe.table());
            } catch (Exception e) {
                closeQuietly(probe);
                probe = null;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(200); // polling interval
            } catch (InterruptedException e) {
                break;
            }
        }
        closeQuietly(probe);
    }

    /** Records one node's table: checks it against every table seen at its epoch, and against a freeze. */
    void record(int node, PartitionTable table) {
        synchronized (observations) {
            observations[node]++;
        }
        Seen first = byEpoch.putIfAbsent(table.epoch(), new Seen(table, hosts.get(node)));
        if (first != null && !first.table().equals(table)) {
            synchronized (conflicts) {
                if (conflicts.size() < 20) {
                    conflicts.add("epoch " + table.epoch() + ": " + first.node() + " had " + first.table() + ", "
                            + hosts.get(node) + " has " + table);
                }
            }
        }
        Long at = frozen.get(node);
        if (at != null && table.epoch() != at) {
            synchronized (moved) {
                if (moved.size() < 20) {
                    moved.add(hosts.get(node) + " moved from epoch " + at + " to " + table);
                }
            }
        }
    }

    /** From now on node {@code node} must report epoch {@code epoch} only. */
    void freeze(int node, long epoch) {
        frozen.put(node, epoch);
    }

    /** Ends every freeze. */
    void thaw() {
        frozen.clear();
    }

    /** Epochs that were seen with two different tables (empty: none). */
    List<String> conflicts() {
        synchronized (conflicts) {
            return List.copyOf(conflicts);
        }
    }

    /** Tables a frozen node reported at another epoch (empty: none). */
    List<String> frozenMoves() {
        synchronized (moved) {
            return List.copyOf(moved);
        }
    }

    /** How many tables were observed, and at how many distinct epochs. */
    String summary() {
        long total = 0;
        synchronized (observations) {
            for (long n : observations) {
                total += n;
            }
        }
        return total + " TABLE answers at " + byEpoch.size() + " distinct epochs";
    }

    private static void closeQuietly(NodeProbe probe) {
        if (probe != null) {
            try {
                probe.close();
            } catch (Exception ignored) {
                // closing a socket to a node that may be gone
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
