package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Opcode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.amdb.client.TestSupport.await;
import static io.amdb.client.TestSupport.awaitFailure;
import static io.amdb.client.TestSupport.bytes;
import static io.amdb.client.TestSupport.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips of every operation against a well-behaved fake node. */
@Timeout(60)
class AmDbClientOperationsTest {
    private FakeNode node;
    private AmDbClient client;

    @BeforeEach
    void start() throws Exception {
        node = new FakeNode(FakeNode.Mode.NORMAL);
        client = TestSupport.connect(node, ClientOptions.DEFAULTS);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        node.close();
    }

    @Test
    void ping_connectedNode_completes() throws Exception {
        assertNull(await(client.ping()));
    }

    @Test
    void get_absentKey_returnsNull() throws Exception {
        assertNull(await(client.get(bytes("missing"))));
    }

    @Test
    void putThenGet_sameKey_returnsStoredValue() throws Exception {
        await(client.put(bytes("k"), bytes("v1")));
        await(client.put(bytes("k"), bytes("v2")));
        assertEquals("v2", string(await(client.get(bytes("k")))));
    }

    @Test
    void put_emptyValue_isStoredAsEmptyNotAbsent() throws Exception {
        await(client.put(bytes("k"), new byte[0]));
        assertArrayEquals(new byte[0], await(client.get(bytes("k"))));
    }

    @Test
    void delete_existingThenAbsentKey_reportsWhetherItExisted() throws Exception {
        await(client.put(bytes("k"), bytes("v")));
        assertTrue(await(client.delete(bytes("k"))));
        assertFalse(await(client.delete(bytes("k"))));
        assertNull(await(client.get(bytes("k"))));
    }

    @Test
    void mget_presentAndAbsentKeys_returnsValuesInRequestOrderWithNulls() throws Exception {
        await(client.put(bytes("a"), bytes("1")));
        await(client.put(bytes("c"), bytes("3")));
        List<byte[]> values = await(client.mget(List.of(bytes("c"), bytes("b"), bytes("a"))));
        assertEquals(Arrays.asList("3", null, "1"), values.stream().map(TestSupport::string).toList());
    }

    @Test
    void batch_putsAndDeletes_returnsOneStatusPerItemAndAppliesValidItems() throws Exception {
        await(client.put(bytes("gone"), bytes("x")));
        List<ErrorCode> statuses = await(client.batch(List.of(
                Request.BatchItem.put(bytes("a"), bytes("1")),
                Request.BatchItem.put(new byte[0], bytes("bad")),
                Request.BatchItem.delete(bytes("gone")))));
        assertEquals(List.of(ErrorCode.OK, ErrorCode.KEY_EMPTY, ErrorCode.OK), statuses);
        assertEquals("1", string(await(client.get(bytes("a")))));
        assertNull(await(client.get(bytes("gone"))));
    }

    @Test
    void scan_boundedRangeWithLimit_returnsFirstPageInKeyOrderAndNext() throws Exception {
        for (String k : List.of("d", "a", "c", "b", "e")) {
            await(client.put(bytes(k), bytes(k.toUpperCase())));
        }
        Response.ScanPage page = await(client.scan(bytes("b"), bytes("e"), 2));
        assertEquals(List.of("b=B", "c=C"), entries(page));
        assertArrayEquals(bytes('c', 0), page.next());
        Response.ScanPage rest = await(client.scan(page.next(), bytes("e"), 2));
        assertEquals(List.of("d=D"), entries(rest));
        assertNull(rest.next());
    }

    @Test
    void scan_unboundedRange_returnsAllEntriesWithoutNext() throws Exception {
        await(client.put(bytes("x"), bytes("1")));
        await(client.put(bytes("y"), bytes("2")));
        Response.ScanPage page = await(client.scan(new byte[0], new byte[0], 100));
        assertEquals(List.of("x=1", "y=2"), entries(page));
        assertNull(page.next());
    }

    @Test
    void scan_limitZero_failsWithInvalidArgumentWithoutSending() throws Exception {
        awaitFailure(client.scan(new byte[0], new byte[0], 0), ErrorCode.INVALID_ARGUMENT);
        await(client.ping());
    }

    @Test
    void info_node_returnsFieldsInOrder() throws Exception {
        Map<String, String> info = await(client.info());
        assertEquals(List.of("node_id", "protocol_version", "keys"), List.copyOf(info.keySet()));
        assertEquals("fake", info.get("node_id"));
    }

    @Test
    void send_genericRequest_returnsDecodedResponse() throws Exception {
        await(client.put(bytes("k"), bytes("v")));
        Response response = await(client.send(new Request.Get(bytes("k"))));
        assertEquals("v", string(assertInstanceOf(Response.Value.class, response).value()));
    }

