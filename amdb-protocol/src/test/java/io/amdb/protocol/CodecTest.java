package io.amdb.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Round trips per opcode and golden bytes from docs/PROTOCOL.md. */
class CodecTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    static byte[] encode(int id, Request r) {
        WireWriter w = new WireWriter();
        RequestCodec.encode(w, id, 0, r);
        return w.toByteArray();
    }

    static Request decodeRequest(byte[] frame) throws ProtocolException {
        FrameHeader h = FrameHeader.parse(frame, 0, frame.length);
        return RequestCodec.decode(h, new WireReader(frame, Wire.HEADER_BYTES, frame.length - Wire.HEADER_BYTES));
    }

    static Response roundTrip(Opcode op, Response r) throws ProtocolException {
        WireWriter w = new WireWriter();
        ResponseCodec.encode(w, op.code(), 9, 3, r);
        byte[] frame = w.toByteArray();
        FrameHeader h = FrameHeader.parse(frame, 0, frame.length);
        assertEquals(9, h.requestId());
        assertEquals(3, h.epoch());
        assertEquals(true, h.isResponse());
        return ResponseCodec.decode(h, new WireReader(frame, Wire.HEADER_BYTES, frame.length - Wire.HEADER_BYTES));
    }

    @Test
    void ping_goldenBytes_matchSpec() {
        assertEquals("00 00 00 10 ad 01 01 00 00 00 00 01 00 00 00 00 00 00 00 00",
                HEX.formatHex(encode(1, new Request.Ping())));
    }

    @Test
    void get_goldenBytes_requestAndResponseMatchSpec() {
        assertEquals("00 00 00 15 ad 01 02 00 00 00 00 07 00 00 00 00 00 00 00 00 00 00 00 01 6b",
                HEX.formatHex(encode(7, new Request.Get(b("k")))));
        WireWriter w = new WireWriter();
        ResponseCodec.encode(w, Opcode.GET.code(), 7, 0, new Response.Value(b("v")));
        assertEquals("00 00 00 17 ad 01 02 01 00 00 00 07 00 00 00 00 00 00 00 00 00 00 00 00 00 01 76",
                HEX.formatHex(w.toByteArray()));
    }

    @Test
    void requests_everyOpcode_roundTrip() throws Exception {
        assertInstanceOf(Request.Ping.class, decodeRequest(encode(1, new Request.Ping())));
        assertInstanceOf(Request.Info.class, decodeRequest(encode(1, new Request.Info())));
        assertInstanceOf(Request.Table.class, decodeRequest(encode(1, new Request.Table())));
        assertArrayEquals(b("k"), ((Request.Get) decodeRequest(encode(1, new Request.Get(b("k"))))).key());
        Request.Put put = (Request.Put) decodeRequest(encode(1, new Request.Put(b("k"), new byte[] {0, -1})));
        assertArrayEquals(new byte[] {0, -1}, put.value());
        assertArrayEquals(b("d"), ((Request.Delete) decodeRequest(encode(1, new Request.Delete(b("d"))))).key());
        Request.MGet mget = (Request.MGet) decodeRequest(encode(1, new Request.MGet(List.of(b("a"), b("bb")))));
        assertArrayEquals(b("bb"), mget.keys().get(1));
        Request.Batch batch = (Request.Batch) decodeRequest(encode(1, new Request.Batch(
                List.of(Request.BatchItem.put(b("a"), b("1")), Request.BatchItem.delete(b("b"))))));
        assertEquals(true, batch.items().get(0).isPut());
        assertNull(batch.items().get(1).value());
        Request.Scan scan = (Request.Scan) decodeRequest(encode(1, new Request.Scan(b("a"), new byte[0], 10)));
        assertEquals(10, scan.limit());
        assertArrayEquals(new byte[0], scan.end());
    }

    @Test
    void responses_everyShape_roundTrip() throws Exception {
        assertEquals(Response.DONE, roundTrip(Opcode.PING, Response.DONE));
        assertEquals(Response.DONE, roundTrip(Opcode.PUT, Response.DONE));
        assertNull(((Response.Value) roundTrip(Opcode.GET, new Response.Value(null))).value());
        assertEquals(new Response.Deleted(true), roundTrip(Opcode.DELETE, new Response.Deleted(true)));
        List<byte[]> values = new ArrayList<>(Arrays.asList(b("x"), null));
        Response.Values got = (Response.Values) roundTrip(Opcode.MGET, new Response.Values(values));
        assertArrayEquals(b("x"), got.values().get(0));
        assertNull(got.values().get(1));
        List<ErrorCode> statuses = List.of(ErrorCode.OK, ErrorCode.KEY_TOO_LARGE);
        assertEquals(new Response.Statuses(statuses), roundTrip(Opcode.BATCH, new Response.Statuses(statuses)));
        Response.ScanPage page = (Response.ScanPage) roundTrip(Opcode.SCAN,
                new Response.ScanPage(List.of(new Response.Entry(b("k"), b("v"))), b("k\0")));
        assertArrayEquals(b("v"), page.entries().get(0).value());
        assertArrayEquals(b("k\0"), page.next());
        Map<String, String> info = new LinkedHashMap<>();
        info.put("node_id", "n1");
        info.put("keys", "3");
        assertEquals(new Response.Info(info), roundTrip(Opcode.INFO, new Response.Info(info)));
        PartitionTable table = new PartitionTable(3, 4, List.of(new Member("n1", "127.0.0.1", 7070)),
                new int[] {0, 0, PartitionTable.LOST, 0}, List.of());
        assertEquals(table, ((Response.Table) roundTrip(Opcode.TABLE, new Response.Table(table))).table());
        assertEquals(new Response.Error(ErrorCode.VALUE_TOO_LARGE, "too big"),
                roundTrip(Opcode.PUT, new Response.Error(ErrorCode.VALUE_TOO_LARGE, "too big")));
    }

    @Test
    void cas_goldenBytes_requestAndResponseMatchSpec() {
        assertEquals("00 00 00 23 ad 01 0b 00 00 00 00 07 00 00 00 00 00 00 00 00 "
                + "00 00 00 01 6b 01 00 00 00 00 00 00 00 05 00 00 00 01 76",
                HEX.formatHex(encode(7, new Request.Cas(b("k"), Request.Condition.version(5), b("v")))));
        WireWriter w = new WireWriter();
        ResponseCodec.encode(w, Opcode.CAS.code(), 7, 0, new Response.Swapped(true, 6));
        assertEquals("00 00 00 1b ad 01 0b 01 00 00 00 07 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 06",
                HEX.formatHex(w.toByteArray()));
    }

    @Test
    void getVersion_request_roundTrips() throws Exception {
        Request.GetVersion get = (Request.GetVersion) decodeRequest(encode(1, new Request.GetVersion(b("k"))));
        assertArrayEquals(b("k"), get.key());
        assertEquals(Opcode.GET_VERSION, get.opcode());
    }

    @Test
    void cas_everyConditionKindWithPutAndDelete_roundTrips() throws Exception {
        List<Request.Condition> conditions = List.of(Request.Condition.absent(), Request.Condition.version(1),
                Request.Condition.version(Long.MAX_VALUE), Request.Condition.value(b("old")),
                Request.Condition.value(new byte[0]));
        for (Request.Condition expect : conditions) {
            for (byte[] value : Arrays.asList(new byte[] {0, -1}, new byte[0], null)) {
                String what = expect + ", value " + Arrays.toString(value);
                Request.Cas cas = (Request.Cas) decodeRequest(encode(1, new Request.Cas(b("key"), expect, value)));
                assertArrayEquals(b("key"), cas.key(), what);
                assertEquals(expect.byValue(), cas.expect().byValue(), what);
                assertEquals(expect.version(), cas.expect().version(), what);
                assertArrayEquals(expect.value(), cas.expect().value(), what);
                assertArrayEquals(value, cas.value(), what);
            }
        }
    }

    @Test
    void versionedAndSwapped_responses_roundTrip() throws Exception {
        Response.Versioned found = (Response.Versioned) roundTrip(Opcode.GET_VERSION, new Response.Versioned(b("v"), 42));
        assertArrayEquals(b("v"), found.value());
        assertEquals(42, found.version());
        Response.Versioned absent = (Response.Versioned) roundTrip(Opcode.GET_VERSION, new Response.Versioned(null, 0));
        assertNull(absent.value());
        assertEquals(0, absent.version());
        assertEquals(new Response.Swapped(true, 7), roundTrip(Opcode.CAS, new Response.Swapped(true, 7)));
        assertEquals(new Response.Swapped(false, 0), roundTrip(Opcode.CAS, new Response.Swapped(false, 0)));
        assertEquals(new Response.Swapped(false, Long.MAX_VALUE),
                roundTrip(Opcode.CAS, new Response.Swapped(false, Long.MAX_VALUE)));
        assertEquals(new Response.Error(ErrorCode.KEY_EMPTY, "empty"),
                roundTrip(Opcode.CAS, new Response.Error(ErrorCode.KEY_EMPTY, "empty")));
    }

    @Test
    void decode_casConditionKindThree_invalidArgumentNotFatal() {
        byte[] frame = casFrame(w -> w.u8(3).i64(1));
        ProtocolException e = assertThrows(ProtocolException.class, () -> decodeRequest(frame));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertEquals(false, e.code().closesConnection());
    }

    @Test
    void decode_casNegativeVersion_invalidArgument() {
        byte[] frame = casFrame(w -> w.u8(Wire.IF_VERSION).i64(-1));
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(ProtocolException.class, () -> decodeRequest(frame)).code());
    }

    @Test
    void condition_negativeVersion_refusedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> Request.Condition.version(-1));
    }

    @Test
    void condition_holdsFor_comparesVersionOrValueBytes() {
        assertEquals(true, Request.Condition.absent().holdsFor(null, 0));
        assertEquals(false, Request.Condition.absent().holdsFor(b("v"), 3));
        assertEquals(true, Request.Condition.version(3).holdsFor(b("v"), 3));
        assertEquals(false, Request.Condition.version(3).holdsFor(b("v"), 4));
        assertEquals(true, Request.Condition.value(b("v")).holdsFor(b("v"), 9));
        assertEquals(false, Request.Condition.value(b("v")).holdsFor(b("w"), 9));
        assertEquals(false, Request.Condition.value(new byte[0]).holdsFor(null, 0), "an empty value is not absence");
        assertEquals(true, Request.Condition.value(new byte[0]).holdsFor(new byte[0], 2));
    }

    /** A CAS frame for key "k" whose condition {@code condition} writes, then value "v". */
    private static byte[] casFrame(Consumer<WireWriter> condition) {
        WireWriter w = new WireWriter();
        int start = w.beginFrame(Opcode.CAS.code(), 0, 1, 0);
        w.bytes(b("k"));
        condition.accept(w);
        w.optBytes(b("v"));
        w.endFrame(start);
        return w.toByteArray();
    }

    @Test
    void decode_truncatedBody_malformedFrame() {
        byte[] frame = encode(1, new Request.Put(b("key"), b("value")));
        byte[] cut = Arrays.copyOf(frame, frame.length - 2);
        cut[3] -= 2; // keep the length field consistent with the shorter frame
        ProtocolException e = assertThrows(ProtocolException.class, () -> decodeRequest(cut));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
    }

    @Test
    void decode_trailingBytes_malformedFrame() {
        byte[] frame = encode(1, new Request.Get(b("k")));
        byte[] longer = Arrays.copyOf(frame, frame.length + 1);
        longer[3] += 1;
        assertEquals(ErrorCode.MALFORMED_FRAME, assertThrows(ProtocolException.class, () -> decodeRequest(longer)).code());
    }

    @Test
    void decode_countLargerThanBody_rejectedBeforeAllocating() {
        WireWriter w = new WireWriter();
        int start = w.beginFrame(Opcode.MGET.code(), 0, 1, 0);
        w.u32(Integer.MAX_VALUE);
        w.endFrame(start);
        byte[] frame = w.toByteArray();
        assertEquals(ErrorCode.MALFORMED_FRAME, assertThrows(ProtocolException.class, () -> decodeRequest(frame)).code());
    }

    @Test
    void decode_moreItemsThanAllowed_batchTooLargeBeforeAllocating() {
        byte[] frame = encode(1, new Request.MGet(List.of(b("a"), b("b"), b("c"))));
        FrameHeader h = assertDoesNotThrowParse(frame);
        ProtocolException e = assertThrows(ProtocolException.class, () -> RequestCodec.decode(h,
                new WireReader(frame, Wire.HEADER_BYTES, frame.length - Wire.HEADER_BYTES), 2));
        assertEquals(ErrorCode.BATCH_TOO_LARGE, e.code());
        assertEquals(false, e.code().closesConnection());
    }

    private static FrameHeader assertDoesNotThrowParse(byte[] frame) {
        try {
            return FrameHeader.parse(frame, 0, frame.length);
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void decode_unknownOpcode_unknownOpcodeNotFatal() {
        WireWriter w = new WireWriter();
        w.endFrame(w.beginFrame(0x55, 0, 1, 0));
        ProtocolException e = assertThrows(ProtocolException.class, () -> decodeRequest(w.toByteArray()));
        assertEquals(ErrorCode.UNKNOWN_OPCODE, e.code());
        assertEquals(false, e.code().closesConnection());
    }

    @Test
    void parse_reservedFlagBits_malformedFrame() {
        byte[] frame = encode(1, new Request.Ping());
        frame[7] = 0x02;
        assertEquals(ErrorCode.MALFORMED_FRAME,
                assertThrows(ProtocolException.class, () -> FrameHeader.parse(frame, 0, frame.length)).code());
    }

    @Test
    void errorCodes_wireCodesAreUniqueAndStable() {
        assertEquals(ErrorCode.KEY_TOO_LARGE, ErrorCode.ofCode(12));
        assertEquals(ErrorCode.FRAME_TOO_LARGE, ErrorCode.ofCode(3));
        assertEquals(ErrorCode.values().length,
                Arrays.stream(ErrorCode.values()).mapToInt(ErrorCode::code).distinct().count());
        assertNull(ErrorCode.ofCode(999));
    }
}
