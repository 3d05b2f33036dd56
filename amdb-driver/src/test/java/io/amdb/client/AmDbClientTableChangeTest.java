package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Opcode;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Partitioner;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.amdb.client.TestSupport.await;
import static io.amdb.client.TestSupport.awaitFailure;
import static io.amdb.client.TestSupport.bytes;
import static io.amdb.client.TestSupport.keys;
import static io.amdb.client.TestSupport.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partition moves (the fake cluster's cutover: data copied, epoch + 1), WRONG_OWNER, table refresh and
 * bounded retries. Cluster: three nodes, 16 partitions, p owned by node p mod 3.
 */
@Timeout(60)
class AmDbClientTableChangeTest {
    private FakeCluster cluster;
    private AmDbClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void start() throws Exception {
        cluster = new FakeCluster(3, 16);
        client = AmDbClient.connect(cluster.seeds(), ClientOptions.DEFAULTS);
    }

    /** Partitions of n0 that the test moves: half of them. */
    private int[] someOfNode0() {
        return IntStream.range(0, 16).filter(p -> p % 3 == 0 && p % 2 == 0).toArray();
    }

    @Test
    void move_writesAndReadsAfterCutover_refreshOnceAndLoseNothing() throws Exception {
        start();
        List<byte[]> keys = keys(400);
        writeAll(keys, "v1");
        int[] moved = someOfNode0();
        cluster.move(moved, cluster.node(1));
        writeAll(keys, "v2"); // pipelined; the ones routed to n0 meet WRONG_OWNER and are resent to n1
        List<byte[]> values = await(client.mget(keys));
        for (int i = 0; i < keys.size(); i++) {
            assertEquals("v2", string(values.get(i)), "key " + i);
            assertEquals("v2", string(cluster.ownerOf(keys.get(i)).store.get(keys.get(i))), "owner's copy " + i);
        }
        assertEquals(2, await(client.table()).epoch());
        for (byte[] k : keys) {
            if (cluster.ownerOf(k) != cluster.node(0)) {
                assertNull(cluster.node(0).store.get(k), "moved away from n0");
            }
        }
        assertEquals(1, tableRequestsAfterConnect(), "one refresh, shared by every request that met WRONG_OWNER");
    }

    @Test
    void move_getOnMovedKey_oldOwnerAnswersWrongOwnerThenNewOwnerServes() throws Exception {
        start();
        byte[] key = keyIn(someOfNode0()[0]);
        await(client.put(key, bytes("before")));
        cluster.move(someOfNode0(), cluster.node(1));
        int oldOwnerGets = cluster.node(0).answered(Opcode.GET);
        assertEquals("before", string(await(client.get(key))));
        assertEquals(oldOwnerGets + 1, cluster.node(0).answered(Opcode.GET), "one WRONG_OWNER from n0");
        assertEquals(1, cluster.node(1).answered(Opcode.GET), "then served by n1");
        assertEquals(2, cluster.node(1).lastRequestEpoch(), "resent with the new epoch");
    }

    @Test
    void move_casOnMovedKey_oldOwnerAnswersWrongOwnerThenNewOwnerDecidesOnTheSameVersion() throws Exception {
        start();
        byte[] key = keyIn(someOfNode0()[0]);
        await(client.put(key, bytes("before")));
        long read = await(client.getVersioned(key)).version();
        cluster.move(someOfNode0(), cluster.node(1));
        Response.Swapped swapped = await(client.compareAndSet(key, Request.Condition.version(read), bytes("after")));
        assertTrue(swapped.applied(), swapped.toString());
        assertEquals(1, cluster.node(0).answered(Opcode.CAS), "one WRONG_OWNER from n0: nothing applied there");
        assertEquals(1, cluster.node(1).answered(Opcode.CAS), "resent once, decided by n1");
        assertEquals("after", string(cluster.node(1).store.get(key)));
        assertEquals(swapped.version(), await(client.getVersioned(key)).version());
    }

    @Test
    void move_batchWithPerItemWrongOwner_retriesOnlyThoseItems() throws Exception {
        start();
        cluster.nodes.forEach(n -> n.wrongOwnerPerItem = true);
        List<byte[]> keys = keys(100);
        cluster.move(someOfNode0(), cluster.node(1));
        List<Request.BatchItem> items = keys.stream().map(k -> Request.BatchItem.put(k, k)).toList();
        List<ErrorCode> statuses = await(client.batch(items));
        assertEquals(keys.stream().map(k -> ErrorCode.OK).toList(), statuses);
        for (byte[] k : keys) {
            assertEquals(string(k), string(cluster.ownerOf(k).store.get(k)));
        }
    }

    @Test
    void move_toNewMember_clientConnectsToItAndServesItsKeys() throws Exception {
        start();
        FakeNode added = cluster.addNode();
        byte[] key = keyIn(someOfNode0()[0]);
        await(client.put(key, bytes("v1")));
        cluster.move(someOfNode0(), added);
        await(client.put(key, bytes("v2")));
        assertEquals("v2", string(added.store.get(key)));
        assertEquals("v2", string(await(client.get(key))));
        assertEquals(4, await(client.table()).members().size());
    }

    @Test
    void responseWithNewerEpoch_noWrongOwner_refreshesInTheBackground() throws Exception {
        start();
        PartitionTable t = cluster.table();
        cluster.setTable(new PartitionTable(t.epoch() + 1, t.partitions(), t.members(),
                AmDbClientRoutingTest.owners(t), List.of()));
        await(client.ping()); // answered by n0 with epoch 2 in its header
        assertTrue(cluster.node(0).awaitTableRequests(2), "the connect fetch, then the background one");
        assertEquals(2, await(client.refreshTable()).epoch());
    }

    /**
     * The seed, asked first for the table, answers with the table it had before the move (a node cut off from the
     * others, or catching up): the client asks the next node instead of retrying with the old table until it gives up.
     */
    @Test
    void move_seedAnswersAnOlderTable_refreshAsksAnotherNodeAndTheRequestSucceeds() throws Exception {
        start();
        int p = someOfNode0()[0];
        byte[] key = keys(2000).stream().filter(k -> new Partitioner(16).partition(k) == p).findFirst().orElseThrow();
        await(client.put(key, bytes("v1")));
        cluster.node(0).tableAnswer = cluster.table();
        cluster.move(new int[] {p}, cluster.node(2));
        assertEquals("v1", string(await(client.get(key))));
        await(client.put(key, bytes("v2")));
        assertEquals("v2", string(cluster.node(2).store.get(key)));
        assertEquals(cluster.table().epoch(), await(client.table()).epoch());
    }

    @Test
    void refreshTable_afterSwap_returnsAndCachesTheNewTable() throws Exception {
        start();
        cluster.move(someOfNode0(), cluster.node(2));
        PartitionTable fresh = await(client.refreshTable());
        assertEquals(cluster.table(), fresh);
        assertEquals(fresh, await(client.table()));
    }

    /**
     * A refresh looks for a newer table than the client's; when none exists yet, the live nodes answer with the same
     * one and the refresh completes with it, even if the last node it asks fails (ReplicationProcessIT saw a refresh
     * fail right after a kill -9: the killed node was the last one asked).
     */
    @Test
    void refreshTable_noNewerTableAnywhere_lastNodeAskedFails_completesWithTheCurrentTable() throws Exception {
        start();
        for (int i = 1; i < 3; i++) {
            cluster.node(i).tableFailure = new Response.Error(ErrorCode.INTERNAL_ERROR, "going down");
        }
        assertEquals(cluster.table(), await(client.refreshTable()));
    }

    @Test
    void alwaysWrongOwner_get_failsWithWrongOwnerAfterThreeAttempts() throws Exception {
        FakeNode node = new FakeNode(FakeNode.Mode.NORMAL);
        try (node; AmDbClient c = TestSupport.connect(node, ClientOptions.DEFAULTS)) {
            node.alwaysWrongOwner = true;
            AmDbException e = awaitFailure(c.get(bytes("k")), ErrorCode.WRONG_OWNER);
            assertTrue(e.getMessage().contains("after " + Dispatcher.MAX_ATTEMPTS + " attempts"), e.getMessage());
            assertEquals(Dispatcher.MAX_ATTEMPTS, node.answered(Opcode.GET));
            assertEquals(1 + Dispatcher.MAX_ATTEMPTS - 1, node.answered(Opcode.TABLE), "a refresh before each resend");
            List<ErrorCode> statuses = await(c.batch(List.of(Request.BatchItem.put(bytes("a"), bytes("1")))));
            assertEquals(List.of(ErrorCode.WRONG_OWNER), statuses);
            assertEquals(Dispatcher.MAX_ATTEMPTS, node.answered(Opcode.BATCH));
            awaitFailure(c.mget(List.of(bytes("a"))), ErrorCode.WRONG_OWNER);
            node.alwaysWrongOwner = false;
            await(c.put(bytes("k"), bytes("v"))); // the client is still usable
        }
    }

    private void writeAll(List<byte[]> keys, String value) throws Exception {
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        for (byte[] k : keys) {
            puts.add(client.put(k, bytes(value)));
        }
        for (CompletableFuture<Void> f : puts) {
            await(f);
        }
    }

    private byte[] keyIn(int partition) {
        PartitionTable t = cluster.table();
        return keys(1000).stream().filter(k -> t.partitionOf(k) == partition).findFirst().orElseThrow();
    }

    private int tableRequestsAfterConnect() {
        return cluster.nodes.stream().mapToInt(n -> n.answered(Opcode.TABLE)).sum() - 1;
    }
}