    @Test
    void binaryKeysAndValues_zeroAndFfBytes_roundTripAndSortUnsigned() throws Exception {
        List<byte[]> keys = List.of(bytes(0xFF), bytes(0x80), bytes(0x00, 0xFF, 0x00), bytes(0x7F), bytes(0x00));
        for (byte[] k : keys) {
            await(client.put(k, bytes(0xFF, 0x00, k[0] & 0xFF, 0x00)));
        }
        for (byte[] k : keys) {
            assertArrayEquals(bytes(0xFF, 0x00, k[0] & 0xFF, 0x00), await(client.get(k)));
        }
        List<byte[]> scanned = await(client.scan(new byte[0], new byte[0], 10)).entries().stream()
                .map(Response.Entry::key).toList();
        List<byte[]> expected = List.of(bytes(0x00), bytes(0x00, 0xFF, 0x00), bytes(0x7F), bytes(0x80), bytes(0xFF));
        assertEquals(expected.size(), scanned.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), scanned.get(i), "key " + i);
        }
    }

    @Test
    void get_emptyKey_failsWithAmDbExceptionCarryingNodeCodeAndMessage() throws Exception {
        AmDbException e = awaitFailure(client.get(new byte[0]), ErrorCode.KEY_EMPTY);
        assertEquals("key empty", e.getMessage());
        await(client.ping()); // a request error leaves the connection usable
    }

    @Test
    void put_frameAboveMaxFrameBytes_failsWithFrameTooLargeAndClientStaysUsable() throws Exception {
        try (AmDbClient small = TestSupport.connect(node, ClientOptions.builder().maxFrameBytes(1024).build())) {
            awaitFailure(small.put(bytes("k"), new byte[2048]), ErrorCode.FRAME_TOO_LARGE);
            await(small.put(bytes("k"), new byte[512]));
            assertEquals(512, await(small.get(bytes("k"))).length);
        }
    }

    @Test
    void getVersioned_absentKey_nullAtVersionZero() throws Exception {
        Response.Versioned r = await(client.getVersioned(bytes("missing")));
        assertNull(r.value());
        assertEquals(0, r.version());
    }

    @Test
    void compareAndSet_onTheVersionRead_appliesOnceThenTheStaleVersionFails() throws Exception {
        await(client.put(bytes("k"), bytes("v1")));
        Response.Versioned read = await(client.getVersioned(bytes("k")));
        assertEquals("v1", string(read.value()));
        assertTrue(read.version() >= 1, read.toString());
        Response.Swapped swapped = await(client.compareAndSet(bytes("k"), Request.Condition.version(read.version()), bytes("v2")));
        assertTrue(swapped.applied());
        assertTrue(swapped.version() > read.version(), swapped.toString());
        Response.Swapped stale = await(client.compareAndSet(bytes("k"), Request.Condition.version(read.version()), bytes("v3")));
        assertEquals(new Response.Swapped(false, swapped.version()), stale);
        assertEquals("v2", string(await(client.get(bytes("k")))));
    }

    @Test
    void compareAndSet_onValueThenDelete_appliesOnlyWhileTheValueMatches() throws Exception {
        await(client.put(bytes("k"), bytes("a")));
        assertFalse(await(client.compareAndSet(bytes("k"), Request.Condition.value(bytes("b")), bytes("c"))).applied());
        assertTrue(await(client.compareAndSet(bytes("k"), Request.Condition.value(bytes("a")), bytes("b"))).applied());
        assertFalse(await(client.compareAndSet(bytes("k"), Request.Condition.value(bytes("a")), null)).applied());
        assertEquals(new Response.Swapped(true, 0),
                await(client.compareAndSet(bytes("k"), Request.Condition.value(bytes("b")), null)));
        assertNull(await(client.get(bytes("k"))));
    }

    @Test
    void putIfAbsent_absentThenPresentKey_writesOnlyTheFirstValue() throws Exception {
        assertTrue(await(client.putIfAbsent(bytes("k"), bytes("first"))));
        assertFalse(await(client.putIfAbsent(bytes("k"), bytes("second"))));
        assertEquals("first", string(await(client.get(bytes("k")))));
    }

    @Test
    void send_getVersionAndCas_returnTheirDecodedResponses() throws Exception {
        Response cas = await(client.send(new Request.Cas(bytes("k"), Request.Condition.absent(), bytes("v"))));
        long version = assertInstanceOf(Response.Swapped.class, cas).version();
        Response got = await(client.send(new Request.GetVersion(bytes("k"))));
        assertEquals(version, assertInstanceOf(Response.Versioned.class, got).version());
    }

    @Test
    void compareAndSet_emptyKey_failsWithTheNodesKeyEmpty() throws Exception {
        awaitFailure(client.compareAndSet(new byte[0], Request.Condition.absent(), bytes("v")), ErrorCode.KEY_EMPTY);
        awaitFailure(client.getVersioned(new byte[0]), ErrorCode.KEY_EMPTY);
        await(client.ping());
    }

    @Test
    void compareAndSet_frameAboveMaxFrameBytes_failsWithoutSendingAndClientStaysUsable() throws Exception {
        try (AmDbClient small = TestSupport.connect(node, ClientOptions.builder().maxFrameBytes(1024).build())) {
            awaitFailure(small.compareAndSet(bytes("k"), Request.Condition.value(new byte[2048]), bytes("v")),
                    ErrorCode.FRAME_TOO_LARGE);
            awaitFailure(small.putIfAbsent(bytes("k"), new byte[2048]), ErrorCode.FRAME_TOO_LARGE);
            assertTrue(await(small.putIfAbsent(bytes("k"), new byte[512])));
        }
        assertEquals(1, node.answered(Opcode.CAS), "only the small one was sent");
    }

    @Test
    void operations_nullArguments_throwNullPointerException() {
        assertThrows(NullPointerException.class, () -> client.get(null));
        assertThrows(NullPointerException.class, () -> client.put(bytes("k"), null));
        assertThrows(NullPointerException.class, () -> client.mget(Arrays.asList(bytes("a"), null)));
        assertThrows(NullPointerException.class, () -> client.send(new Request.Delete(null)));
        assertThrows(NullPointerException.class, () -> client.getVersioned(null));
        assertThrows(NullPointerException.class, () -> client.compareAndSet(null, Request.Condition.absent(), bytes("v")));
        assertThrows(NullPointerException.class, () -> client.compareAndSet(bytes("k"), null, bytes("v")));
        assertThrows(NullPointerException.class, () -> client.putIfAbsent(bytes("k"), null));
    }

    private static List<String> entries(Response.ScanPage page) {
        return page.entries().stream().map(e -> string(e.key()) + "=" + string(e.value())).toList();
    }
}
