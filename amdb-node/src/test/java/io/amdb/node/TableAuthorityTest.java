package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.cluster.HazelcastConfigs;
import io.amdb.node.config.NodeConfig;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.PartitionTableCodec;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Only the table log's leader decides the table: a process that merely joined the Hazelcast cluster cannot
 * install one, and a second process under a member's node id is refused before it does anything.
 */
class TableAuthorityTest {
    private static final long WAIT_S = 120; // hang guard, not a timing assertion
    private static final int KEYS = 2_000;

    private final String cluster = "amdb-authority-" + UUID.randomUUID();
    private final List<String> join = new ArrayList<>();
    private final List<Integer> hzPorts = new ArrayList<>();
    private final List<AmDbNode> nodes = new ArrayList<>();
    private Vertx rogue;

    @BeforeEach
    void ports() throws Exception {
        for (int port : TestPorts.free(4)) {
            hzPorts.add(port);
            join.add("127.0.0.1:" + port);
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        if (rogue != null) {
            rogue.close().await(WAIT_S, TimeUnit.SECONDS);
        }
        for (AmDbNode n : nodes) {
            TestNodes.stop(n);
        }
    }

    private NodeConfig config(String id, int i) {
        return TestNodes.unreplicated().withCluster(cluster, id, hzPorts.get(i), join);
    }

    private PartitionTable startThree() throws Exception {
        for (int i = 0; i < 3; i++) {
            nodes.add(TestNodes.start(config("node-" + i, i)));
        }
        return awaitMembersOf(3);
    }

    private static byte[] key(int k) {
        return ("key-" + k).getBytes(UTF_8);
    }

    private void putAll() throws Exception {
        List<Request.BatchItem> items = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            items.add(Request.BatchItem.put(key(k), ("v" + k).getBytes(UTF_8)));
        }
        Response.Statuses s = assertInstanceOf(Response.Statuses.class, TestNodes.run(nodes.get(0), new Request.Batch(items)));
        assertTrue(s.statuses().stream().allMatch(st -> st == ErrorCode.OK), s.toString());
    }

    private void assertEveryKey() throws Exception {
        for (AmDbNode via : nodes) {
            for (int k = 0; k < KEYS; k += 7) {
                Response r = TestNodes.run(via, new Request.Get(key(k)));
                assertArrayEquals(("v" + k).getBytes(UTF_8), assertInstanceOf(Response.Value.class, r).value(),
                        "key " + k + " via " + via.config().nodeId());
            }
        }
    }

    /**
     * The rogue-member case: a plain Hazelcast member that knows only the cluster name publishes a table with the
     * highest epoch there is, giving every partition to one node, and then a table in which every partition is
     * LOST. No node installs either; every acknowledged write still reads back, and the next real change (a
     * join) is committed as usual.
     */
    @Test
    void rogueMember_publishesTables_noNodeInstallsThem() throws Exception {
        PartitionTable settled = startThree();
        putAll();
        rogue = Vertx.builder().withClusterManager(new HazelcastClusterManager(
                HazelcastConfigs.create(cluster, "127.0.0.1", hzPorts.get(3), join))).buildClustered()
                .await(WAIT_S, TimeUnit.SECONDS);
        Member victim = settled.members().get(0);
        PartitionTable takeover = new PartitionTable(Long.MAX_VALUE / 2, settled.partitions(), List.of(victim),
                new int[settled.partitions()], List.of());
        int[] lost = new int[settled.partitions()];
        java.util.Arrays.fill(lost, PartitionTable.LOST);
        PartitionTable allLost = new PartitionTable(Long.MAX_VALUE / 2 + 1, settled.partitions(), settled.members(),
                lost, List.of());
        for (PartitionTable forged : List.of(takeover, allLost)) {
            rogue.eventBus().publish("amdb.table.publish", Buffer.buffer(PartitionTableCodec.encode(forged)));
        }
        // A request after the publication, on every node, is answered from the committed table: the forged
        // tables were not installed (had one been, half of these reads would be WRONG_OWNER or PARTITION_LOST).
        assertEveryKey();
        for (AmDbNode n : nodes) {
            assertEquals(settled.epoch(), n.table().epoch(), n.config().nodeId() + " installed a forged table");
        }

        nodes.add(TestNodes.start(config("node-3", 3)));
        PartitionTable grown = awaitMembersOf(4);
        assertTrue(grown.epoch() > settled.epoch() && grown.epoch() < takeover.epoch(), grown.toString());
        assertEveryKey();
    }

    /** A second process started under a live member's node id is refused, and the cluster goes on as before. */
    @Test
    void duplicateNodeId_isRefusedAtJoin_clusterUnchanged() throws Exception {
        PartitionTable settled = startThree();
        putAll();
        Exception refused = assertThrows(Exception.class, () -> TestNodes.start(config("node-1", 3)));
        assertTrue(String.valueOf(refused.getMessage()).contains("node id node-1 is already used"), refused.getMessage());
        for (AmDbNode n : nodes) {
            assertEquals(settled, n.table(), n.config().nodeId());
        }
        // The cluster still handles a real failure: node-2 stops without handing off, and its partitions are
        // reported LOST (not silently empty) by the others.
        TestNodes.stop(nodes.remove(2));
        PartitionTable after = awaitMembersOf(2);
        assertEquals(settled.partitionsOf("node-2").length, after.lostPartitions());
    }

    /** Polls (bounded) until every node holds the same table with {@code n} members and no migration. */
    private PartitionTable awaitMembersOf(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (System.nanoTime() < deadline) {
            PartitionTable first = nodes.get(0).table();
            boolean same = nodes.stream().allMatch(x -> x.table() != null && x.table().equals(first));
            if (same && first.members().size() == n && first.migrations().isEmpty()) {
                return first;
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling interval, bounded by the deadline
        }
        throw new AssertionError("no settled table with " + n + " members: " + nodes.stream().map(AmDbNode::table).toList());
    }
}
