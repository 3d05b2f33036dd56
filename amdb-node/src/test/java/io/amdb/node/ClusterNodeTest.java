package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.amdb.node.config.NodeConfig;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Three clustered nodes in one JVM (real Hazelcast, loopback): once the partitions have spread, any node
 * answers an unrouted request (it coordinates), a request routed with the table is fenced by the node that
 * does not own the key (WRONG_OWNER), and when an owner dies without handing off, the survivors report its
 * partitions LOST instead of empty.
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
    void threeNodes_anyNodeForwardsOwnersFence_thenOwnerDiesAndPartitionsAreLost() throws Exception {
        String cluster = "amdb-test-" + UUID.randomUUID();
        // Hazelcast ports must be named up front; protocol ports are 0 (each node holds its free port until it
        // binds it: a port drawn here and bound seconds later could meanwhile be taken by an outgoing socket).
        int[] hz = TestPorts.free(3);
        List<String> join = List.of("127.0.0.1:" + hz[0], "127.0.0.1:" + hz[1], "127.0.0.1:" + hz[2]);
        List<AmDbNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                NodeConfig c = TestNodes.unreplicated().withCluster(cluster, "n" + i, hz[i], join);
                nodes.add(TestNodes.start(c));
            }
            awaitTables(nodes, t -> t.members().size() == 3 && t.migrations().isEmpty());
            byte[] key = "cluster:k".getBytes(UTF_8);
            PartitionTable table = nodes.get(0).table();
            String ownerId = table.ownerOf(key).nodeId();
            AmDbNode owner = nodes.stream().filter(n -> n.config().nodeId().equals(ownerId)).findFirst().orElseThrow();
            AmDbNode other = nodes.stream().filter(n -> n != owner).findFirst().orElseThrow();
            try (RawClient viaOther = new RawClient(other.port()); RawClient viaOwner = new RawClient(owner.port())) {
                assertEquals(Response.DONE, viaOther.call(new Request.Put(key, "v".getBytes(UTF_8))));
                for (AmDbNode n : nodes) {
                    try (RawClient c = new RawClient(n.port())) {
                        assertArrayEquals("v".getBytes(UTF_8), ((Response.Value) c.call(new Request.Get(key))).value());
                    }
                }
                assertArrayEquals("v".getBytes(UTF_8),
                        ((Response.Value) viaOwner.call(new Request.Get(key), table.epoch())).value());
                Response.Error fenced = assertInstanceOf(Response.Error.class,
                        viaOther.call(new Request.Get(key), table.epoch()));
                assertEquals(ErrorCode.WRONG_OWNER, fenced.code(), fenced.message());

                // Conditional writes: forwarded (epoch 0) to the owner, which decides them; fenced when routed.
                Response.Versioned read = assertInstanceOf(Response.Versioned.class,
                        viaOther.call(new Request.GetVersion(key)));
                assertArrayEquals("v".getBytes(UTF_8), read.value());
                Request.Cas swap = new Request.Cas(key, Request.Condition.version(read.version()), "w".getBytes(UTF_8));
                Response.Swapped applied = assertInstanceOf(Response.Swapped.class, viaOther.call(swap));
                assertEquals(true, applied.applied(), applied.toString());
                assertEquals(new Response.Swapped(false, applied.version()), viaOther.call(swap), "a stale version");
                assertEquals(applied.version(), assertInstanceOf(Response.Versioned.class,
                        viaOwner.call(new Request.GetVersion(key), table.epoch())).version());
                Response.Error fencedCas = assertInstanceOf(Response.Error.class, viaOther.call(swap, table.epoch()));
                assertEquals(ErrorCode.WRONG_OWNER, fencedCas.code(), fencedCas.message());
                assertEquals(new Response.Swapped(false, applied.version()), viaOwner.call(swap, table.epoch()));
            }

            int owned = table.partitionsOf(ownerId).length;
            nodes.remove(owner);
            TestNodes.stop(owner); // a stop without leave: nothing is handed off
            awaitTables(nodes, t -> t.members().size() == 2);
            assertEquals(owned, nodes.get(0).table().lostPartitions());
            try (RawClient survivor = new RawClient(nodes.get(0).port())) {
                Response.Error lost = assertInstanceOf(Response.Error.class, survivor.call(new Request.Get(key)));
                assertEquals(ErrorCode.PARTITION_LOST, lost.code(), lost.message());
                Response.Info info = (Response.Info) survivor.call(new Request.Info());
                assertEquals(Integer.toString(owned), info.fields().get("partitions_lost"));

                // Forwarded BATCH: a status per item, LOST only where the partition is lost.
                PartitionTable now = nodes.get(0).table();
                List<Request.BatchItem> items = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    items.add(Request.BatchItem.put(("lost:" + i).getBytes(UTF_8), "x".getBytes(UTF_8)));
                }
                Response.Statuses statuses = assertInstanceOf(Response.Statuses.class, survivor.call(new Request.Batch(items)));
                for (int i = 0; i < items.size(); i++) {
                    boolean isLost = now.isLost(now.partitionOf(items.get(i).key()));
                    assertEquals(isLost ? ErrorCode.PARTITION_LOST : ErrorCode.OK, statuses.statuses().get(i), "item " + i);
                }
                Response.Error scan = assertInstanceOf(Response.Error.class, survivor.call(new Request.Scan(new byte[0], new byte[0], 10)));
                assertEquals(ErrorCode.PARTITION_LOST, scan.code(), "a scan would silently miss the lost keys");
            }

            // A malformed piece from a peer fails that message only; the node keeps serving.
            AmDbNode peer = nodes.get(0);
            CompletableFuture<Throwable> refused = new CompletableFuture<>();
            peer.vertx().eventBus().request("amdb.peer." + peer.config().nodeId(), Buffer.buffer(new byte[] {1, 2, 3}))
                    .onComplete(ar -> refused.complete(ar.cause()));
            ReplyException bad = assertInstanceOf(ReplyException.class, refused.get(WAIT_S, TimeUnit.SECONDS));
            assertEquals(io.amdb.node.cluster.PeerFailure.MALFORMED.code(), bad.failureCode(), bad.getMessage());
            try (RawClient c = new RawClient(peer.port())) {
                assertEquals(Response.DONE, c.call(new Request.Ping()));
            }

            // A piece that reaches its owner after the sender's deadline (held in a cut connection, delivered
            // once the network healed) is answered TIMEOUT and not run: the sender told its client TIMEOUT, and
            // a late write would overwrite the client's later ones. Sent with epoch 0 to the node itself.
            byte[] lateKey = null;
            for (int i = 0; lateKey == null; i++) { // a key the receiving node owns: it would run the piece itself
                byte[] k = ("late-piece-" + i).getBytes(UTF_8);
                Member keyOwner = peer.table().owner(peer.table().partitionOf(k));
                lateKey = keyOwner != null && keyOwner.nodeId().equals(peer.config().nodeId()) ? k : null;
            }
            io.amdb.protocol.WireWriter w = new io.amdb.protocol.WireWriter(64);
            w.u8(1).i64(System.currentTimeMillis() - 1);
            io.amdb.protocol.RequestCodec.encode(w, 0, 0, new Request.Put(lateKey, "late".getBytes(UTF_8)));
            CompletableFuture<Buffer> lateReply = new CompletableFuture<>();
            peer.vertx().eventBus().<Buffer>request("amdb.peer." + peer.config().nodeId(), Buffer.buffer(w.toByteArray()))
                    .onComplete(ar -> lateReply.complete(ar.succeeded() ? ar.result().body() : null));
            byte[] b = lateReply.get(WAIT_S, TimeUnit.SECONDS).getBytes();
            io.amdb.protocol.FrameHeader h = io.amdb.protocol.FrameHeader.parse(b, 0, b.length);
            Response late = io.amdb.protocol.ResponseCodec.decode(h, new io.amdb.protocol.WireReader(b,
                    io.amdb.protocol.Wire.HEADER_BYTES, b.length - io.amdb.protocol.Wire.HEADER_BYTES));
            assertEquals(ErrorCode.TIMEOUT, assertInstanceOf(Response.Error.class, late).code(), late.toString());
            assertNull(assertInstanceOf(Response.Value.class, TestNodes.run(peer, new Request.Get(lateKey))).value(),
                    "a piece past its deadline was run");
        } finally {
            for (AmDbNode n : nodes) {
                TestNodes.stop(n);
            }
        }
    }
}
