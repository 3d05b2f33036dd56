package io.amdb.node.replicate;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.WireReader;
import io.amdb.protocol.WireWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of the replication stream: a primary's shard to a backup node ({@code amdb.replica.<id>}), and the
 * backup's reply. Pure functions; the layout is {@code docs/PEERS.md}, "Replication stream".
 */
public final class StreamFormat {
    /** The backup's copy must be exactly at {@code seq} of this term's history (it followed it): then it goes on. */
    public static final int START = 1;
    /** The backup drops its copy of the partition, takes {@code seq} as its sequence and follows this term. */
    public static final int RESET = 2;
    /** One write, whose version must be the backup's sequence + 1. */
    public static final int CHANGE = 3;
    /** Entries of the primary's copy (PUTs in key order), at versions the backup's sequence already covers. */
    public static final int COPY = 4;

    /** Nothing to apply: the backup confirms it still follows this primary at this term (a lease round). */
    public static final int LEASE = 5;
    /**
     * A new primary brings an in-sync backup that is behind it up to its own sequence: the changes after {@code seq}
     * of the history of term {@code followedTerm()}, which the backup's copy must follow, at {@code seq}. The backup then
     * follows this term.
     */
    public static final int SEAL = 6;
    /**
     * A backup out of the in-sync set is asked to go on from where its copy is: taken when the copy holds this term's
     * history complete up to {@code seq} or beyond (nothing was missed), else refused with where the copy stands (the
     * primary then seals it from there, or resets it). Never taken on the strength of an earlier term.
     */
    public static final int RESUME = 7;

    /** Reply outcome: the backup's copy does not continue the primary's history; the primary resets it. */
    public static final int GAP = 1;
    /** Reply outcome: the backup's table does not list the sender as primary at this term, or itself as backup. */
    public static final int STALE = 2;

    private StreamFormat() {}

    /**
     * The message header; {@code epoch} is the epoch of the sender's table when it sent: the backup applies the
     * message only once its own table has reached it (so it never takes a copy its table does not yet give it).
     */
    public static void header(WireWriter w, String from, int shard, long stream, int seq, long epoch) {
        w.str(from).u16(shard).i64(stream).u32(seq).i64(epoch);
    }

    /** A START: the term began at {@code termStart}; the primary is at {@code seq} now. */
    public static void start(WireWriter w, int partition, long term, long termStart, long seq) {
        w.u32(partition).i64(term).u8(START).i64(termStart).i64(seq);
    }

    /** A RESUME: the primary is at {@code seq} now. */
    public static void resume(WireWriter w, int partition, long term, long seq) {
        w.u32(partition).i64(term).u8(RESUME).i64(seq);
    }

    public static void lease(WireWriter w, int partition, long term) {
        w.u32(partition).i64(term).u8(LEASE);
    }

    public static void reset(WireWriter w, int partition, long term, long seq) {
        w.u32(partition).i64(term).u8(RESET).i64(seq);
    }

    /** Opens a CHANGE section; the caller appends one change in the {@code storage/Changes} format. */
    public static void change(WireWriter w, int partition, long term) {
        w.u32(partition).i64(term).u8(CHANGE);
    }

    /**
     * A SEAL: {@code changes[0, len)} (the {@code storage/Changes} format) are the changes after {@code from} of the
     * history of {@code followedTerm} and, after it, of {@code term}.
     */
    public static void seal(WireWriter w, int partition, long term, long followedTerm, long from, byte[] changes,
            int len) {
        w.u32(partition).i64(term).u8(SEAL).i64(followedTerm).i64(from).u32(len).raw(changes, 0, len);
    }

    /** Opens a COPY section; the caller appends {@code u32 length} and that many bytes of PUT changes. */
    public static void copy(WireWriter w, int partition, long term) {
        w.u32(partition).i64(term).u8(COPY);
    }

    /** A decoded message: its header and its sections in order. */
    public record Message(String from, int shard, long stream, int seq, long epoch, List<Section> sections) {}

