package io.amdb.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real Hazelcast on loopback: two clustered Vert.x instances built from this config find each other. */
class HazelcastConfigsTest {

    private static Vertx clustered(String name, int port, List<String> members) throws Exception {
        HazelcastClusterManager manager = new HazelcastClusterManager(
                HazelcastConfigs.create(name, "127.0.0.1", port, members));
        return Vertx.builder()
                .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
                .withClusterManager(manager)
                .buildClustered()
                .await(60, TimeUnit.SECONDS);
    }

    @Test
    void create_twoNodesOnLoopback_formOneCluster() throws Exception {
        String name = "amdb-test-" + UUID.randomUUID();
        int[] ports = io.amdb.node.TestPorts.free(2);
        int p1 = ports[0];
        int p2 = ports[1];
        List<String> members = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2);
        Vertx a = clustered(name, p1, members);
        Vertx b = null;
        try {
            HazelcastClusterManager ma = (HazelcastClusterManager) ((io.vertx.core.internal.VertxInternal) a).clusterManager();
            CompletableFuture<String> joined = new CompletableFuture<>();
            ma.nodeListener(new io.vertx.core.spi.cluster.NodeListener() {
                @Override
                public void nodeAdded(String nodeID) {
                    joined.complete(nodeID);
                }

                @Override
                public void nodeLeft(String nodeID) {
                }
            });
            b = clustered(name, p2, members);
            HazelcastClusterManager mb = (HazelcastClusterManager) ((io.vertx.core.internal.VertxInternal) b).clusterManager();
            assertEquals(mb.getNodeId(), joined.get(60, TimeUnit.SECONDS));
            Set<String> expected = new TreeSet<>(List.of(ma.getNodeId(), mb.getNodeId()));
            assertEquals(expected, new TreeSet<>(ma.getNodes()));
            assertEquals(expected, new TreeSet<>(mb.getNodes()));
            assertTrue(ma.clusterHost().equals("127.0.0.1") || ma.clusterHost().startsWith("127."), ma.clusterHost());
        } finally {
            if (b != null) {
                b.close().await(60, TimeUnit.SECONDS);
            }
            a.close().await(60, TimeUnit.SECONDS);
        }
    }
}
