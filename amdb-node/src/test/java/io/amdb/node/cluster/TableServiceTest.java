package io.amdb.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.ring.PlacementPolicy;
import io.amdb.node.ring.TablePlanner;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Three real clustered nodes agree on one table; when the coordinator (the oldest, owner of every
 * partition while no migration engine moves data) dies, the next oldest takes over and reports its
 * partitions LOST rather than empty.
 */
class TableServiceTest {
    private static final int P = 64;
    private static final long WAIT_S = 60; // hang guard, not a timing assertion

    private record Node(Vertx vertx, Member member, AtomicReference<PartitionTable> table) {}

    private static Node start(String cluster, int hzPort, List<String> seeds, Member self) throws Exception {
        EventBusOptions bus = new EventBusOptions().setHost("127.0.0.1").setPort(0)
                .setClusterNodeMetadata(HazelcastMembership.metadata(self));
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventBusOptions(bus))
                .withClusterManager(new HazelcastClusterManager(HazelcastConfigs.create(cluster, "127.0.0.1", hzPort, seeds)))
                .buildClustered().await(WAIT_S, TimeUnit.SECONDS);
        AtomicReference<PartitionTable> table = new AtomicReference<>();
        vertx.deployVerticle(new TableService(self, P, new TablePlanner(PlacementPolicy.DEFAULT), table::set))
                .await(WAIT_S, TimeUnit.SECONDS);
        return new Node(vertx, self, table);
    }

    /** Polls (bounded) until every node's table satisfies {@code ok}; returns the first node's. */
    private static PartitionTable awaitAll(List<Node> nodes, Predicate<PartitionTable> ok) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (System.nanoTime() < deadline) {
            if (nodes.stream().allMatch(n -> n.table().get() != null && ok.test(n.table().get()))) {
                return nodes.get(0).table().get();
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling interval, bounded by the deadline
        }
        throw new AssertionError("tables never converged: " + nodes.stream().map(n -> n.table().get()).toList());
    }

    private static Set<String> ids(PartitionTable t) {
        Set<String> ids = new java.util.TreeSet<>();
        t.members().forEach(m -> ids.add(m.nodeId()));
        return ids;
    }

    @Test
    void threeNodes_thenCoordinatorDies_nextOldestTakesOverAndReportsLost() throws Exception {
        String cluster = "amdb-test-" + UUID.randomUUID();
        int[] ports = io.amdb.node.TestPorts.free(3);
        List<String> seeds = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2]);
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(start(cluster, ports[i], seeds, new Member("n" + i, "127.0.0.1", 7100 + i)));
            }
            PartitionTable all = awaitAll(nodes, t -> ids(t).equals(Set.of("n0", "n1", "n2")));
            assertEquals(P, all.partitionsOf("n0").length, "the first node owns everything until data can move");
            assertFalse(all.migrations().isEmpty(), "moves to the joiners are planned");
            assertEquals(0, all.lostPartitions());

            nodes.remove(0).vertx().close().await(WAIT_S, TimeUnit.SECONDS);
            PartitionTable after = awaitAll(nodes, t -> ids(t).equals(Set.of("n1", "n2")));
            assertTrue(after.epoch() > all.epoch());
            assertEquals(P, after.lostPartitions(), "the dead owner's partitions are LOST, not silently empty");
        } finally {
            for (Node n : nodes) {
                n.vertx().close().await(WAIT_S, TimeUnit.SECONDS);
            }
        }
    }
}
