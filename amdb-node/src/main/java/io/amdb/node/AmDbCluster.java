package io.amdb.node;

import io.amdb.node.config.NodeConfig;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * An AmDb cluster in one JVM: n real nodes (each its own Vert.x instance, clustered through real Hazelcast
 * on loopback, each with its protocol listener on a free port), for examples, tests and the demo.
 * {@code AmDbCluster.start(4)}, then {@link #batchPut}, {@link #get}, {@link #addNode}, {@link #removeNode},
 * {@link #close}. Reads and writes take the forwarding path: a node splits them by owner and sends the
 * pieces in parallel over the clustered event bus.
 *
 * <p>Thread-safe; membership changes ({@code addNode}, {@code removeNode}, {@code stopNode}, {@code close})
 * run one at a time, and reads and writes go on while they run. Methods block (bounded by {@link #WAIT_SECONDS}): this is the seed's synchronous API.
 */
public final class AmDbCluster implements AutoCloseable {
    public static final long WAIT_SECONDS = 600;
    /** Items per forwarded request in {@link #batchPut}, and how many such requests run at once. */
    static final int SLICE = 10_000;
    static final int SLICES_IN_FLIGHT = 8;

    private final String name = "amdb-" + UUID.randomUUID();
    private final NodeConfig base;
    private final List<AmDbNode> nodes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Object changes = new Object(); // one membership change at a time; reads never wait for it
    private final List<String> join = new ArrayList<>();
    private int started;

    private AmDbCluster(NodeConfig base) {
        this.base = base;
    }

    /** Starts {@code n} nodes one after another (Hazelcast joins fastest that way) with default settings. */
    public static AmDbCluster start(int n) {
        return start(n, NodeConfig.defaults().withPort(0));
    }

    /** As {@link #start(int)}, each node configured like {@code base} (its port, cluster and id are chosen here). */
    public static AmDbCluster start(int n, NodeConfig base) {
        if (n < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node: " + n);
        }
        AmDbCluster cluster = new AmDbCluster(base);
        try {
            for (int i = 0; i < n; i++) {
                cluster.addNode();
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Starts one more node; it joins, and partitions migrate to it online. Returns its id. */
    public String addNode() {
        synchronized (changes) {
            String id = "node-" + (++started);
            int hz = freePort();
            join.add(base.host() + ":" + hz);
            AmDbNode node = await(() -> AmDbNode.start(base.withPort(0).withCluster(name, id, hz, join)));
            nodes.add(node);
            return id;
        }
    }

    /**
     * Removes a node gracefully: its partitions migrate to the others first; nothing is lost. Reads and writes
     * go on meanwhile, through the other nodes.
     */
    public void removeNode(String id) {
        synchronized (changes) {
            AmDbNode node = find(id);
            nodes.remove(node); // new requests are forwarded by the others while it hands its partitions off
            await(() -> node.leave(TimeUnit.SECONDS.toMillis(WAIT_SECONDS)));
        }
    }

    /**
     * Stops a node without handing anything off, as a crash would (its Vert.x instance and Hazelcast member
     * close): its partitions become LOST. For tests of failure handling.
     */
    public void stopNode(String id) {
        synchronized (changes) {
            AmDbNode node = find(id);
            nodes.remove(node);
            await(node::stop);
        }
    }

    private AmDbNode find(String id) {
        return nodes.stream().filter(n -> n.config().nodeId().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id + " in this cluster"));
    }

    /** The running nodes, oldest first. A copy. */
    public List<AmDbNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The newest partition table any node holds. */
    public PartitionTable table() {
        return nodes().stream().map(AmDbNode::table).max((a, b) -> Long.compare(a.epoch(), b.epoch())).orElseThrow();
    }

    /** True when every node holds the same table, with all of them as members, and no partition is migrating. */
    public boolean isBalanced() {
        List<AmDbNode> all = nodes();
        PartitionTable t = all.get(0).table();
        return t.migrations().isEmpty() && t.members().size() == all.size()
                && all.stream().allMatch(n -> n.table().equals(t)); // same epoch and same content
    }

    /**
     * Blocks until {@link #isBalanced()}, polling every 20 ms.
     *
     * @throws IllegalStateException naming every node's table when it is not balanced within {@code timeout}
     */
    public void awaitBalanced(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isBalanced()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not balanced within " + timeout + ": "
                        + nodes().stream().map(AmDbNode::table).toList());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Writes every item (UTF-8 keys and values); see {@link #batchPut(List)}. */
    public BatchResult batchPut(Map<String, String> items) {
        List<Request.BatchItem> list = new ArrayList<>(items.size());
        items.forEach((k, v) -> list.add(Request.BatchItem.put(utf8(k), utf8(v))));
        return batchPut(list);
    }

    /**
     * Writes the items in slices of {@link #SLICE}, several slices at once, each through a different node
     * that fans it out to the owners in parallel. Returns a result per item.
     */
    public BatchResult batchPut(List<Request.BatchItem> items) {
        ErrorCode[] results = new ErrorCode[items.size()];
        inSlices(items.size(), (from, to) -> new Request.Batch(items.subList(from, to)), (from, r) -> {
            for (int i = 0; i < ((Request.Batch) r.request()).items().size(); i++) {
                results[from + i] = r.response() instanceof Response.Statuses s ? s.statuses().get(i) : errorCode(r.response());
            }
        });
        return new BatchResult(results);
    }

    /**
     * Reads every key, in slices like {@link #batchPut(List)}; returns the values in order (null when absent).
     *
     * @throws IllegalStateException naming the error when a slice cannot be read
     */
    public List<byte[]> getAll(List<byte[]> keys) {
        byte[][] values = new byte[keys.size()][];
        inSlices(keys.size(), (from, to) -> new Request.MGet(keys.subList(from, to)), (from, r) -> {
            if (!(r.response() instanceof Response.Values v)) {
                throw new IllegalStateException("MGET failed: " + r.response());
            }
            for (int i = 0; i < v.values().size(); i++) {
                values[from + i] = v.values().get(i);
            }
        });
        return java.util.Arrays.asList(values);
    }

    private record Exchanged(Request request, Response response) {}

    /** Runs one request per slice of [0, n), {@link #SLICES_IN_FLIGHT} at a time, spread over the nodes. */
    private void inSlices(int n, java.util.function.BiFunction<Integer, Integer, Request> slice,
            java.util.function.BiConsumer<Integer, Exchanged> done) {
        List<AmDbNode> all = nodes();
        List<CompletableFuture<Void>> window = new ArrayList<>();
        for (int from = 0, k = 0; from < n; from += SLICE, k++) {
            int start = from;
            Request request = slice.apply(from, Math.min(n, from + SLICE));
            window.add(call(all.get(k % all.size()), request).thenAccept(r -> done.accept(start, new Exchanged(request, r))));
            if (window.size() >= SLICES_IN_FLIGHT) {
                join(window.remove(0));
            }
        }
        window.forEach(AmDbCluster::join);
    }

    /** The value of a UTF-8 key as UTF-8, or null when absent. */
    public String get(String key) {
        byte[] value = get(utf8(key));
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** The value of a key, or null when absent; fails with the error code when the read fails. */
    public byte[] get(byte[] key) {
        Response r = join(call(nodes().get(0), new Request.Get(key)));
        if (r instanceof Response.Value v) {
            return v.value();
        }
        throw new IllegalStateException("GET failed: " + r);
    }

    /** Runs a request on {@code via}'s forwarding path. */
    public CompletableFuture<Response> call(AmDbNode via, Request request) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        via.vertx().runOnContext(v -> via.execute(request).onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        return result;
    }

    /** Stops every node (not gracefully: the data goes with the cluster). Idempotent. */
    @Override
    public void close() {
        synchronized (changes) {
            closeNodes();
        }
    }

    private void closeNodes() {
        List<Future<Void>> stops = new ArrayList<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            stops.add(nodes.get(i).stop());
        }
        nodes.clear();
        Promise<Void> all = Promise.promise();
        Future.join(stops).onComplete(ar -> all.complete());
        await(all::future);
    }

    private static ErrorCode errorCode(Response r) {
        return r instanceof Response.Error e ? e.code() : ErrorCode.INTERNAL_ERROR;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T await(Supplier<Future<T>> action) {
        return join(action.get().toCompletionStage().toCompletableFuture());
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
