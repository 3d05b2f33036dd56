package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.amdb.protocol.TestSeed;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cluster invariant under rebalancing, in one JVM (real nodes, real Hazelcast, loopback). A writer keeps
 * putting, overwriting and deleting keys through the coordinator path, and a reader keeps reading keys nobody
 * writes, while two nodes join (the second before the first join has settled, so the plan changes mid-move)
 * and two leave gracefully, the coordinator last. No node dies, so every write must succeed and every read must see its key; after
 * each change settles, every acknowledged write reads back with its latest value, the owners' key counts sum
 * to the total, and a cluster-wide SCAN returns every key once, in order. Seeded (printed).
 */
@ExtendWith(TestSeed.class)
class ClusterRebalanceTest {
    private static final int KEYS = 20_000;
    private static final int STATIC = 2_000;
    private static final long WAIT_S = 120; // hang guard, not a timing assertion

    @Test
    void joinJoinLeave_underWritesAndReads_nothingLostNothingFails() throws Exception {
        long seed = TestSeed.get();
        System.out.println("ClusterRebalanceTest seed " + seed);
        try (AmDbCluster cluster = AmDbCluster.start(1, TestNodes.config())) {
            AckedWrites model = new AckedWrites(2 * KEYS, KEYS); // the upper half is created by the writer
            assertTrue(cluster.batchPut(model.items(0, KEYS)).success());
            assertTrue(cluster.batchPut(staticItems()).success());
            Writer writer = new Writer(cluster, model, new SplittableRandom(seed));
            Reader reader = new Reader(cluster, new SplittableRandom(seed + 1));
            Thread w = new Thread(writer, "writer");
            Thread r = new Thread(reader, "reader");
            w.start();
            r.start();
            try {
                long t0 = System.nanoTime();
                cluster.addNode();
                cluster.addNode(); // joins while the first join's moves are still in flight
                cluster.awaitBalanced(java.time.Duration.ofSeconds(WAIT_S));
                System.out.printf("joins 1->3 balanced in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                writer.gate.lock(); // the writer pauses between batches while we read, so the model holds still
                try {
                    verify(cluster, model, "after two joins");
                } finally {
                    writer.gate.unlock();
                }
                t0 = System.nanoTime();
                cluster.removeNode("node-2");
                cluster.awaitBalanced(java.time.Duration.ofSeconds(WAIT_S));
                System.out.printf("leave 3->2 done in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                t0 = System.nanoTime();
                cluster.removeNode("node-1"); // the coordinator: it hands off, then the next oldest takes over
                cluster.awaitBalanced(java.time.Duration.ofSeconds(WAIT_S));
                System.out.printf("coordinator leave 2->1 done in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            } finally {
                writer.stop.set(true);
                reader.stop.set(true);
                w.join(TimeUnit.SECONDS.toMillis(WAIT_S));
                r.join(TimeUnit.SECONDS.toMillis(WAIT_S));
            }
            System.out.printf("writer %d batches, reader %d reads%n", writer.batches.get(), reader.reads.get());
            assertNull(reader.failure.get(), "reads of keys nobody writes never miss, during every move");
            assertTrue(writer.batches.get() > 0 && reader.reads.get() > 0, "both ran while the cluster changed");
            assertEquals(0, model.unsureCount(), "no node died, so every write succeeded");
            verify(cluster, model, "after the leave");
            for (AmDbNode n : cluster.nodes()) {
                System.out.println(n.config().nodeId() + " " + info(cluster, n));
            }
        }
    }

    private static List<Request.BatchItem> staticItems() {
        List<Request.BatchItem> items = new ArrayList<>();
        for (int i = 0; i < STATIC; i++) {
            items.add(Request.BatchItem.put(("static_" + i).getBytes(UTF_8), ("static_value_" + i).getBytes(UTF_8)));
        }
        return items;
    }

    private static void verify(AmDbCluster cluster, AckedWrites model, String when) throws Exception {
        List<byte[]> keys = model.keys();
        List<byte[]> values = cluster.getAll(keys);
        for (int i = 0; i < keys.size(); i++) {
            model.check(i, values.get(i), when);
        }
        long expected = model.presentCount() + STATIC;
        long sum = 0;
        for (AmDbNode n : cluster.nodes()) {
            sum += Long.parseLong(info(cluster, n).get("keys"));
        }
        assertEquals(expected, sum, when + ": owners' key counts sum to the total");
        long seen = 0;
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
        assertEquals(expected, seen, when + ": a cluster-wide scan sees every key once");
    }

    private static Map<String, String> info(AmDbCluster cluster, AmDbNode n) throws Exception {
        return ((Response.Info) cluster.call(n, new Request.Info()).get(WAIT_S, TimeUnit.SECONDS)).fields();
    }

    /** Per batch: 200 distinct random keys of the model, 80% puts (creating keys in its upper half), 20% deletes. */
    static final class Writer implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong batches = new AtomicLong();
        final ReentrantLock gate = new ReentrantLock();
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
                    picked.add(random.nextInt(model.size()));
                }
                List<Integer> which = new ArrayList<>(picked);
                List<String> values = new ArrayList<>();
                List<Request.BatchItem> items = new ArrayList<>();
                for (int k : which) {
                    String v = random.nextInt(5) == 0 ? null : "v" + round + "_" + k;
                    values.add(v);
                    byte[] key = model.keys().get(k);
                    items.add(v == null ? Request.BatchItem.delete(key) : Request.BatchItem.put(key, v.getBytes(UTF_8)));
                }
                gate.lock();
                try {
                    BatchResult r = cluster.batchPut(items);
                    for (int i = 0; i < which.size(); i++) {
                        model.written(which.get(i), values.get(i), r.result(i) == ErrorCode.OK);
                    }
                    batches.incrementAndGet();
                } finally {
                    gate.unlock();
                }
            }
        }
    }

    /** Reads 200 random keys nobody writes, through a random node, until stopped; the first miss is kept. */
    static final class Reader implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong reads = new AtomicLong();
        final AtomicReference<String> failure = new AtomicReference<>();
        private final AmDbCluster cluster;
        private final SplittableRandom random;

        Reader(AmDbCluster cluster, SplittableRandom random) {
            this.cluster = cluster;
            this.random = random;
        }

        @Override
        public void run() {
            try {
                while (!stop.get() && failure.get() == null) {
                    int[] picked = random.ints(200, 0, STATIC).toArray();
                    List<byte[]> keys = new ArrayList<>();
                    for (int i : picked) {
                        keys.add(("static_" + i).getBytes(UTF_8));
                    }
                    List<AmDbNode> nodes = cluster.nodes();
                    AmDbNode via = nodes.get(random.nextInt(nodes.size()));
                    Response r = cluster.call(via, new Request.MGet(keys)).get(WAIT_S, TimeUnit.SECONDS);
                    if (!(r instanceof Response.Values v)) {
                        failure.set("MGET via " + via.config().nodeId() + " failed: " + r);
                        return;
                    }
                    for (int j = 0; j < picked.length; j++) {
                        byte[] value = v.values().get(j);
                        if (value == null || !new String(value, UTF_8).equals("static_value_" + picked[j])) {
                            failure.set("static_" + picked[j] + " read " + (value == null ? null : new String(value, UTF_8)));
                            return;
                        }
                    }
                    reads.addAndGet(picked.length);
                }
            } catch (Exception e) {
                failure.compareAndSet(null, e.toString());
            }
        }
    }
}
