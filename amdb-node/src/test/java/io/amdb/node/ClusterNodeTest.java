package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.amdb.node.config.NodeConfig;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Three clustered nodes in one JVM (real Hazelcast, loopback): they serve under one table, fence keys they
 * do not own, and when the owner dies the survivors report its partitions LOST instead of empty.
 * Data does not move between nodes yet, so the first node owns every partition.
 */
class ClusterNodeTest {
    private static final long WAIT_S = 60; // hang guard, not a timing assertion

    private static void awaitTables(List<AmDbNode> nodes, Predicate<PartitionTable> ok) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (!nodes.stream().allMatch(n -> ok.test(n.table()))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("tables never converged: " + nodes.stream().map(AmDbNode::table).toList());
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling interval, bounded by the deadline
        }
    }

    @Test
    void threeNodes_ownerServesOthersFence_thenOwnerDiesAndPartitionsAreLost() throws Exception {
        String cluster = "amdb-test-" + UUID.randomUUID();
        int[] ports = TestPorts.free(6); // Hazelcast ports and protocol ports, drawn together: never the same
        int[] hz = {ports[0], ports[1], ports[2]};
        List<String> join = List.of("127.0.0.1:" + hz[0], "127.0.0.1:" + hz[1], "127.0.0.1:" + hz[2]);
        List<AmDbNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                NodeConfig c = TestNodes.config().withPort(ports[3 + i]).withCluster(cluster, "n" + i, hz[i], join);
                nodes.add(TestNodes.start(c));
            }
            awaitTables(nodes, t -> t.members().size() == 3);
            byte[] key = "cluster:k".getBytes(UTF_8);
            try (RawClient owner = new RawClient(nodes.get(0).port()); RawClient other = new RawClient(nodes.get(1).port())) {
                assertEquals(Response.DONE, owner.call(new Request.Put(key, "v".getBytes(UTF_8))));
                assertArrayEquals("v".getBytes(UTF_8), ((Response.Value) owner.call(new Request.Get(key))).value());
                Response.Error fenced = assertInstanceOf(Response.Error.class, other.call(new Request.Get(key)));
                assertEquals(ErrorCode.WRONG_OWNER, fenced.code(), fenced.message());
            }

            TestNodes.stop(nodes.remove(0));
            awaitTables(nodes, t -> t.members().size() == 2);
            assertEquals(nodes.get(0).config().partitions(), nodes.get(0).table().lostPartitions());
            try (RawClient survivor = new RawClient(nodes.get(0).port())) {
                Response.Error lost = assertInstanceOf(Response.Error.class, survivor.call(new Request.Get(key)));
                assertEquals(ErrorCode.PARTITION_LOST, lost.code(), lost.message());
            }
        } finally {
            for (AmDbNode n : nodes) {
                TestNodes.stop(n);
            }
        }
    }
}
