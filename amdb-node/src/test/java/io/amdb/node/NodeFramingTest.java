package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.amdb.protocol.TestSeed;
import io.amdb.protocol.WireWriter;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input on the protocol port: the offending connection gets an error where the node can send one and
 * is closed; a bystander connection, opened before, keeps working and keeps its data.
 */
@ExtendWith(TestSeed.class)
class NodeFramingTest {
    private static AmDbNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNodes.start(TestNodes.config());
    }

    @AfterAll
    static void stopNode() throws Exception {
        TestNodes.stop(node);
    }

    /** Runs {@code attack} on its own connection while a bystander connection stays open, then checks both. */
    private static void assertOnlyAttackerClosed(byte[] attack, ErrorCode expected) throws Exception {
        try (RawClient bystander = new RawClient(node.port()); RawClient attacker = new RawClient(node.port())) {
            bystander.call(new Request.Put("framing:by".getBytes(UTF_8), "stays".getBytes(UTF_8)));
            attacker.sendRaw(attack);
            if (expected != null) {
                Response.Error error = assertInstanceOf(Response.Error.class, attacker.read().response());
                assertEquals(expected, error.code(), error.message());
            }
            assertTrue(attacker.closedByNode(), "attacker connection left open");
            Response.Value v = (Response.Value) bystander.call(new Request.Get("framing:by".getBytes(UTF_8)));
            assertArrayEquals("stays".getBytes(UTF_8), v.value());
        }
    }

    @Test
    void absurdLengthHeader_frameTooLargeThenClosed() throws Exception {
        assertOnlyAttackerClosed(new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, ErrorCode.FRAME_TOO_LARGE);
    }

    @Test
    void lengthBelowHeaderSize_frameTooLargeThenClosed() throws Exception {
        assertOnlyAttackerClosed(new byte[] {0, 0, 0, 3, 1, 2, 3}, ErrorCode.FRAME_TOO_LARGE);
    }

    @Test
    void httpRequestOnProtocolPort_rejectedThenClosed() throws Exception {
        byte[] http = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(UTF_8);
        assertOnlyAttackerClosed(http, ErrorCode.FRAME_TOO_LARGE);
    }

    @Test
    void badMagic_malformedFrameThenClosed() throws Exception {
        WireWriter w = new WireWriter();
        w.u32(16).u8(0x42).u8(1).u8(1).u8(0).u32(9).i64(0);
        assertOnlyAttackerClosed(w.toByteArray(), ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void badVersion_unsupportedVersionThenClosed() throws Exception {
        WireWriter w = new WireWriter();
        w.u32(16).u8(0xAD).u8(9).u8(1).u8(0).u32(9).i64(0);
        assertOnlyAttackerClosed(w.toByteArray(), ErrorCode.UNSUPPORTED_VERSION);
    }

    @Test
    void badVersion_answeredUnderItsOwnRequestId() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            WireWriter w = new WireWriter();
            w.u32(16).u8(0xAD).u8(9).u8(2).u8(0).u32(4242).i64(0);
            c.sendRaw(w.toByteArray());
            RawClient.Reply reply = c.read();
            assertEquals(4242, reply.header().requestId());
            assertEquals(ErrorCode.UNSUPPORTED_VERSION, ((Response.Error) reply.response()).code());
            assertTrue(c.closedByNode());
        }
    }

    @Test
    void bodyShorterThanItsFields_malformedFrameThenClosed() throws Exception {
        WireWriter w = new WireWriter();
        int start = w.beginFrame(0x02, 0, 5, 0); // GET whose key claims 100 bytes but has 2
        w.u32(100).u8('a').u8('b');
        w.endFrame(start);
        assertOnlyAttackerClosed(w.toByteArray(), ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void randomGarbage_closesOnlyThatConnection() throws Exception {
        long seed = TestSeed.get();
        Random random = new Random(seed);
        for (int round = 0; round < 20; round++) {
            byte[] garbage = new byte[64 + random.nextInt(512)];
            random.nextBytes(garbage);
            garbage[0] = (byte) (0x80 | garbage[0]); // the length field reads above any limit: fails at once
            try {
                assertOnlyAttackerClosed(garbage, null);
            } catch (AssertionError e) {
                throw new AssertionError("seed=" + seed + " round=" + round, e);
            }
        }
    }

    @Test
    void unknownOpcode_errorReplyAndConnectionStaysUsable() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            WireWriter w = new WireWriter();
            int start = w.beginFrame(0x7E, 0, 77, 0);
            w.endFrame(start);
            c.sendRaw(w.toByteArray());
            RawClient.Reply reply = c.read();
            assertEquals(77, reply.header().requestId());
            assertEquals(ErrorCode.UNKNOWN_OPCODE, ((Response.Error) reply.response()).code());
            assertEquals(Response.DONE, c.call(new Request.Ping()));
        }
    }

    @Test
    void badBatchItemKind_invalidArgumentAndConnectionStaysUsable() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            WireWriter w = new WireWriter();
            int start = w.beginFrame(0x06, 0, 78, 0);
            w.u32(1).u8(9).u32(1).u8('k');
            w.endFrame(start);
            c.sendRaw(w.toByteArray());
            assertEquals(ErrorCode.INVALID_ARGUMENT, ((Response.Error) c.read().response()).code());
            assertEquals(Response.DONE, c.call(new Request.Ping()));
        }
    }
}
