package io.amdb.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amdb.node.ring.Membership;
import io.amdb.protocol.Member;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Real Hazelcast on loopback: members advertised in event-bus metadata are seen by the others, joins and
 * leaves reach the listener on the chosen context, and a node that stops is removed.
 */
class HazelcastMembershipTest {
    private static final long WAIT_S = 60; // hang guards, not timing assertions

    private static Vertx node(String cluster, int hzPort, List<String> members, Member self) throws Exception {
        EventBusOptions bus = new EventBusOptions().setHost("127.0.0.1").setPort(0)
                .setClusterNodeMetadata(HazelcastMembership.metadata(self));
        return Vertx.builder().with(new VertxOptions().setEventBusOptions(bus))
                .withClusterManager(new HazelcastClusterManager(HazelcastConfigs.create(cluster, "127.0.0.1", hzPort, members)))
                .buildClustered().await(WAIT_S, TimeUnit.SECONDS);
    }

    private static <T> T onContext(Context ctx, java.util.function.Supplier<T> read) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        ctx.runOnContext(v -> f.complete(read.get()));
        return f.get(WAIT_S, TimeUnit.SECONDS);
    }

    @Test
    void start_threeNodesJoinThenOneStops_listenerSeesJoinsAndLeaveOnContext() throws Exception {
        String cluster = "amdb-test-" + UUID.randomUUID();
        int[] ports = io.amdb.node.TestPorts.free(3);
        List<String> seeds = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2]);
        Member a = new Member("a", "127.0.0.1", 7001);
        Member b = new Member("b", "127.0.0.1", 7002);
        Member c = new Member("c", "127.0.0.1", 7003);
        List<Vertx> started = new ArrayList<>();
        try {
            Vertx va = node(cluster, ports[0], seeds, a);
            started.add(va);
            Context ctx = va.getOrCreateContext();
            HazelcastMembership membership = HazelcastMembership.start(va,
                    ((VertxInternal) va).clusterManager(), ctx).await(WAIT_S, TimeUnit.SECONDS);
            assertEquals(List.of(a), onContext(ctx, membership::members));
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            ctx.runOnContext(v -> membership.setListener(new Membership.Listener() {
                @Override
                public void memberAdded(Member m) {
                    events.add((Vertx.currentContext() == ctx ? "" : "OFF-CONTEXT ") + "+" + m.nodeId());
                }

                @Override
                public void memberRemoved(Member m) {
                    events.add((Vertx.currentContext() == ctx ? "" : "OFF-CONTEXT ") + "-" + m.nodeId());
                }
            }));
            started.add(node(cluster, ports[1], seeds, b));
            Vertx vc = node(cluster, ports[2], seeds, c);
            started.add(vc);
            Set<String> joined = new TreeSet<>();
            while (joined.size() < 2) {
                joined.add(events.poll(WAIT_S, TimeUnit.SECONDS));
            }
            assertEquals(Set.of("+b", "+c"), joined);
            assertEquals(Set.of(a, b, c), Set.copyOf(onContext(ctx, membership::members)));

            vc.close().await(WAIT_S, TimeUnit.SECONDS);
            started.remove(vc);
            assertEquals("-c", events.poll(WAIT_S, TimeUnit.SECONDS));
            assertEquals(Set.of(a, b), Set.copyOf(onContext(ctx, membership::members)));
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close().await(WAIT_S, TimeUnit.SECONDS);
            }
        }
    }
}
