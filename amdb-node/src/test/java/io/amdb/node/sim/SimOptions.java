package io.amdb.node.sim;

import java.util.SplittableRandom;

/**
 * The options one seed expands into (TigerBeetle's VOPR prints the same kind of list): how many nodes, which are
 * durable, how hostile the network and the process faults are, how long the faulty phase lasts. A failure prints
 * them with the seed, so the report describes the run and {@code -Damdb.seed=N} replays it exactly.
 *
 * @param laggingLeader a new leader of the table log may take office before it applied the entries of earlier
 *                      terms: what Ratis's leader-ready notification prevents, so off for random seeds; the
 *                      failover test turns it on to reach the proposals the log's apply rule must refuse
 */
record SimOptions(long seed, int nodes, int initialNodes, int partitions, int keys, boolean[] durable,
        double dropRate, double duplicateRate, long maxDelayMs, double crashRate, double splitRate,
        double leaderChangeRate, double clientRate, long faultyMs, boolean laggingLeader) {

    /** Milliseconds between two fault decisions (crash, restart, split, heal, leader change). */
    static final long FAULT_TICK_MS = 100;

    static SimOptions of(long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int nodes = 2 + r.nextInt(4);
        boolean[] durable = new boolean[nodes];
        for (int i = 0; i < nodes; i++) {
            durable[i] = r.nextInt(4) != 0;
        }
        return new SimOptions(seed, nodes, 1 + r.nextInt(nodes), 8 << r.nextInt(2), 24, durable,
                r.nextInt(3) * 0.02, r.nextInt(3) * 0.02, 1 + r.nextInt(200),
                r.nextInt(3) * 0.01, r.nextInt(3) * 0.01, r.nextInt(2) * 0.005,
                0.2 + r.nextDouble() * 0.5, 10_000 + r.nextInt(20_000), false);
    }

    /** These options with the given fault rates (the focused tests' profiles). */
    SimOptions with(double drop, double crash, double leaderChange, boolean lagging) {
        return new SimOptions(seed, nodes, initialNodes, partitions, keys, durable, drop, duplicateRate, maxDelayMs,
                crash, splitRate, leaderChange, clientRate, faultyMs, lagging);
    }

    @Override
    public String toString() {
        StringBuilder d = new StringBuilder();
        for (boolean b : durable) {
            d.append(b ? 'D' : 'm');
        }
        return "seed=" + seed + " nodes=" + nodes + " (" + initialNodes + " at start, durable " + d + ") partitions="
                + partitions + " keys=" + keys + " drop=" + dropRate + " duplicate=" + duplicateRate + " maxDelayMs="
                + maxDelayMs + " crash=" + crashRate + " split=" + splitRate + " leaderChange=" + leaderChangeRate
                + " clientRate=" + String.format("%.2f", clientRate) + " faultyMs=" + faultyMs
                + (laggingLeader ? " laggingLeader" : "");
    }
}
