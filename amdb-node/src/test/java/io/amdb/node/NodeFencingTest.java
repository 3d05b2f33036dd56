package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Partitioner;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fencing by the partition table: a node answers only for partitions its table gives it; keys of another
 * owner get WRONG_OWNER naming it, keys of a lost partition PARTITION_LOST — never a silent miss.
 */
class NodeFencingTest {
    private static AmDbNode node;
    private static PartitionTable table;

    /** Partition p: p % 4 == 3 is LOST, odd otherwise belongs to "other", even to this node. */
    @BeforeAll
    static void startNode() throws Exception {
        node = TestNodes.start(TestNodes.config());
        int p = node.config().partitions();
        int[] owners = new int[p];
        for (int i = 0; i < p; i++) {
            owners[i] = i % 4 == 3 ? PartitionTable.LOST : i % 2;
        }
        table = new PartitionTable(2, p, List.of(new Member(node.config().nodeId(), "127.0.0.1", node.port()),
                new Member("other", "127.0.0.1", 1)), owners, List.of());
        node.installTable(table);
        MINE = keyWhere(i -> i % 2 == 0);
        OTHERS = keyWhere(i -> i % 4 == 1);
        LOST = keyWhere(i -> i % 4 == 3);
    }

    @AfterAll
    static void stopNode() throws Exception {
        TestNodes.stop(node);
    }

    private static byte[] keyWhere(IntPredicate partition) {
        Partitioner partitioner = new Partitioner(node.config().partitions());
        for (int i = 0; ; i++) {
            byte[] key = ("fence:" + i).getBytes(UTF_8);
            if (partition.test(partitioner.partition(key))) {
                return key;
            }
        }
    }

    private static byte[] MINE;
    private static byte[] OTHERS;
    private static byte[] LOST;

    private static ErrorCode code(Response r) {
        return assertInstanceOf(Response.Error.class, r).code();
    }

    @Test
    void pointOps_byOwnership_servedOrFenced() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            assertEquals(Response.DONE, c.call(new Request.Put(MINE, "v".getBytes(UTF_8))));
            Response.Error wrong = (Response.Error) c.call(new Request.Put(OTHERS, "v".getBytes(UTF_8)));
            assertEquals(ErrorCode.WRONG_OWNER, wrong.code());
            assertTrue(wrong.message().contains("other") && wrong.message().contains("epoch 2"), wrong.message());
            assertEquals(ErrorCode.PARTITION_LOST, code(c.call(new Request.Get(LOST))));
            assertEquals(ErrorCode.WRONG_OWNER, code(c.call(new Request.Delete(OTHERS))));
        }
    }

    @Test
    void batch_mixedOwners_statusPerItem() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            Response.Statuses s = (Response.Statuses) c.call(new Request.Batch(List.of(
                    Request.BatchItem.put(MINE, new byte[1]), Request.BatchItem.put(OTHERS, new byte[1]),
                    Request.BatchItem.delete(LOST))));
            assertEquals(List.of(ErrorCode.OK, ErrorCode.WRONG_OWNER, ErrorCode.PARTITION_LOST), s.statuses());
        }
    }

    @Test
    void mgetAndScan_notAllOwned_fencedWhole() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            assertEquals(ErrorCode.WRONG_OWNER, code(c.call(new Request.MGet(List.of(MINE, OTHERS)))));
            assertEquals(ErrorCode.WRONG_OWNER, code(c.call(new Request.Scan(new byte[0], new byte[0], 10))));
        }
    }

    @Test
    void table_afterInstall_newEpochInBodyAndHeaders() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            c.send(new Request.Table());
            RawClient.Reply reply = c.read();
            assertEquals(2, reply.header().epoch());
            assertEquals(table, ((Response.Table) reply.response()).table());
            node.installTable(new PartitionTable(1, table.partitions(), table.members(), new int[table.partitions()],
                    List.of()));
            assertEquals(2, node.table().epoch(), "an older table is ignored");
        }
    }
}
