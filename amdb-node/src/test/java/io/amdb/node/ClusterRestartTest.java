package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.config.NodeConfig;
import io.amdb.node.config.StorageConfig;
import io.amdb.node.persist.Durability;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable nodes in a cluster (in one JVM, real Hazelcast): a node that stops without handing off and comes
 * back on its data directory gets its LOST partitions back; a whole cluster stopped and started again returns
 * with the same owners and every acknowledged write; an operator can accept a loss. When every member leaves at
 * once (SIGTERM of a whole cluster), all stop without waiting out the leave timeout and come back with every write.
 */
class ClusterRestartTest {
    private static final int KEYS = 5_000;
    private static final long WAIT_S = 120; // hang guard, not a timing assertion

    @TempDir
    Path dirs;

    private final String cluster = "amdb-restart-" + UUID.randomUUID();
    private final List<String> join = new ArrayList<>();
    private final List<Integer> hzPorts = new ArrayList<>();
    private final AmDbNode[] nodes = new AmDbNode[3];
    private Future<AmDbNode> pending;

    @BeforeEach
    void hazelcastPorts() throws Exception {
        for (int i = 0; i < 3; i++) {
            int hz = TestNodes.freePort();
            hzPorts.add(hz);
            join.add("127.0.0.1:" + hz);
        }
    }

    /** Starts node-0, node-1 and node-2 in turn and returns the balanced table they settle on. */
    private PartitionTable startAll() throws Exception {
        for (int i = 0; i < 3; i++) {
            nodes[i] = TestNodes.start(config(i));
        }
        return await(t -> t.members().size() == 3 && t.migrations().isEmpty(), nodes);
    }

    @AfterEach
    void stopAll() throws Exception {
        if (pending != null) { // a start that had not finished when the test failed: stop it once it does
            pending.onSuccess(AmDbNode::stop);
        }
        for (AmDbNode n : nodes) {
            TestNodes.stop(n);
        }
    }

    @Test
    void crashAndRestart_partitionsComeBack_wholeClusterRestart_sameOwnersAndEveryWrite_thenAcceptLoss() throws Exception {
        PartitionTable balanced = startAll();
        putAll(nodes[0], "v");

        // node-1 stops without handing anything off: its partitions are LOST, and the table says whose they were.
        TestNodes.stop(nodes[1]);
        nodes[1] = null;
        PartitionTable lost = await(t -> t.members().size() == 2 && t.lostPartitions() > 0, nodes);
        assertEquals(balanced.partitionsOf("node-1").length, lost.lostPartitions());
        for (int p = 0; p < lost.partitions(); p++) {
            assertEquals(lost.isLost(p) ? "node-1" : null, lost.lostFrom(p), "partition " + p);
        }
        Response refused = run(nodes[0], new Request.Get(keyIn(lost, "node-1", balanced)));
        assertEquals(ErrorCode.PARTITION_LOST, assertInstanceOf(Response.Error.class, refused).code());

        // Back on its directory (at a new address): it claims them and gets exactly them back.
        nodes[1] = TestNodes.start(config(1));
        PartitionTable back = await(t -> t.members().size() == 3 && t.lostPartitions() == 0 && t.migrations().isEmpty(), nodes);
        assertSameOwners(balanced, back);
        assertEveryKey(nodes[2]);

        // The whole cluster stops, and starts again in another order: same owners, every write.
        for (int i = 0; i < 3; i++) {
            TestNodes.stop(nodes[i]);
            nodes[i] = null;
        }
        startTogether(2, 0, 1); // a restarted member serves once a majority of the table log's voters is back
        PartitionTable again = await(t -> t.members().size() == 3 && t.lostPartitions() == 0 && t.migrations().isEmpty(), nodes);
        assertSameOwners(balanced, again);
        assertEveryKey(nodes[0]);

        // node-2 stops for good; the operator accepts the loss: its partitions are served again, empty.
        TestNodes.stop(nodes[2]);
        nodes[2] = null;
        PartitionTable gone = await(t -> t.members().size() == 2 && t.lostPartitions() > 0, nodes);
        assertEquals(gone.lostPartitions(), TestNodes.onContext(nodes[0], nodes[0]::acceptLoss));
        await(t -> t.lostPartitions() == 0, nodes);
        assertNull(assertInstanceOf(Response.Value.class, run(nodes[0], new Request.Get(keyIn(gone, "node-2", balanced))))
                .value(), "accepted as empty");
    }

