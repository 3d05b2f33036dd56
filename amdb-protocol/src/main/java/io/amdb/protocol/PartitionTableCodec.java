package io.amdb.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes a {@link PartitionTable}. Pure functions; the layout is {@code docs/PROTOCOL.md},
 * "Partition table".
 *
 * <p>Decoding checks every count against the bytes that remain before allocating by it, and every index
 * against the table it points into, so garbage costs at most the bytes it arrived in. One table has one
 * encoding: migrations must be strictly ascending by partition, as the encoder writes them.
 */
public final class PartitionTableCodec {
    /** Owner index meaning LOST on the wire. */
    static final int WIRE_LOST = 0xFFFF;
    /** Smallest encoded member: two one-byte strings and a port. */
    private static final int MIN_MEMBER_BYTES = 2 + 1 + 2 + 1 + 2;
    /** An encoded migration: u32 partition, u16 from index, u16 to index. */
    private static final int MIGRATION_BYTES = 4 + 2 + 2;

    private PartitionTableCodec() {}

    /** Returns the encoding of one table. */
    public static byte[] encode(PartitionTable table) {
        WireWriter w = new WireWriter(64 + 2 * table.partitions() + 32 * table.members().size());
        encode(w, table);
        return w.toByteArray();
    }

    /** Appends the encoding of one table. */
    public static void encode(WireWriter w, PartitionTable table) {
        w.i64(table.epoch()).u32(table.partitions()).u32(table.members().size());
        for (Member m : table.members()) {
            w.str(m.nodeId()).str(m.host()).u16(m.port());
        }
        for (int p = 0; p < table.partitions(); p++) {
            int owner = table.ownerIndex(p);
            w.u16(owner == PartitionTable.LOST ? WIRE_LOST : owner);
        }
        encodeReplicaSets(w, table);
        w.u32(table.migrations().size());
        for (Migration m : table.migrations()) {
            w.u32(m.partition()).u16(table.memberIndex(m.fromNode())).u16(table.memberIndex(m.toNode()));
        }
        int known = 0;
        for (int p = 0; p < table.partitions(); p++) {
            known += table.lostFrom(p) == null ? 0 : 1;
        }
        w.u32(known);
        for (int p = 0; p < table.partitions(); p++) {
            if (table.lostFrom(p) != null) {
                w.u32(p).str(table.lostFrom(p));
            }
        }
    }

    /**
     * Decodes a buffer that holds exactly one table.
     *
     * @throws ProtocolException {@code MALFORMED_FRAME} if the bytes are not one valid table
     */
    public static PartitionTable decode(byte[] bytes) throws ProtocolException {
        WireReader r = new WireReader(bytes, 0, bytes.length);
        PartitionTable table = decode(r);
        r.expectEnd();
        return table;
    }

    /**
     * Decodes one table from the reader, leaving it just after the table.
     *
     * @throws ProtocolException {@code MALFORMED_FRAME} if the bytes are not a valid table
     */
    public static PartitionTable decode(WireReader r) throws ProtocolException {
        long epoch = r.i64();
        check(epoch >= 1, "epoch " + epoch + " is below 1");
        int partitions = r.u32();
        check(partitions > 0 && partitions <= Partitioner.MAX_PARTITIONS && Integer.bitCount(partitions) == 1,
                "partition count " + (partitions & 0xFFFFFFFFL) + " is not a power of two up to "
                        + Partitioner.MAX_PARTITIONS);
        List<Member> members = readMembers(r);
        int[] owners = readOwners(r, partitions, members.size());
        try { // the table's own checks (two members with one id, a migration not from the owner) remain
            ReplicaSets sets = readReplicaSets(r, partitions, members.size());
            List<Migration> migrations = readMigrations(r, partitions, members);
            return new PartitionTable(epoch, partitions, members, owners, migrations, readLostFrom(r, partitions),
                    sets);
        } catch (IllegalArgumentException e) {
            throw malformed("invalid partition table: " + e.getMessage());
        }
    }

