package io.amdb.node.route;

import io.amdb.protocol.FrameHeader;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.Request;
import io.amdb.protocol.RequestCodec;
import io.amdb.protocol.Response;
import io.amdb.protocol.ResponseCodec;
import io.amdb.protocol.Wire;
import io.amdb.protocol.WireReader;
import io.amdb.protocol.WireWriter;
import io.vertx.core.buffer.Buffer;

/**
 * What a forwarding node sends an owner over the clustered event bus, as binary Buffers (no JSON, one
 * message per owner and request, however many keys): a byte {@link #KIND_REQUEST}, the {@code i64} wall-clock
 * deadline (ms since 1970) after which the owner must not run it, then a protocol request frame
 * (docs/PROTOCOL.md) carrying the forwarding node's table epoch; or {@link #KIND_LOCAL_SCAN}
 * followed by {@code i64 epoch, bytes partitionBits, bytes start, bytes end, u32 limit}: scan exactly
 * these partitions. Replies are protocol response frames.
 */
final class PeerMessages {
    static final int KIND_REQUEST = 1;
    static final int KIND_LOCAL_SCAN = 2;

    private PeerMessages() {}

    static String address(String nodeId) {
        return "amdb.peer." + nodeId;
    }

    /** Where the protocol frame of a {@link #KIND_REQUEST} piece starts: after the kind and the deadline. */
    static final int REQUEST_FRAME_AT = 1 + Long.BYTES;

    /**
     * @param deadlineMillis the wall-clock time after which the owner must not run the piece: the forwarding
     *                       node has answered the client TIMEOUT by then, and a write applied later (after a
     *                       network split heals, say) would land after writes the client made since
     */
    static Buffer request(long epoch, Request request, long deadlineMillis) {
        WireWriter w = new WireWriter(256);
        w.u8(KIND_REQUEST).i64(deadlineMillis);
        RequestCodec.encode(w, 0, epoch, request);
        return Buffer.buffer(w.toByteArray());
    }

    static Buffer localScan(long epoch, boolean[] partitions, Request.Scan scan) {
        byte[] bits = new byte[(partitions.length + 7) / 8];
        for (int p = 0; p < partitions.length; p++) {
            if (partitions[p]) {
                bits[p >>> 3] |= (byte) (1 << (p & 7));
            }
        }
        WireWriter w = new WireWriter(64 + bits.length);
        w.u8(KIND_LOCAL_SCAN).i64(epoch).bytes(bits).bytes(scan.start()).bytes(scan.end()).u32(scan.limit());
        return Buffer.buffer(w.toByteArray());
    }

    /** A decoded local scan: the partitions to scan (indexed by partition) and the range. */
    record LocalScan(long epoch, boolean[] partitions, Request.Scan scan) {}

    static LocalScan decodeLocalScan(byte[] b, int partitionCount) throws ProtocolException {
        WireReader r = new WireReader(b, 1, b.length - 1);
        long epoch = r.i64();
        byte[] bits = r.bytes();
        boolean[] partitions = new boolean[partitionCount];
        for (int p = 0; p < partitionCount && (p >>> 3) < bits.length; p++) {
            partitions[p] = (bits[p >>> 3] & (1 << (p & 7))) != 0;
        }
        return new LocalScan(epoch, partitions, new Request.Scan(r.bytes(), r.bytes(), r.u32()));
    }

    static Buffer response(int opcode, long epoch, Response response) {
        WireWriter w = new WireWriter(256);
        ResponseCodec.encode(w, opcode, 0, epoch, response);
        return Buffer.buffer(w.toByteArray());
    }

    /** The response and the epoch the owner answered at (its frame header's). */
    static Forwarder.Piece decodeReply(Buffer body) throws ProtocolException {
        byte[] b = body.getBytes();
        FrameHeader h = FrameHeader.parse(b, 0, b.length);
        return new Forwarder.Piece(ResponseCodec.decode(h, new WireReader(b, Wire.HEADER_BYTES,
                b.length - Wire.HEADER_BYTES)), h.epoch());
    }
}
