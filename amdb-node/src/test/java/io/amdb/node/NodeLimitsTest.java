package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.amdb.protocol.WireWriter;
import io.amdb.protocol.WireWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every limit at its value and at value+1, on a node configured with small limits; and the rule that a
 * per-request error leaves the connection usable while a framing error closes only that connection.
 */
class NodeLimitsTest {
    private static final Limits SMALL = new Limits(16, 64, 4096, 10, 5);
    private static final int MAX_CONNECTIONS = 4;
    private static AmDbNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNodes.start(TestNodes.config().withLimits(SMALL).withMaxConnections(MAX_CONNECTIONS));
    }

    @AfterAll
    static void stopNode() throws Exception {
        TestNodes.stop(node);
    }

    private static void assertError(ErrorCode expected, Response response) {
        Response.Error error = assertInstanceOf(Response.Error.class, response);
        assertEquals(expected, error.code(), error.message());
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 'k');
        return b;
    }

    @Test
    void put_keyAtLimitThenLimitPlusOne_acceptsThenKeyTooLargeAndStaysUsable() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            assertEquals(Response.DONE, c.call(new Request.Put(bytes(16), "v".getBytes(UTF_8))));
            assertError(ErrorCode.KEY_TOO_LARGE, c.call(new Request.Put(bytes(17), "v".getBytes(UTF_8))));
            assertError(ErrorCode.KEY_TOO_LARGE, c.call(new Request.Get(bytes(17))));
            assertArrayEquals("v".getBytes(UTF_8), ((Response.Value) c.call(new Request.Get(bytes(16)))).value());
        }
    }

    @Test
    void put_emptyKey_keyEmpty() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            assertError(ErrorCode.KEY_EMPTY, c.call(new Request.Put(new byte[0], new byte[1])));
            assertEquals(Response.DONE, c.call(new Request.Ping()));
        }
    }

    @Test
    void put_valueAtLimitThenLimitPlusOne_acceptsThenValueTooLarge() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            assertEquals(Response.DONE, c.call(new Request.Put("val".getBytes(UTF_8), new byte[64])));
            assertError(ErrorCode.VALUE_TOO_LARGE, c.call(new Request.Put("val".getBytes(UTF_8), new byte[65])));
            assertEquals(64, ((Response.Value) c.call(new Request.Get("val".getBytes(UTF_8)))).value().length);
        }
    }

    @Test
    void batch_itemsAtLimitThenLimitPlusOne_acceptsThenBatchTooLarge() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            List<Request.BatchItem> items = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                items.add(Request.BatchItem.put(("b" + i).getBytes(UTF_8), new byte[1]));
            }
            assertEquals(Collections.nCopies(10, ErrorCode.OK),
                    ((Response.Statuses) c.call(new Request.Batch(items))).statuses());
            items.add(Request.BatchItem.put("b10".getBytes(UTF_8), new byte[1]));
            assertError(ErrorCode.BATCH_TOO_LARGE, c.call(new Request.Batch(items)));
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                keys.add(("b" + i).getBytes(UTF_8));
            }
            assertError(ErrorCode.BATCH_TOO_LARGE, c.call(new Request.MGet(keys)));
            assertEquals(10, ((Response.Values) c.call(new Request.MGet(keys.subList(0, 10)))).values().size());
        }
    }

    @Test
    void mget_replyLargerThanMaxFrame_responseTooLargeAndStaysUsable() throws Exception {
        // 10 values of 256 bytes make a ~2.6 KB reply: over this node's 1400-byte frame limit.
        AmDbNode tiny = TestNodes.start(TestNodes.config().withLimits(new Limits(16, 256, 1400, 10, 5)));
        try (RawClient c = new RawClient(tiny.port())) {
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                byte[] key = ("big" + i).getBytes(UTF_8);
                c.call(new Request.Put(key, new byte[256]));
                keys.add(key);
            }
            assertError(ErrorCode.RESPONSE_TOO_LARGE, c.call(new Request.MGet(keys)));
            assertEquals(5, ((Response.Values) c.call(new Request.MGet(keys.subList(0, 5)))).values().size());
        } finally {
            TestNodes.stop(tiny);
        }
    }

    @Test
    void scan_limitAboveMaxOrZero_isCappedOrInvalidArgument() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            for (int i = 0; i < 8; i++) {
                c.call(new Request.Put(("scan" + i).getBytes(UTF_8), new byte[1]));
            }
            Response.ScanPage page = (Response.ScanPage) c.call(
                    new Request.Scan("scan".getBytes(UTF_8), "scao".getBytes(UTF_8), 1000));
            assertEquals(5, page.entries().size());
            assertTrue(page.next() != null);
            WireWriter zeroLimit = new WireWriter();
            int start = zeroLimit.beginFrame(0x07, 0, 99, 0);
            zeroLimit.u32(0).u32(0).u32(0); // empty start, empty end, limit 0
            zeroLimit.endFrame(start);
            c.sendRaw(zeroLimit.toByteArray());
            assertError(ErrorCode.INVALID_ARGUMENT, c.read().response());
        }
    }

    @Test
    void frame_lengthAtLimitThenLimitPlusOne_answersThenFrameTooLargeAndCloses() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            // A PUT whose frame length is exactly 4096: 16 header + 4+3 key + 4+value.
            byte[] value = new byte[4096 - 16 - 7 - 4];
            assertError(ErrorCode.VALUE_TOO_LARGE, c.call(new Request.Put("big".getBytes(UTF_8), value)));
            WireWriter w = new WireWriter();
            w.u32(4097);
            c.sendRaw(w.toByteArray());
            RawClient.Reply reply = c.read();
            assertError(ErrorCode.FRAME_TOO_LARGE, reply.response());
            assertTrue(c.closedByNode());
        }
        assertNodeServes();
    }

    @Test
    void connections_overTheLimit_refusedWithTooManyConnections() throws Exception {
        awaitNoOtherConnections();
        List<RawClient> open = new ArrayList<>();
        try {
            RawClient refused = null;
            for (int i = 0; i <= MAX_CONNECTIONS && refused == null; i++) {
                RawClient c = new RawClient(node.port());
                open.add(c);
                c.send(new Request.Ping());
                Response r = c.read().response(); // a refusal answers request id 0: it came before any request
                if (r instanceof Response.Error) {
                    refused = c;
                    assertError(ErrorCode.TOO_MANY_CONNECTIONS, r);
                }
            }
            assertTrue(refused != null, "connection " + (MAX_CONNECTIONS + 1) + " was not refused");
            assertTrue(refused.closedByNode());
            assertEquals(MAX_CONNECTIONS + 1, open.size());
        } catch (IOException e) {
            throw new AssertionError("a connection under the limit failed", e);
        } finally {
            for (RawClient c : open) {
                c.close();
            }
            awaitNoOtherConnections(); // later tests need the slots back
        }
    }

    /** A fresh connection still works (bounded retry: closed connections are released asynchronously). */
    static void assertNodeServes() throws Exception {
        for (int attempt = 0; ; attempt++) {
            try (RawClient c = new RawClient(node.port())) {
                Response r = c.call(new Request.Ping());
                if (r == Response.DONE || attempt >= 200) {
                    assertEquals(Response.DONE, r);
                    return;
                }
            }
            Thread.onSpinWait();
        }
    }

    /** Earlier tests' connections are released asynchronously: poll INFO (bounded) until only ours is left. */
    private static void awaitNoOtherConnections() throws Exception {
        for (int attempt = 0; attempt < 1000; attempt++) {
            try (RawClient c = new RawClient(node.port())) {
                c.send(new Request.Info());
                Response r = c.read().response(); // a refusal (all slots still held) answers id 0: try again
                if (r instanceof Response.Info info && "1".equals(info.fields().get("connections"))) {
                    return;
                }
            } catch (IOException refusedAndClosed) {
                // the node closed a refused connection before we read: try again
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("connections from earlier tests were never released");
    }
}