    private static List<Member> readMembers(WireReader r) throws ProtocolException {
        int n = r.count(MIN_MEMBER_BYTES);
        check(n <= PartitionTable.MAX_MEMBERS, n + " members, more than " + PartitionTable.MAX_MEMBERS);
        List<Member> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = r.str();
            String host = r.str();
            int port = r.u16();
            try {
                members.add(new Member(id, host, port));
            } catch (IllegalArgumentException e) {
                throw malformed("member " + i + ": " + e.getMessage());
            }
        }
        return members;
    }

    private static int[] readOwners(WireReader r, int partitions, int members) throws ProtocolException {
        check(2L * partitions <= r.remaining(),
                partitions + " owners do not fit in the " + r.remaining() + " bytes left");
        int[] owners = new int[partitions];
        for (int p = 0; p < partitions; p++) {
            int owner = r.u16();
            if (owner != WIRE_LOST && owner >= members) { // no message built per partition
                throw malformed("partition " + p + " has owner index " + owner + " but there are " + members
                        + " members");
            }
            owners[p] = owner == WIRE_LOST ? PartitionTable.LOST : owner;
        }
        return owners;
    }

    private static void encodeReplicaSets(WireWriter w, PartitionTable table) {
        ReplicaSets sets = table.replicaSets();
        w.u8(sets.factor()).u8(sets.minInSync());
        for (int i = 0; i < sets.members(); i++) {
            w.str(sets.rack(i));
        }
        for (int p = 0; p < sets.partitions(); p++) {
            w.i64(sets.term(p)).u8(sets.backupCount(p));
            for (int i = 0; i < sets.backupCount(p); i++) {
                w.u16(sets.backup(p, i));
            }
            w.u8(sets.inSyncMask(p));
        }
    }

    /** The replication section; a factor of 0 (older versions) means none: R = 1, terms 0, no backups. */
    private static ReplicaSets readReplicaSets(WireReader r, int partitions, int members) throws ProtocolException {
        int factor = r.u8();
        if (factor == 0) {
            return ReplicaSets.none(partitions, members);
        }
        check(factor <= ReplicaSets.MAX_FACTOR, "replication factor " + factor + " is above " + ReplicaSets.MAX_FACTOR);
        int minInSync = r.u8();
        check(minInSync >= 1 && minInSync <= factor, "min in-sync " + minInSync + " is not 1-" + factor);
        ReplicaSets.Builder b = new ReplicaSets.Builder(factor, minInSync, partitions, members);
        for (int i = 0; i < members; i++) {
            b.rack(i, r.str());
        }
        check(10L * partitions <= r.remaining(),
                partitions + " replica sets do not fit in the " + r.remaining() + " bytes left");
        for (int p = 0; p < partitions; p++) {
            b.term(p, r.i64());
            int n = r.u8();
            if (n > ReplicaSets.MAX_BACKUPS) { // no message built per partition
                throw malformed("partition " + p + " lists " + n + " backups, more than " + ReplicaSets.MAX_BACKUPS);
            }
            int[] backups = new int[n];
            for (int i = 0; i < n; i++) {
                backups[i] = r.u16();
            }
            b.backups(p, backups, r.u8());
        }
        return b.build();
    }

    private static List<Migration> readMigrations(WireReader r, int partitions, List<Member> members)
            throws ProtocolException {
        int n = r.count(MIGRATION_BYTES);
        List<Migration> migrations = new ArrayList<>(n);
        long previous = -1;
        for (int i = 0; i < n; i++) {
            long partition = r.u32() & 0xFFFFFFFFL;
            int from = r.u16();
            int to = r.u16();
            if (partition <= previous || partition >= partitions) {
                throw malformed("migration " + i + " of partition " + partition + " is out of range or out of order");
            }
            if (from >= members.size() || to >= members.size() || from == to) {
                throw malformed("migration of partition " + partition + " has member indexes " + from + " -> " + to);
            }
            migrations.add(new Migration((int) partition, members.get(from).nodeId(), members.get(to).nodeId()));
            previous = partition;
        }
        return migrations;
    }

    private static String[] readLostFrom(WireReader r, int partitions) throws ProtocolException {
        int n = r.count(4 + 2 + 1);
        String[] lostFrom = new String[partitions];
        long previous = -1;
        for (int i = 0; i < n; i++) {
            long partition = r.u32() & 0xFFFFFFFFL;
            if (partition <= previous || partition >= partitions) {
                throw malformed("lost-from entry " + i + " of partition " + partition + " is out of range or out of order");
            }
            lostFrom[(int) partition] = r.str();
            previous = partition;
        }
        return lostFrom;
    }

    private static void check(boolean condition, String message) throws ProtocolException {
        if (!condition) {
            throw malformed(message);
        }
    }

    private static ProtocolException malformed(String message) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, message);
    }
}
