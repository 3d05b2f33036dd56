package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client may hold a newer table than the node it talks to (a cutover the node has not installed yet). The
 * node then waits for its table to catch up instead of answering WRONG_OWNER, and requests sent after the
 * waiting one, on the same connection, still run after it.
 */
class NodeCatchUpTest {
    private AmDbNode node;

    @BeforeEach
    void startNode() throws Exception {
        node = TestNodes.start(TestNodes.config());
    }

    @AfterEach
    void stopNode() throws Exception {
        TestNodes.stop(node);
    }

    @Test
    void requestRoutedWithNewerTable_waitsForIt_andLaterRequestsKeepTheirOrder() throws Exception {
        byte[] key = "catchup:k".getBytes(UTF_8);
        PartitionTable start = node.table();
        int p = start.partitionOf(key);
        node.installTable(withOwner(start, p, 1)); // epoch+1: "other" owns the key's partition
        long behind = node.table().epoch();
        try (RawClient c = new RawClient(node.port())) {
            // The client already has epoch+2, where this node owns the key again; the node does not yet.
            int first = c.send(new Request.Put(key, "first".getBytes(UTF_8)), behind + 1);
            int second = c.send(new Request.Put(key, "second".getBytes(UTF_8)), behind + 1);
            int third = c.send(new Request.Get(key), behind); // routed with the old table, sent after: waits too
            awaitWaiting(1);
            node.installTable(withOwner(node.table(), p, 0));
            assertEquals(first, reply(c, Response.DONE));
            assertEquals(second, reply(c, Response.DONE));
            RawClient.Reply r = c.read();
            assertEquals(third, r.header().requestId());
            assertArrayEquals("second".getBytes(UTF_8), ((Response.Value) r.response()).value(), r.response().toString());
        }
    }

    /** Polls INFO on another connection (bounded) until this many exchanges wait for the table. */
    private void awaitWaiting(int n) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        try (RawClient other = new RawClient(node.port())) {
            while (!Integer.toString(n).equals(((Response.Info) other.call(new Request.Info())).fields()
                    .get("requests_waiting_for_table"))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the node never held the request back for its table to catch up");
                }
                java.util.concurrent.TimeUnit.MILLISECONDS.sleep(5); // polling interval, bounded by the deadline
            }
        }
    }

    private static int reply(RawClient c, Response expected) throws Exception {
        RawClient.Reply r = c.read();
        assertEquals(expected, r.response());
        return r.header().requestId();
    }

    /** The next epoch, with partition {@code p} owned by member {@code owner} (0: this node, 1: "other"). */
    private PartitionTable withOwner(PartitionTable t, int p, int owner) {
        List<Member> members = List.of(new Member(node.config().nodeId(), "127.0.0.1", node.port()),
                new Member("other", "127.0.0.1", 1));
        int[] owners = new int[t.partitions()];
        owners[p] = owner;
        return new PartitionTable(t.epoch() + 1, t.partitions(), members, owners, List.of());
    }
}
