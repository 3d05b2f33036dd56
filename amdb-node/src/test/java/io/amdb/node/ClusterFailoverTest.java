package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.amdb.protocol.TestSeed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The coordinator dies in the middle of a rebalance: three nodes hold data, a fourth joins, and while the
 * partitions are moving the oldest node (the coordinator, and a source of moves) stops without handing
 * anything off. The survivors must converge on one table (same epoch, same content, nothing left moving),
 * report exactly the dead node's partitions LOST, and every acknowledged write outside them must read back
 * with its latest value. A writer keeps writing through a survivor throughout. Seeded (printed).
 */
@ExtendWith(TestSeed.class)
class ClusterFailoverTest {
    private static final int KEYS = 20_000;
    private static final long WAIT_S = 120; // hang guard, not a timing assertion
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(WAIT_S);

    @Test
    void coordinatorDiesMidRebalance_survivorsConverge_onlyItsPartitionsAreLost() throws Exception {
        long seed = TestSeed.get();
        System.out.println("ClusterFailoverTest seed " + seed);
        try (AmDbCluster cluster = AmDbCluster.start(3, TestNodes.unreplicated())) {
            cluster.awaitBalanced(WAIT);
            AckedWrites model = new AckedWrites(KEYS);
            assertTrue(cluster.batchPut(model.items(0, KEYS)).success());
            AmDbNode via = cluster.nodes().get(1); // a survivor forwards the writer's requests
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong batches = new AtomicLong();
            Thread writer = new Thread(() -> write(cluster, via, model, new SplittableRandom(seed), stop, batches));
            writer.start();
            try {
                cluster.addNode();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
                while (cluster.table().migrations().isEmpty() && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(1); // polling, bounded: the join's moves are planned
                }
                long t0 = System.nanoTime();
                cluster.stopNode("node-1"); // the coordinator, with moves in flight
                long t1 = System.nanoTime();
                cluster.awaitBalanced(WAIT);
                System.out.printf("node-1 stopped in %d ms; survivors converged %d ms later%n",
                        (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
            } finally {
                stop.set(true);
                writer.join(TimeUnit.SECONDS.toMillis(WAIT_S));
            }
            assertTrue(batches.get() > 0, "the writer wrote while the cluster changed");
            PartitionTable table = cluster.table();
            assertTrue(table.lostPartitions() > 0, "node-1 owned partitions: they are LOST, not silently empty");
            for (int p = 0; p < table.partitions(); p++) {
                assertTrue(table.isLost(p) || !table.owner(p).nodeId().equals("node-1"), "partition " + p);
            }
            List<Integer> served = new ArrayList<>();
            int lostChecked = 0;
            for (int k = 0; k < KEYS; k++) {
                byte[] key = model.keys().get(k);
                if (!table.isLost(table.partitionOf(key))) {
                    served.add(k);
                } else if (lostChecked++ < 100) {
                    Response r = cluster.call(via, new Request.Get(key)).get(WAIT_S, TimeUnit.SECONDS);
                    assertEquals(ErrorCode.PARTITION_LOST, assertInstanceOf(Response.Error.class, r, "key_" + k).code());
                }
            }
            List<byte[]> values = cluster.getAll(served.stream().map(model.keys()::get).toList());
            for (int i = 0; i < served.size(); i++) {
                model.check(served.get(i), values.get(i), "after failover");
            }
            int checked = served.size();
            System.out.printf("lost %d partitions; %d keys checked; writer %d batches, %d keys unsure%n",
                    table.lostPartitions(), checked, batches.get(), model.unsureCount());
        }
    }

    private static void write(AmDbCluster cluster, AmDbNode via, AckedWrites model, SplittableRandom random,
            AtomicBoolean stop, AtomicLong batches) {
        for (long round = 0; !stop.get() && round < 1_000_000; round++) {
            Set<Integer> picked = new HashSet<>();
            while (picked.size() < 100) {
                picked.add(random.nextInt(KEYS));
            }
            List<Integer> which = new ArrayList<>(picked);
            List<Request.BatchItem> items = new ArrayList<>();
            for (int k : which) {
                items.add(Request.BatchItem.put(model.keys().get(k), ("v" + round + "_" + k).getBytes(UTF_8)));
            }
            Response r;
            try {
                r = cluster.call(via, new Request.Batch(items)).get(WAIT_S, TimeUnit.SECONDS);
            } catch (Exception e) {
                r = null;
            }
            for (int i = 0; i < which.size(); i++) {
                boolean ok = r instanceof Response.Statuses s && s.statuses().get(i) == ErrorCode.OK;
                model.written(which.get(i), "v" + round + "_" + which.get(i), ok);
            }
            batches.incrementAndGet();
        }
    }
}