    /**
     * The stale member starts first: node-0 stopped, the others went on and the operator gave its partitions
     * away (new writes went there), then they stopped too. node-0 comes back first with its old saved table;
     * it must not serve its old copies: the cluster waits for the newest saved table's members, and then every
     * write made after node-0 left reads back with its latest value.
     */
    @Test
    void staleMemberRestartsFirst_newestSavedTableWins_noStaleRead() throws Exception {
        startAll();
        putAll(nodes[1], "old");
        TestNodes.stop(nodes[0]);
        nodes[0] = null;
        await(t -> t.members().size() == 2 && t.lostPartitions() > 0, nodes);
        TestNodes.onContext(nodes[1], nodes[1]::acceptLoss);
        await(t -> t.lostPartitions() == 0 && t.migrations().isEmpty(), nodes);
        putAll(nodes[1], "new"); // node-0's old partitions now hold "new" on node-1 and node-2
        TestNodes.stop(nodes[1]);
        nodes[1] = null;
        TestNodes.stop(nodes[2]);
        nodes[2] = null;

        java.util.concurrent.CountDownLatch waits = new java.util.concurrent.CountDownLatch(1);
        java.util.logging.Logger tableLog = java.util.logging.Logger.getLogger(io.amdb.node.cluster.TableService.class.getName());
        java.util.logging.Handler watcher = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getMessage().startsWith("node-0 waits for the table log")) {
                    waits.countDown();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        tableLog.addHandler(watcher);
        Future<AmDbNode> first = AmDbNode.start(config(0)); // first, with its old table and its old copies
        pending = first;
        try {
            assertTrue(waits.await(WAIT_S, TimeUnit.SECONDS), "node-0 never reported that it waits for the table log");
        } finally {
            tableLog.removeHandler(watcher);
        }
        // Alone it cannot reach the table log's quorum: it has not started, so it never served its old table.
        assertFalse(first.isComplete(), "node-0 started without a quorum of the table log");
        startTogether(1, 2);
        nodes[0] = first.await(WAIT_S, TimeUnit.SECONDS);
        pending = null;
        await(t -> t.members().size() == 3 && t.lostPartitions() == 0 && t.migrations().isEmpty(), nodes);
        assertEveryKey(nodes[0], "new");
    }

