package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Opcode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static io.amdb.client.TestSupport.await;
import static io.amdb.client.TestSupport.bytes;
import static io.amdb.client.TestSupport.closedPort;
import static io.amdb.client.TestSupport.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** connect(seeds): failover across seed hosts, the table fetched at connect, the epoch requests carry. */
@Timeout(60)
class AmDbClientSeedsTest {
    private FakeNode node;
    private AmDbClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void connect_deadSeedThenLiveSeed_usesTheLiveOne() throws Exception {
        node = new FakeNode(FakeNode.Mode.NORMAL);
        String dead = "127.0.0.1:" + closedPort();
        client = AmDbClient.connect(List.of(dead, node.seed()), ClientOptions.DEFAULTS);
        await(client.put(bytes("k"), bytes("v")));
        assertEquals("v", string(await(client.get(bytes("k")))));
        assertEquals("v", string(node.store.get(bytes("k"))));
        assertEquals("fake", await(client.info()).get("node_id"));
    }

    @Test
    void connect_noSeedAnswers_throwsConnectionLostNamingEachSeed() throws Exception {
        String a = "127.0.0.1:" + closedPort();
        String b = "127.0.0.1:" + closedPort();
        AmDbException e = assertThrows(AmDbException.class,
                () -> AmDbClient.connect(List.of(a, b), ClientOptions.DEFAULTS));
        assertEquals(ErrorCode.CONNECTION_LOST, e.code());
        assertTrue(e.getMessage().startsWith("cannot connect to any of [" + a + ", " + b + "]: " + a + ": "),
                e.getMessage());
        assertTrue(e.getMessage().contains("; " + b + ": "), e.getMessage());
    }

    @Test
    void connect_firstSeedNeverAnswersTable_usesTheNextOne() throws Exception {
        node = new FakeNode(FakeNode.Mode.NORMAL);
        try (FakeNode hung = new FakeNode(FakeNode.Mode.NORMAL)) {
            hung.tableSilent = true;
            client = AmDbClient.connect(List.of(hung.seed(), node.seed()),
                    ClientOptions.builder().connectTimeout(Duration.ofMillis(200)).build());
            assertEquals("fake", await(client.info()).get("node_id"));
            assertEquals(0, hung.answered(Opcode.TABLE));
            assertEquals(1, node.answered(Opcode.TABLE));
        }
    }

    @Test
    void connect_badSeed_throwsIllegalArgumentWithoutConnecting() {
        assertThrows(IllegalArgumentException.class, () -> AmDbClient.connect(List.of(), ClientOptions.DEFAULTS));
        assertThrows(IllegalArgumentException.class,
                () -> AmDbClient.connect(List.of("::1:7070"), ClientOptions.DEFAULTS));
    }

    @Test
    void connect_standaloneNode_fetchesItsTableOnceAndRoutesWithIt() throws Exception {
        node = new FakeNode(FakeNode.Mode.NORMAL);
        client = TestSupport.connect(node, ClientOptions.DEFAULTS);
        assertEquals(1, node.answered(Opcode.TABLE));
        assertEquals(node.member(), await(client.table()).members().get(0));
        assertEquals(1, await(client.table()).epoch());
        assertEquals(1, node.answered(Opcode.TABLE), "table() answers from the cache");
    }

    @Test
    void requests_afterConnect_carryTheTableEpochInTheirHeader() throws Exception {
        node = new FakeNode(FakeNode.Mode.NORMAL);
        client = TestSupport.connect(node, ClientOptions.DEFAULTS);
        await(client.put(bytes("k"), bytes("v")));
        assertEquals(1, node.lastRequestEpoch());
        await(client.batch(List.of(io.amdb.protocol.Request.BatchItem.delete(bytes("k")))));
        assertEquals(1, node.lastRequestEpoch());
    }

    @Test
    void connect_seedSpelledAsTheTableSpellsIt_opensNoExtraConnections() throws Exception {
        node = new FakeNode(FakeNode.Mode.NORMAL);
        client = AmDbClient.connect(List.of(node.seed()), ClientOptions.builder().connectionsPerNode(3).build());
        await(client.ping());
        assertEquals(3, node.acceptedConnections());
    }
}
