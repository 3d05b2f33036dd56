package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The cluster invariant under rebalancing: while a writer keeps overwriting keys through the coordinator
 * path, two nodes join and one leaves gracefully; after each change settles, every acknowledged write reads
 * back with its latest value, the owners' key counts sum to the total, and a cluster-wide SCAN returns every
 * key once, in order. Real nodes, real Hazelcast, loopback. Seeded (printed).
 */
class ClusterRebalanceTest {
    private static final int KEYS = 20_000;
    private static final long WAIT_S = 120; // hang guard, not a timing assertion

    @Test
    void joinJoinLeave_underWrites_everyAckedWriteReadsBackLatest() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ClusterRebalanceTest seed " + seed);
        try (AmDbCluster cluster = AmDbCluster.start(1, TestNodes.config())) {
            AckedWrites model = new AckedWrites(KEYS);
            assertTrue(cluster.batchPut(model.items(0, KEYS)).success());
            Writer writer = new Writer(cluster, model, new SplittableRandom(seed));
            Thread thread = new Thread(writer, "writer");
            thread.start();
            try {
                long t0 = System.nanoTime();
                cluster.addNode();
                awaitBalanced(cluster);
                System.out.printf("join 1->2 balanced in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                t0 = System.nanoTime();
                cluster.addNode();
                awaitBalanced(cluster);
                System.out.printf("join 2->3 balanced in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                writer.gate.lock(); // the writer pauses between batches while we read, so the model holds still
                try {
                    verify(cluster, model, "after two joins");
                } finally {
                    writer.gate.unlock();
                }
                t0 = System.nanoTime();
                cluster.removeNode("node-2");
                awaitBalanced(cluster);
                System.out.printf("leave 3->2 done in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            } finally {
                writer.stop.set(true);
                thread.join(TimeUnit.SECONDS.toMillis(WAIT_S));
            }
            assertTrue(writer.batches.get() > 0, "the writer wrote during the changes");
            verify(cluster, model, "after the leave");
            for (AmDbNode n : cluster.nodes()) {
                System.out.println(n.config().nodeId() + " " + info(cluster, n));
            }
        }
    }

    private static void verify(AmDbCluster cluster, AckedWrites model, String when) throws Exception {
        List<byte[]> keys = model.keys();
        for (int from = 0; from < keys.size(); from += 5_000) {
            List<byte[]> part = keys.subList(from, Math.min(keys.size(), from + 5_000));
            Response r = cluster.call(cluster.nodes().get(from / 5_000 % cluster.nodes().size()), new Request.MGet(part))
                    .get(WAIT_S, TimeUnit.SECONDS);
            List<byte[]> values = assertInstanceOf(Response.Values.class, r, when + ": " + r).values();
            for (int i = 0; i < part.size(); i++) {
                try {
                    model.check(from + i, values.get(i), when);
                } catch (AssertionError e) {
                    dump(cluster, part.get(i));
                    throw e;
                }
            }
        }
        long sum = 0;
        for (AmDbNode n : cluster.nodes()) {
            sum += Long.parseLong(info(cluster, n).get("keys"));
        }
        assertEquals(KEYS, sum, when + ": owners' key counts sum to the total");
        int seen = 0;
        byte[] start = null;
        byte[] previous = null;
        do {
            Response r = cluster.call(cluster.nodes().get(0), new Request.Scan(start, null, 3_000)).get(WAIT_S, TimeUnit.SECONDS);
            Response.ScanPage page = assertInstanceOf(Response.ScanPage.class, r, when + ": " + r);
            for (Response.Entry e : page.entries()) {
                assertTrue(previous == null || Arrays.compareUnsigned(previous, e.key()) < 0, when + ": scan order");
                previous = e.key();
                seen++;
            }
            start = page.next();
        } while (start != null);
        assertEquals(KEYS, seen, when + ": a cluster-wide scan sees every key once");
    }

    private static void dump(AmDbCluster cluster, byte[] key) throws Exception {
        int p = cluster.table().partitionOf(key);
        System.out.println("key " + new String(key, UTF_8) + " partition " + p + " owner " + cluster.table().owner(p)
                + " table " + cluster.table());
        for (AmDbNode n : cluster.nodes()) {
            io.amdb.node.shard.PointBatch b = new io.amdb.node.shard.PointBatch();
            b.add(io.amdb.node.shard.PointBatch.GET, p, key, null);
            java.util.concurrent.CompletableFuture<byte[]> v = new java.util.concurrent.CompletableFuture<>();
            n.vertx().runOnContext(x -> n.dispatcher().send(n.dispatcher().shardOf(p), b).onComplete(ar -> v.complete(
                    ar.succeeded() ? ar.result().value(0) : null)));
            byte[] got = v.get(10, TimeUnit.SECONDS);
            System.out.println("  " + n.config().nodeId() + " holds " + (got == null ? null : new String(got, UTF_8)));
        }
    }

    private static Map<String, String> info(AmDbCluster cluster, AmDbNode n) throws Exception {
        return ((Response.Info) cluster.call(n, new Request.Info()).get(WAIT_S, TimeUnit.SECONDS)).fields();
    }

    private static void awaitBalanced(AmDbCluster cluster) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (!cluster.isBalanced()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never balanced: " + cluster.table());
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling interval, bounded by the deadline
        }
    }

    /** Overwrites 200 distinct random keys per batch, one batch at a time, until stopped. */
    static final class Writer implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong batches = new AtomicLong();
        final java.util.concurrent.locks.ReentrantLock gate = new java.util.concurrent.locks.ReentrantLock();
        private final AmDbCluster cluster;
        private final AckedWrites model;
        private final SplittableRandom random;

        Writer(AmDbCluster cluster, AckedWrites model, SplittableRandom random) {
            this.cluster = cluster;
            this.model = model;
            this.random = random;
        }

        @Override
        public void run() {
            for (long round = 0; !stop.get() && round < 1_000_000; round++) {
                Set<Integer> picked = new HashSet<>();
                while (picked.size() < 200) {
                    picked.add(random.nextInt(KEYS));
                }
                List<Integer> which = new ArrayList<>(picked);
                List<Request.BatchItem> items = new ArrayList<>();
                for (int k : which) {
                    items.add(Request.BatchItem.put(model.keys().get(k), ("v" + round + "_" + k).getBytes(UTF_8)));
                }
                gate.lock();
                try {
                    BatchResult r = cluster.batchPut(items);
                    for (int i = 0; i < which.size(); i++) {
                        model.written(which.get(i), "v" + round + "_" + which.get(i), r.result(i) == ErrorCode.OK);
                    }
                    batches.incrementAndGet();
                } finally {
                    gate.unlock();
                }
            }
        }
    }
}
