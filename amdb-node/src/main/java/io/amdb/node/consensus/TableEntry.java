package io.amdb.node.consensus;

import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.PartitionTableCodec;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.WireReader;
import io.amdb.protocol.WireWriter;

/**
 * The AmDb payload of the table log's entries and of their replies (docs/PEERS.md, "Table log").
 *
 * <p>An entry proposes the next table: {@code u8 kind (1) | i64 base epoch | table (PartitionTableCodec)}. The
 * state machine applies it only when the table it holds has exactly the base epoch, and the proposed epoch is
 * above it: a proposal planned from anything but the newest committed table is refused, so every replica
 * applies the same tables in the same order and no two tables ever share an epoch. The reply is
 * {@code u8 outcome | i64 epoch}: {@link #APPLIED} with the new epoch, or {@link #STALE} with the epoch held.
 */
public final class TableEntry {
    static final byte PROPOSE = 1;
    static final byte APPLIED = 1;
    static final byte STALE = 0;

    private TableEntry() {}

    /** A proposal, as the leader's keeper planned it on top of the table with epoch {@code base} (0: none). */
    public record Proposal(long base, PartitionTable table) {}

    /** What the state machine did with a proposal. */
    public record Outcome(boolean applied, long epoch) {}

    static byte[] encode(Proposal p) {
        byte[] table = PartitionTableCodec.encode(p.table());
        WireWriter w = new WireWriter(9 + table.length);
        w.u8(PROPOSE).i64(p.base()).raw(table, 0, table.length);
        return w.toByteArray();
    }

    static Proposal decode(byte[] entry) throws ProtocolException {
        WireReader r = new WireReader(entry, 0, entry.length);
        int kind = r.u8();
        if (kind != PROPOSE) {
            throw new ProtocolException(io.amdb.protocol.ErrorCode.MALFORMED_FRAME, "unknown table log entry kind " + kind);
        }
        long base = r.i64();
        byte[] table = new byte[entry.length - 9];
        System.arraycopy(entry, 9, table, 0, table.length);
        return new Proposal(base, PartitionTableCodec.decode(table));
    }

    static byte[] encode(Outcome o) {
        return new WireWriter(9).u8(o.applied() ? APPLIED : STALE).i64(o.epoch()).toByteArray();
    }

    static Outcome decodeOutcome(byte[] reply) throws ProtocolException {
        WireReader r = new WireReader(reply, 0, reply.length);
        return new Outcome(r.u8() == APPLIED, r.i64());
    }
}
