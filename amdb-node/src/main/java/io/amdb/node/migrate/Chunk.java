package io.amdb.node.migrate;

import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.WireReader;
import io.amdb.protocol.WireWriter;
import io.vertx.core.buffer.Buffer;

/**
 * One message of a migration from source to target over the clustered event bus, as a binary Buffer:
 * {@code u32 partition, u8 flags, str fromNode, i64 attempt, i64 startedAt, u32 seq, u32 keys}, then the changes
 * ({@link io.amdb.node.storage.Changes} format) to the end. {@link #RESET}: the first chunk (seq 0) of an
 * attempt, the target drops what it holds of the partition first; later chunks must come from the same
 * attempt in sequence, so a target that dropped a partial copy never applies the rest of it
 * ({@link MigrationService#chunkFollows}). {@link #FINAL}: sent after the source fenced the partition; the
 * target is then complete. {@code startedAt}: the epoch of the table the source began the attempt with; a target
 * whose table is older answers NOT_READY (it may yet install a table that drops the move, and with it the copy).
 */
record Chunk(int partition, int flags, String fromNode, long attempt, long startedAt, int seq, int keys,
        Resume resume, byte[] ops, int off, int len) {
    static final int RESET = 1;
    static final int FINAL = 2;
    /** With RESET: the target keeps its copy, which must hold {@code heldTerm}'s history up to {@code from}. */
    static final int RESUME = 4;

    /**
     * A RESUME chunk's fields (after {@code keys}): {@code i64 heldTerm, i64 from, i64 term}; the changes are numbered
     * from {@code from + 1}, and the copy then holds the source's {@code term}'s history.
     */
    record Resume(long heldTerm, long from, long term) {}

    boolean reset() {
        return (flags & RESET) != 0;
    }

    Buffer encode() {
        WireWriter w = new WireWriter(len + 64);
        w.u32(partition).u8(flags).str(fromNode).i64(attempt).i64(startedAt).u32(seq).u32(keys);
        if ((flags & RESUME) != 0) {
            w.i64(resume.heldTerm()).i64(resume.from()).i64(resume.term());
        }
        w.raw(ops, off, len);
        return Buffer.buffer(w.toByteArray());
    }

    static Chunk decode(Buffer body) throws ProtocolException {
        byte[] bytes = body.getBytes();
        WireReader r = new WireReader(bytes, 0, bytes.length);
        int partition = r.u32();
        int flags = r.u8();
        String from = r.str();
        long attempt = r.i64();
        long startedAt = r.i64();
        int seq = r.u32();
        int keys = r.u32();
        Resume resume = null;
        if ((flags & RESUME) != 0) {
            if ((flags & RESET) == 0) {
                throw new ProtocolException(io.amdb.protocol.ErrorCode.MALFORMED_FRAME, "a RESUME chunk without RESET");
            }
            resume = new Resume(r.i64(), r.i64(), r.i64());
        }
        int off = bytes.length - r.remaining();
        return new Chunk(partition, flags, from, attempt, startedAt, seq, keys, resume, bytes, off, r.remaining());
    }
}