    /** A cluster started fresh without its old members must not take an old member in: it would drop its data. */
    @Test
    void memberWithNewerSavedTableThanTheCluster_refusesToJoin_andKeepsItsData() throws Exception {
        nodes[1] = TestNodes.start(config(1));
        nodes[2] = TestNodes.start(config(2));
        await(t -> t.members().size() == 2 && t.migrations().isEmpty(), nodes);
        putAll(nodes[1], "v");
        for (int i = 1; i < 3; i++) {
            TestNodes.stop(nodes[i]);
            nodes[i] = null;
        }
        nodes[0] = TestNodes.start(config(0)); // a node with no data of this cluster starts it afresh
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> TestNodes.start(config(1)));
        assertTrue(String.valueOf(refused.getMessage()).contains("belongs to table group"),
                String.valueOf(refused.getMessage()));
        TestNodes.stop(nodes[0]);
        nodes[0] = null;
        startTogether(1, 2); // with their data: the cluster they formed comes back
        await(t -> t.members().size() == 2 && t.lostPartitions() == 0 && t.migrations().isEmpty(), nodes);
        assertEveryKey(nodes[1], "v");
    }

    /**
     * Starts these members at once (in this order) and waits for all: a member restarted on its data directory
     * starts serving only once a majority of the table log's voters is back, so one at a time would never end.
     */
    private void startTogether(int... which) throws Exception {
        List<Future<AmDbNode>> starting = new ArrayList<>();
        for (int i : which) {
            starting.add(AmDbNode.start(config(i)));
        }
        for (int j = 0; j < which.length; j++) {
            nodes[which[j]] = starting.get(j).await(WAIT_S, TimeUnit.SECONDS);
        }
    }

    private static void putAll(AmDbNode via, String prefix) throws Exception {
        List<Request.BatchItem> items = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            items.add(Request.BatchItem.put(key(k), (prefix + k).getBytes(UTF_8)));
        }
        Response.Statuses statuses = assertInstanceOf(Response.Statuses.class, run(via, new Request.Batch(items)));
        assertTrue(statuses.statuses().stream().allMatch(st -> st == ErrorCode.OK), statuses.toString());
    }

    @Test
    void everyMemberLeavesAtOnce_allStopBeforeTheLeaveTimeout_restartServesEveryWrite() throws Exception {
        startAll();
        putAll(nodes[0], "v");

        // SIGTERM of the whole cluster: the first to ask may hear that others stay, then they ask too.
        List<Future<Void>> leaves = new ArrayList<>();
        for (AmDbNode n : nodes) {
            leaves.add(n.leave(TimeUnit.MINUTES.toMillis(10)));
        }
        for (int i = 0; i < 3; i++) {
            leaves.get(i).await(WAIT_S / 2, TimeUnit.SECONDS); // far below the 10 min leave timeout
            nodes[i] = null;
        }

        startTogether(1, 2, 0);
        await(t -> t.members().size() == 3 && t.lostPartitions() == 0 && t.migrations().isEmpty(), nodes);
        assertEveryKey(nodes[1]);
    }

    private NodeConfig config(int i) {
        return TestNodes.unreplicated().withCluster(cluster, "node-" + i, hzPorts.get(i), join)
                .withStorage(StorageConfig.durable(Durability.ASYNC, dirs.resolve("node-" + i)));
    }

    private static byte[] key(int k) {
        return ("key-" + k).getBytes(UTF_8);
    }

    /** A key whose partition {@code owner} owned in {@code before}. */
    private static byte[] keyIn(PartitionTable table, String owner, PartitionTable before) {
        for (int k = 0; k < KEYS; k++) {
            Member m = before.owner(table.partitionOf(key(k)));
            if (m != null && m.nodeId().equals(owner)) {
                return key(k);
            }
        }
        throw new AssertionError(owner + " owned no key's partition");
    }

    private static void assertSameOwners(PartitionTable expected, PartitionTable actual) {
        for (int p = 0; p < expected.partitions(); p++) {
            assertEquals(expected.owner(p).nodeId(), actual.owner(p).nodeId(), "owner of partition " + p);
        }
    }

    private static void assertEveryKey(AmDbNode via) throws Exception {
        assertEveryKey(via, "v");
    }

    private static void assertEveryKey(AmDbNode via, String prefix) throws Exception {
        List<byte[]> keys = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            keys.add(key(k));
        }
        for (int from = 0; from < KEYS; from += 1_000) {
            Response r = run(via, new Request.MGet(keys.subList(from, from + 1_000)));
            List<byte[]> values = assertInstanceOf(Response.Values.class, r, r.toString()).values();
            for (int i = 0; i < values.size(); i++) {
                assertArrayEquals((prefix + (from + i)).getBytes(UTF_8), values.get(i), "key-" + (from + i));
            }
        }
    }

    private static PartitionTable await(Predicate<PartitionTable> done, AmDbNode... nodes) throws Exception {
        return TestNodes.awaitTable(done, WAIT_S, nodes);
    }

    private static Response run(AmDbNode node, Request request) throws Exception {
        return TestNodes.run(node, request);
    }
}
