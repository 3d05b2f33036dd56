package io.amdb.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.consensus.TableGroup;
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
 * Three real clustered nodes, each with its replica of the table log, agree on one committed table; when the
 * coordinator (the log's leader, its founder) dies, another voter is elected, takes over and reports the dead
 * node's partitions LOST rather than empty.
 */
class TableServiceTest {
    private static final int P = 64;
    private static final long WAIT_S = 60; // hang guard, not a timing assertion

    private record Node(Vertx vertx, Member member, AtomicReference<PartitionTable> table, TableGroup log) {
        void stop() throws Exception {
            vertx.close().await(WAIT_S, TimeUnit.SECONDS);
            log.close();
        }
    }

    private static Node start(String cluster, int hzPort, List<String> seeds, Member self) throws Exception {
        TableService.Relay relay = new TableService.Relay();
        TableGroup log = TableGroup.start(self.nodeId() + "~t", "127.0.0.1", 0, null, relay);
        EventBusOptions bus = new EventBusOptions().setHost("127.0.0.1").setPort(0)
                .setClusterNodeMetadata(HazelcastMembership.metadata(self, new java.util.BitSet(),
                        new HazelcastMembership.Replica(log.self().getId().toString(), log.self().getAddress(), null),
                        "rack-" + self.nodeId()));
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventBusOptions(bus))
                .withClusterManager(new HazelcastClusterManager(HazelcastConfigs.create(cluster, "127.0.0.1", hzPort, seeds)))
                .buildClustered().await(WAIT_S, TimeUnit.SECONDS);
        AtomicReference<PartitionTable> table = new AtomicReference<>();
        vertx.deployVerticle(new TableService(self, P,
                new io.amdb.node.config.ReplicationConfig(2, 1, "rack-" + self.nodeId()), new TablePlanner(PlacementPolicy.DEFAULT), log, relay, table::set, why -> { }))
                .await(WAIT_S, TimeUnit.SECONDS);
        return new Node(vertx, self, table, log);
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

    private static void awaitVoters(Node node, int voters) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (node.log().conf().voters().size() != voters) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the table group never had " + voters + " voters: " + node.log().conf());
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling interval, bounded by the deadline
        }
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
            assertEquals(0, all.lostPartitions());
            assertEquals(2, all.replicationFactor(), "the founder's --replication-factor");
            for (Member m : all.members()) {
                assertEquals("rack-" + m.nodeId(), all.replicaSets().rack(all.memberIndex(m.nodeId())),
                        "each member's --rack, from its Hazelcast metadata");
            }
            for (int p = 0; p < all.partitions(); p++) {
                assertEquals(2, all.replicas(p).size(), "partition " + p + ": a backup on another member");
            }
            awaitVoters(nodes.get(0), 3); // a 2-voter group cannot lose a voter: wait for the third
            int n0Owned = all.partitionsOf("n0").length; // no migration engine here: nothing moves off n0

            nodes.remove(0).stop();
            PartitionTable after = awaitAll(nodes, t -> ids(t).equals(Set.of("n1", "n2")));
            assertTrue(after.epoch() > all.epoch());
            assertEquals(n0Owned, after.lostPartitions(), "the dead owner's partitions are LOST, not silently empty");
        } finally {
            for (Node n : nodes) {
                n.stop();
            }
        }
    }
}
