package io.amdb.node;

import io.amdb.node.config.NodeConfig;
import java.util.concurrent.TimeUnit;

/** Starts and stops in-process nodes for tests, on loopback and a free port. */
final class TestNodes {
    private TestNodes() {}

    static NodeConfig config() {
        return NodeConfig.defaults().withPort(0).withShards(2);
    }

    /** As {@link #config()} with one copy per partition: a node's death makes its partitions LOST. */
    static NodeConfig unreplicated() {
        return config().withReplication(new io.amdb.node.config.ReplicationConfig(1, 1, ""));
    }

    static AmDbNode start(NodeConfig config) throws Exception {
        return AmDbNode.start(config).await(30, TimeUnit.SECONDS);
    }

    /** Runs a request on the node's forwarding path (as HTTP does) and waits (bounded) for the answer. */
    static io.amdb.protocol.Response run(AmDbNode node, io.amdb.protocol.Request request) throws Exception {
        return onContext(node, () -> node.execute(request));
    }

    /** Calls {@code call} on one of the node's contexts and waits (bounded) for its future. */
    static <T> T onContext(AmDbNode node, java.util.function.Supplier<io.vertx.core.Future<T>> call) throws Exception {
        java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
        node.vertx().runOnContext(v -> call.get().onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        return result.get(120, TimeUnit.SECONDS);
    }

    static void stop(AmDbNode node) throws Exception {
        if (node != null) {
            node.stop().await(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Polls (bounded by {@code waitS}) until every running node (null: not running) holds one table that satisfies
     * {@code done}; returns it.
     */
    static io.amdb.protocol.PartitionTable awaitTable(java.util.function.Predicate<io.amdb.protocol.PartitionTable> done,
            long waitS, AmDbNode... nodes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitS);
        while (System.nanoTime() < deadline) {
            io.amdb.protocol.PartitionTable first = null;
            boolean same = true;
            for (AmDbNode n : nodes) {
                if (n != null) {
                    io.amdb.protocol.PartitionTable t = n.table();
                    same &= t != null && (first == null || t.equals(first));
                    first = first == null ? t : first;
                }
            }
            if (same && first != null && done.test(first)) {
                return first;
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling interval, bounded by the deadline
        }
        java.util.List<io.amdb.protocol.PartitionTable> seen = new java.util.ArrayList<>();
        for (AmDbNode n : nodes) {
            seen.add(n == null ? null : n.table());
        }
        throw new AssertionError("the nodes did not converge on such a table within " + waitS + " s: " + seen);
    }

    /** A free TCP port on loopback. */
    static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
