package io.amdb.node.sim;

import io.amdb.node.shard.PointBatch;
import io.amdb.node.sim.SimRouting.Reply;
import io.amdb.node.sim.SimRouting.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The client workload and its model of acknowledged values. Clients send PUT, DELETE and GET of a few keys to any
 * live node (the forwarding path), at most one operation per key at a time. A write answered OK is acknowledged;
 * any other answer leaves its outcome unknown: it may have been applied, even later (a piece still in flight), so
 * it stays a possible value for {@link #UNKNOWN_WINDOW_MS} after it was sent. A read answered OK must return the
 * latest acknowledged value, or a possible unknown one; {@link #verifyAll} reads every key at the end.
 */
final class SimClients {
    /** How long after it was sent an unanswered write may still be applied: a piece's 30 s plus its waits. */
    static final long UNKNOWN_WINDOW_MS = 45_000;
    static final long CLIENT_TICK_MS = 10;

    private final Sim sim;
    private final KeyModel[] keys;
    private int values;
    int acked;
    int unknown;
    int reads;

    /** What the clients know of one key. */
    private static final class KeyModel {
        boolean busy;
        byte[] acked; // null: absent
        long ackedSentAt;
        long ackedAt;
        final List<Unknown> unknown = new ArrayList<>();
    }

    private record Unknown(byte[] value, long sentAt) {}

    SimClients(Sim sim) {
        this.sim = sim;
        this.keys = new KeyModel[sim.options.keys()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new KeyModel();
        }
    }

    void start() {
        sim.at(CLIENT_TICK_MS, this::tick);
    }

    private void tick() {
        if (sim.faulty && sim.random.nextDouble() < sim.options.clientRate()) {
            int k = sim.random.nextInt(keys.length);
            SimNode via = randomLiveNode();
            if (!keys[k].busy && via != null) {
                int kind = sim.random.nextInt(20);
                byte op = kind < 9 ? PointBatch.PUT : kind < 12 ? PointBatch.DELETE : PointBatch.GET;
                issue(k, via, op);
            }
        }
        if (sim.faulty) {
            sim.at(CLIENT_TICK_MS, this::tick);
        }
    }

    private SimNode randomLiveNode() {
        List<SimNode> live = new ArrayList<>();
        for (SimNode n : sim.nodes.values()) {
            if (n.alive()) {
                live.add(n);
            }
        }
        return live.isEmpty() ? null : live.get(sim.random.nextInt(live.size()));
    }

    private void issue(int k, SimNode via, byte op) {
        KeyModel m = keys[k];
        m.busy = true;
        byte[] value = op == PointBatch.PUT ? ("v" + values++).getBytes() : null;
        long sentAt = sim.now();
        int incarnation = via.incarnation();
        boolean[] answered = new boolean[1];
        via.routing.forward(new SimRouting.Op(op, "k" + k, value), reply -> {
            answered[0] = true;
            completed(k, op, value, sentAt, reply);
        });
        // A client whose node crashed gives up: the outcome is unknown.
        sim.at(SimRouting.PIECE_TIMEOUT_MS * 2, () -> {
            if (!answered[0] && (via.incarnation() != incarnation || !via.alive())) {
                answered[0] = true;
                completed(k, op, value, sentAt, new Reply(Status.UNAVAILABLE, null, 0));
            }
        });
    }

    private void completed(int k, byte op, byte[] value, long sentAt, Reply reply) {
        KeyModel m = keys[k];
        sim.trace("k" + k + " (partition " + partitionOf(k) + ") op " + op + " " + (value == null ? "" : new String(value))
                + " sent at " + sentAt + ": " + reply.status() + " at epoch " + reply.epoch()
                + (reply.value() == null ? "" : " " + new String(reply.value())));
        m.busy = false;
        if (op == PointBatch.GET) {
            if (reply.status() == Status.OK) {
                reads++;
                checkRead(k, reply.value(), "read");
            }
            return;
        }
        if (reply.status() == Status.OK) {
            acked++;
            m.acked = value;
            m.ackedSentAt = sentAt;
            m.ackedAt = sim.now();
        } else {
            unknown++;
            m.unknown.add(new Unknown(value, sentAt));
        }
    }

    /** The value read must be the latest acknowledged one, or an unknown write that may have landed after it. */
    private void checkRead(int k, byte[] read, String what) {
        KeyModel m = keys[k];
        if (Arrays.equals(read, m.acked)) {
            return;
        }
        for (Unknown u : m.unknown) {
            if (Arrays.equals(read, u.value) && (u.sentAt > m.ackedSentAt || u.sentAt + UNKNOWN_WINDOW_MS > m.ackedAt)) {
                return;
            }
        }
        sim.checks.fail(what + " of k" + k + " (partition " + partitionOf(k) + ") returned " + text(read)
                + " but the latest acknowledged value is " + text(m.acked) + " (acknowledged at t=" + m.ackedAt + ")");
    }

    private int partitionOf(int k) {
        return sim.partitioner.partition(SimRouting.key("k" + k));
    }

    private static String text(byte[] v) {
        return v == null ? "absent" : new String(v);
    }

    /**
     * Liveness, once healed and quiet: every key reads back through a live node with its latest acknowledged value
     * (or a possible unknown one); PARTITION_LOST only where the final table says no copy survives.
     */
    void verifyAll() {
        int[] pending = {keys.length};
        for (int k = 0; k < keys.length; k++) {
            int key = k;
            SimNode via = randomLiveNode();
            via.routing.forward(new SimRouting.Op(PointBatch.GET, "k" + k, null), reply -> {
                pending[0]--;
                if (reply.status() == Status.OK) {
                    checkRead(key, reply.value(), "final read");
                } else if (reply.status() == Status.LOST) {
                    sim.checks.lostAtEnd(partitionOf(key), "k" + key);
                } else {
                    sim.checks.fail("final read of k" + key + " answered " + reply.status() + " after healing");
                }
            });
        }
        sim.runUntil(sim.now() + SimRouting.PIECE_TIMEOUT_MS * 2);
        if (pending[0] != 0) {
            sim.checks.fail(pending[0] + " final reads never completed");
        }
    }
}
