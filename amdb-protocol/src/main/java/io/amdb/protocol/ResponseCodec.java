package io.amdb.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Encodes and decodes response frames. Pure functions; see {@code docs/PROTOCOL.md}, "Responses". */
public final class ResponseCodec {
    private ResponseCodec() {}

    /** Appends one complete response frame, answering request {@code requestId} of opcode {@code opcode}. */
    public static void encode(WireWriter w, int opcode, int requestId, long epoch, Response response) {
        int start = w.beginFrame(opcode, Wire.FLAG_RESPONSE, requestId, epoch);
        if (response instanceof Response.Error error) {
            w.u16(error.code().code()).str(error.message() == null ? "" : error.message());
        } else {
            w.u16(ErrorCode.OK.code());
            encodeBody(w, response);
        }
        w.endFrame(start);
    }

    private static void encodeBody(WireWriter w, Response response) {
        if (response instanceof Response.Value value) {
            w.optBytes(value.value());
        } else if (response instanceof Response.Deleted deleted) {
            w.u8(deleted.existed() ? 1 : 0);
        } else if (response instanceof Response.Values values) {
            w.u32(values.values().size());
            values.values().forEach(w::optBytes);
        } else if (response instanceof Response.Statuses statuses) {
            w.u32(statuses.statuses().size());
            statuses.statuses().forEach(s -> w.u16(s.code()));
        } else if (response instanceof Response.ScanPage page) {
            w.u32(page.entries().size());
            page.entries().forEach(e -> w.bytes(e.key()).bytes(e.value()));
            w.optBytes(page.next());
        } else if (response instanceof Response.Info info) {
            w.u16(info.fields().size());
            info.fields().forEach((k, v) -> w.str(k).str(v));
        } else if (response instanceof Response.Versioned versioned) {
            w.optBytes(versioned.value()).i64(versioned.version());
        } else if (response instanceof Response.Swapped swapped) {
            w.u8(swapped.applied() ? 1 : 0).i64(swapped.version());
        } else if (response instanceof Response.Table table) {
            PartitionTableCodec.encode(w, table.table());
        }
    }

    /**
     * Decodes the body of the response whose header is {@code h}.
     *
     * @throws ProtocolException {@code MALFORMED_FRAME} when the body does not match the opcode's shape
     */
    public static Response decode(FrameHeader h, WireReader r) throws ProtocolException {
        int status = r.u16();
        if (status != ErrorCode.OK.code()) {
            ErrorCode code = ErrorCode.ofCode(status);
            String message = r.str();
            r.expectEnd();
            return code != null
                    ? new Response.Error(code, message)
                    : new Response.Error(ErrorCode.INTERNAL_ERROR, "unknown error code " + status + ": " + message);
        }
        Opcode op = Opcode.ofCode(h.opcode());
        if (op == null) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "OK response to unknown opcode " + h.opcode());
        }
        Response response = switch (op) {
            case PING, PUT -> Response.DONE;
            case GET -> new Response.Value(r.optBytes());
            case DELETE -> new Response.Deleted(r.u8() != 0);
            case MGET -> new Response.Values(readValues(r));
            case BATCH -> new Response.Statuses(readStatuses(r));
            case SCAN -> readScanPage(r);
            case INFO -> new Response.Info(readInfo(r));
            case TABLE -> new Response.Table(PartitionTableCodec.decode(r));
            case GET_VERSION -> new Response.Versioned(r.optBytes(), r.i64());
            case CAS -> new Response.Swapped(r.u8() != 0, r.i64());
        };
        r.expectEnd();
        return response;
    }

    private static List<byte[]> readValues(WireReader r) throws ProtocolException {
        int n = r.count(4);
        List<byte[]> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(r.optBytes());
        }
        return values;
    }

    private static List<ErrorCode> readStatuses(WireReader r) throws ProtocolException {
        int n = r.count(2);
        List<ErrorCode> statuses = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int code = r.u16();
            ErrorCode status = ErrorCode.ofCode(code);
            statuses.add(status == null ? ErrorCode.INTERNAL_ERROR : status);
        }
        return statuses;
    }

    private static Response.ScanPage readScanPage(WireReader r) throws ProtocolException {
        int n = r.count(8);
        List<Response.Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new Response.Entry(r.bytes(), r.bytes()));
        }
        return new Response.ScanPage(entries, r.optBytes());
    }

    private static Map<String, String> readInfo(WireReader r) throws ProtocolException {
        int n = r.u16();
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            fields.put(r.str(), r.str());
        }
        return fields;
    }
}
