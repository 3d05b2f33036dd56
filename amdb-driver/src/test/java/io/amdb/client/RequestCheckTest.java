package io.amdb.client;

import static io.amdb.client.TestSupport.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.RequestCodec;
import io.amdb.protocol.Wire;
import io.amdb.protocol.WireWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The size a request is checked at is the size RequestCodec encodes it to, byte for byte. */
class RequestCheckTest {
    private static int frameLength(Request request) {
        WireWriter w = new WireWriter();
        RequestCodec.encode(w, 1, 0, request);
        return w.size() - Wire.LENGTH_BYTES; // the length field counts the bytes after itself
    }

    @Test
    void bodyBytes_everyKeyedRequestKind_matchesTheEncodedFrame() {
        List<Request> requests = List.of(
                new Request.Get(bytes("key")),
                new Request.Put(bytes("key"), bytes("value")),
                new Request.Delete(bytes("key")),
                new Request.GetVersion(bytes("key")),
                new Request.Cas(bytes("key"), Request.Condition.absent(), bytes("value")),
                new Request.Cas(bytes("key"), Request.Condition.version(17), null),
                new Request.Cas(bytes("key"), Request.Condition.value(bytes("expected")), bytes("value")),
                new Request.Cas(bytes("key"), Request.Condition.value(new byte[0]), null),
                new Request.MGet(List.of(bytes("a"), bytes("bb"))),
                new Request.Batch(List.of(Request.BatchItem.put(bytes("a"), bytes("1")), Request.BatchItem.delete(bytes("b")))));
        for (Request r : requests) {
            assertEquals(frameLength(r), Wire.MIN_LENGTH + RequestCheck.bodyBytes(r), r.opcode() + " " + r);
        }
    }

    @Test
    void check_casAtTheFrameLimit_passesAndOneByteMore_isFrameTooLarge() {
        Request.Cas atLimit = new Request.Cas(bytes("k"), Request.Condition.value(new byte[100]), bytes("v"));
        int limit = frameLength(atLimit);
        assertNull(RequestCheck.check(atLimit, limit));
        Request.Cas over = new Request.Cas(bytes("k"), Request.Condition.value(new byte[101]), bytes("v"));
        assertEquals(ErrorCode.FRAME_TOO_LARGE, RequestCheck.check(over, limit).code());
    }

    @Test
    void bodyBytes_casWithNullKey_throwsNullPointerException() {
        assertThrows(NullPointerException.class,
                () -> RequestCheck.bodyBytes(new Request.Cas(null, Request.Condition.absent(), bytes("v"))));
    }
}