    /**
     * One section. {@code seq} for START, RESET and SEAL (for SEAL: the sequence the changes follow), {@code termStart}
     * for START; for CHANGE, COPY and SEAL, {@code bytes[off, off + len)} holds the change(s) in the
     * {@code storage/Changes} format.
     */
    public record Section(int partition, long term, int kind, long termStart, long seq, byte[] bytes, int off,
            int len) {
        /** For a SEAL: the term whose history the backup's copy must follow (carried in {@code termStart}). */
        public long followedTerm() {
            return termStart;
        }
    }

    /**
     * A partition the backup did not take, why ({@link #GAP} or {@link #STALE}), its sequence there, and the term whose
     * history its copy holds up to that sequence ({@code -1}: none; both {@code -1} for STALE).
     */
    public record Refusal(int partition, int outcome, long seq, long term) {}

    /**
     * Decodes a message, checking every section's shape (a change is parsed to find its end) and each partition
     * against {@code partitions}.
     *
     * @throws ProtocolException {@code MALFORMED_FRAME} naming the first defect
     */
    public static Message decode(byte[] body, int partitions) throws ProtocolException {
        WireReader r = new WireReader(body, 0, body.length);
        String from = r.str();
        int shard = r.u16();
        long stream = r.i64();
        int seq = r.u32();
        long epoch = r.i64();
        List<Section> sections = new ArrayList<>();
        while (r.remaining() > 0) {
            int partition = r.u32();
            if (partition < 0 || partition >= partitions) {
                throw malformed("section for partition " + (partition & 0xFFFFFFFFL) + " of " + partitions);
            }
            long term = r.i64();
            int kind = r.u8();
            switch (kind) {
                case START -> {
                    long termStart = r.i64();
                    sections.add(new Section(partition, term, kind, termStart, r.i64(), null, 0, 0));
                }
                case RESET, RESUME -> sections.add(new Section(partition, term, kind, 0, r.i64(), null, 0, 0));
                case LEASE -> sections.add(new Section(partition, term, kind, 0, 0, null, 0, 0));
                case CHANGE -> {
                    int from0 = body.length - r.remaining();
                    skipChange(r);
                    sections.add(new Section(partition, term, kind, 0, 0, body, from0,
                            body.length - r.remaining() - from0));
                }
                case SEAL -> {
                    long followedTerm = r.i64();
                    long after = r.i64();
                    int len = r.u32();
                    if (len < 0 || len > r.remaining()) {
                        throw malformed("seal section of " + (len & 0xFFFFFFFFL) + " bytes, " + r.remaining() + " left");
                    }
                    int off = body.length - r.remaining();
                    sections.add(new Section(partition, term, kind, followedTerm, after, body, off, len));
                    r.skip(len);
                }
                case COPY -> {
                    int len = r.u32();
                    if (len < 0 || len > r.remaining()) {
                        throw malformed("copy section of " + (len & 0xFFFFFFFFL) + " bytes, " + r.remaining() + " left");
                    }
                    int off = body.length - r.remaining();
                    sections.add(new Section(partition, term, kind, 0, 0, body, off, len));
                    r.skip(len);
                }
                default -> throw malformed("unknown section kind " + kind);
            }
        }
        return new Message(from, shard, stream, seq, epoch, sections);
    }

    private static void skipChange(WireReader r) throws ProtocolException {
        int op = r.u8();
        r.i64();
        r.skipBytes();
        if (op == io.amdb.node.storage.Changes.PUT) {
            r.skipBytes();
        } else if (op != io.amdb.node.storage.Changes.DELETE) {
            throw malformed("unknown change op " + op);
        }
    }

    public static byte[] encodeReply(List<Refusal> refusals) {
        WireWriter w = new WireWriter(4 + 21 * refusals.size());
        w.u32(refusals.size());
        for (Refusal f : refusals) {
            w.u32(f.partition()).u8(f.outcome()).i64(f.seq()).i64(f.term());
        }
        return w.toByteArray();
    }

    public static List<Refusal> decodeReply(byte[] body) throws ProtocolException {
        WireReader r = new WireReader(body, 0, body.length);
        int n = r.count(21);
        List<Refusal> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Refusal(r.u32(), r.u8(), r.i64(), r.i64()));
        }
        r.expectEnd();
        return out;
    }

    private static ProtocolException malformed(String what) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, what);
    }
}
