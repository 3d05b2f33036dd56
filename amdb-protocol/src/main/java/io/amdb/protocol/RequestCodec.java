package io.amdb.protocol;

import java.util.ArrayList;
import java.util.List;

/** Encodes and decodes request frames. Pure functions; see {@code docs/PROTOCOL.md}, "Opcodes". */
public final class RequestCodec {
    private RequestCodec() {}

    /** Appends one complete request frame to {@code w}. */
    public static void encode(WireWriter w, int requestId, long epoch, Request request) {
        int start = w.beginFrame(request.opcode().code(), 0, requestId, epoch);
        body(w, request);
        w.endFrame(start);
    }

    /** One case per opcode and no default: a new opcode does not compile until it is encoded here. */
    private static WireWriter body(WireWriter w, Request request) {
        return switch (request.opcode()) {
            case PING, INFO, TABLE -> w;
            case GET -> w.bytes(((Request.Get) request).key());
            case PUT -> w.bytes(((Request.Put) request).key()).bytes(((Request.Put) request).value());
            case DELETE -> w.bytes(((Request.Delete) request).key());
            case GET_VERSION -> w.bytes(((Request.GetVersion) request).key());
            case CAS -> {
                Request.Cas cas = (Request.Cas) request;
                w.bytes(cas.key());
                if (cas.expect().byValue()) {
                    w.u8(Wire.IF_VALUE).bytes(cas.expect().value());
                } else {
                    w.u8(Wire.IF_VERSION).i64(cas.expect().version());
                }
                yield w.optBytes(cas.value());
            }
            case MGET -> {
                List<byte[]> keys = ((Request.MGet) request).keys();
                w.u32(keys.size());
                keys.forEach(w::bytes);
                yield w;
            }
            case BATCH -> {
                List<Request.BatchItem> items = ((Request.Batch) request).items();
                w.u32(items.size());
                for (Request.BatchItem item : items) {
                    w.u8(item.isPut() ? Wire.BATCH_PUT : Wire.BATCH_DELETE).bytes(item.key());
                    if (item.isPut()) {
                        w.bytes(item.value());
                    }
                }
                yield w;
            }
            case SCAN -> {
                Request.Scan scan = (Request.Scan) request;
                yield w.bytes(scan.start()).bytes(scan.end()).u32(scan.limit());
            }
        };
    }

    /**
     * Decodes the body of a request whose header is {@code h}; {@code r} is positioned after the header.
     *
     * @throws ProtocolException {@code UNKNOWN_OPCODE} or {@code INVALID_ARGUMENT} (the connection may stay
     *                           open) or {@code MALFORMED_FRAME} (it must close)
     */
    public static Request decode(FrameHeader h, WireReader r) throws ProtocolException {
        return decode(h, r, Integer.MAX_VALUE);
    }

    /**
     * As {@link #decode(FrameHeader, WireReader)}, refusing an MGET or BATCH of more than {@code maxItems} items
     * with {@code BATCH_TOO_LARGE} before allocating them (the connection may stay open).
     */
    public static Request decode(FrameHeader h, WireReader r, int maxItems) throws ProtocolException {
        Opcode op = Opcode.ofCode(h.opcode());
        if (op == null || h.isResponse()) {
            throw new ProtocolException(ErrorCode.UNKNOWN_OPCODE,
                    String.format("unknown request opcode 0x%02X", h.opcode()));
        }
        Request request = switch (op) {
            case PING -> new Request.Ping();
            case GET -> new Request.Get(r.bytes());
            case PUT -> new Request.Put(r.bytes(), r.bytes());
            case DELETE -> new Request.Delete(r.bytes());
            case MGET -> new Request.MGet(readKeys(r, maxItems));
            case BATCH -> new Request.Batch(readBatch(r, maxItems));
            case SCAN -> readScan(r);
            case INFO -> new Request.Info();
            case TABLE -> new Request.Table();
            case GET_VERSION -> new Request.GetVersion(r.bytes());
            case CAS -> readCas(r);
        };
        r.expectEnd();
        return request;
    }

    private static Request.Cas readCas(WireReader r) throws ProtocolException {
        byte[] key = r.bytes();
        int kind = r.u8();
        Request.Condition expect;
        if (kind == Wire.IF_VERSION) {
            long version = r.i64();
            if (version < 0) {
                throw new ProtocolException(ErrorCode.INVALID_ARGUMENT, "CAS expects version " + version
                        + "; a version is never negative");
            }
            expect = Request.Condition.version(version);
        } else if (kind == Wire.IF_VALUE) {
            expect = Request.Condition.value(r.bytes());
        } else {
            throw new ProtocolException(ErrorCode.INVALID_ARGUMENT,
                    "CAS condition kind " + kind + "; expected 1 (version) or 2 (value)");
        }
        return new Request.Cas(key, expect, r.optBytes());
    }

    private static List<byte[]> readKeys(WireReader r, int maxItems) throws ProtocolException {
        int n = checkItems(r.count(4), maxItems);
        List<byte[]> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(r.bytes());
        }
        return keys;
    }

    private static List<Request.BatchItem> readBatch(WireReader r, int maxItems) throws ProtocolException {
        int n = checkItems(r.count(5), maxItems);
        List<Request.BatchItem> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int kind = r.u8();
            byte[] key = r.bytes();
            if (kind == Wire.BATCH_PUT) {
                items.add(Request.BatchItem.put(key, r.bytes()));
            } else if (kind == Wire.BATCH_DELETE) {
                items.add(Request.BatchItem.delete(key));
            } else {
                throw new ProtocolException(ErrorCode.INVALID_ARGUMENT,
                        "batch item " + i + " has kind " + kind + "; expected 1 (PUT) or 2 (DELETE)");
            }
        }
        return items;
    }

    private static int checkItems(int n, int maxItems) throws ProtocolException {
        if (n > maxItems) {
            throw new ProtocolException(ErrorCode.BATCH_TOO_LARGE, n + " items exceed the limit of " + maxItems);
        }
        return n;
    }

    private static Request.Scan readScan(WireReader r) throws ProtocolException {
        byte[] start = r.bytes();
        byte[] end = r.bytes();
        int limit = r.u32();
        if (limit == 0) {
            throw new ProtocolException(ErrorCode.INVALID_ARGUMENT, "scan limit must be at least 1");
        }
        // A u32 limit above 2^31-1 reads as negative: it means "as many as allowed".
        return new Request.Scan(start, end, limit < 0 ? Integer.MAX_VALUE : limit);
    }
}
