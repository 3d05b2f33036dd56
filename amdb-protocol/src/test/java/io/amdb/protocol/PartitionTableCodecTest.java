package io.amdb.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Golden bytes from docs/PROTOCOL.md, round trips, truncated, corrupted and garbage input. */
@ExtendWith(TestSeed.class)
class PartitionTableCodecTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");
    /** The tiny table of docs/PROTOCOL.md, "Partition table". */
    static final PartitionTable TINY = new PartitionTable(2, 2,
            List.of(new Member("a", "h", 7070), new Member("b", "h", 7071)),
            new int[] {0, PartitionTable.LOST}, List.of(new Migration(0, "a", "b")), new String[] {null, "c"},
            new ReplicaSets.Builder(2, 1, 2, 2).rack(0, "x").rack(1, "y").term(0, 1).term(1, 1)
                    .backups(0, new int[] {1}, 1).build());
    static final String TINY_HEX = "00 00 00 00 00 00 00 02 00 00 00 02 00 00 00 02 00 01 61 00 01 68 1b 9e"
            + " 00 01 62 00 01 68 1b 9f 00 00 ff ff"
            + " 02 01 00 01 78 00 01 79 00 00 00 00 00 00 00 01 01 00 01 01 00 00 00 00 00 00 00 01 00 00"
            + " 00 00 00 01 00 00 00 00 00 00 00 01"
            + " 00 00 00 01 00 00 00 01 00 01 63";
    /** The same table as an older version encoded it, before replication: a 0 where the replication section begins. */
    static final String LEGACY_HEX = "00 00 00 00 00 00 00 02 00 00 00 02 00 00 00 02 00 01 61 00 01 68 1b 9e"
            + " 00 01 62 00 01 68 1b 9f 00 00 ff ff 00 00 00 00 01 00 00 00 00 00 00 00 01"
            + " 00 00 00 01 00 00 00 01 00 01 63";

    @Test
    void decode_olderVersionsBytes_tableWithoutReplication() throws Exception {
        PartitionTable t = PartitionTableCodec.decode(HEX.parseHex(LEGACY_HEX));
        assertEquals(new PartitionTable(2, 2, TINY.members(), new int[] {0, PartitionTable.LOST}, TINY.migrations(),
                new String[] {null, "c"}), t);
        assertEquals(1, t.replicationFactor());
        assertEquals(0, t.term(0));
        assertEquals(List.of(), t.backups(0));
    }

    @Test
    void encode_tinyTable_matchesGoldenBytes() {
        assertEquals(TINY_HEX, HEX.formatHex(PartitionTableCodec.encode(TINY)));
    }

    @Test
    void decode_goldenBytes_returnsTinyTable() throws Exception {
        assertEquals(TINY, PartitionTableCodec.decode(HEX.parseHex(TINY_HEX)));
    }

    @Test
    void roundTrip_randomTables_equalTables() throws Exception {
        long seed = TestSeed.get();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++) {
            PartitionTable t = randomTable(random);
            assertEquals(t, PartitionTableCodec.decode(PartitionTableCodec.encode(t)), "seed=" + seed + " table " + i);
        }
    }

    @Test
    void decode_readerHoldingTwoTables_readsBothInOrder() throws Exception {
        WireWriter w = new WireWriter();
        PartitionTable second = TINY.completeMigration(0);
        PartitionTableCodec.encode(w, TINY);
        PartitionTableCodec.encode(w, second);
        WireReader r = new WireReader(w.array(), 0, w.size());
        assertEquals(TINY, PartitionTableCodec.decode(r));
        assertEquals(second, PartitionTableCodec.decode(r));
        r.expectEnd();
    }

    @Test
    void decode_everyTruncationAndATrailingByte_malformed() {
        byte[] full = PartitionTableCodec.encode(TINY);
        for (int len = 0; len < full.length; len++) {
            assertMalformed(Arrays.copyOf(full, len), "truncated to " + len);
        }
        assertMalformed(Arrays.copyOf(full, full.length + 1), "one trailing byte");
    }

    @Test
    void decode_corruptedFields_malformed() {
        corrupt("epoch 0", b -> b[7] = 0);
        corrupt("P = 3", b -> b[11] = 3);
        corrupt("P = 0", b -> b[11] = 0);
        corrupt("P = 2^17", b -> { b[9] = 2; b[11] = 0; });
        corrupt("owner index = member count", b -> b[33] = 2);
        corrupt("replication factor 8", b -> b[36] = 8);
        corrupt("min in-sync 0", b -> b[37] = 0);
        corrupt("min in-sync above R", b -> b[37] = 3);
        corrupt("negative term", b -> b[44] = (byte) 0x80);
        corrupt("backup index = member count", b -> b[54] = 2);
        corrupt("backup = owner", b -> b[54] = 0);
        corrupt("in-sync bit beyond the backups", b -> b[55] = 3);
        corrupt("9 backups", b -> b[52] = 9);
        corrupt("migration partition >= P", b -> b[73] = 2);
        corrupt("migration from == to", b -> b[77] = 0);
        corrupt("migration from a non-owner", b -> { b[75] = 1; b[77] = 0; });
        corrupt("migration to index out of range", b -> b[77] = 9);
        corrupt("port 0", b -> { b[22] = 0; b[23] = 0; });
        corrupt("duplicate member id", b -> b[26] = 'a');
        corrupt("empty member id", b -> { b[16] = 0; b[17] = 0; b[18] = 0; });
    }

    @Test
    void decode_migrationsOutOfOrder_malformed() {
        PartitionTable t = new PartitionTable(1, 4, TINY.members(), new int[] {0, 0, 0, 0},
                List.of(new Migration(1, "a", "b"), new Migration(3, "a", "b")));
        byte[] b = PartitionTableCodec.encode(t);
        b[b.length - 13] = 3; // first migration's partition: now 3, 3
        assertMalformed(b, "migrations 3, 3");
    }

    @Test
    void decode_hugeCounts_rejectedBeforeAllocating() {
        byte[] members = HEX.parseHex("00 00 00 00 00 00 00 01 00 00 00 02 7f ff ff ff 00");
        assertMalformed(members, "2^31 - 1 members in 1 byte");
        byte[] owners = HEX.parseHex("00 00 00 00 00 00 00 01 00 01 00 00 00 00 00 00 ff ff");
        assertMalformed(owners, "65536 owners in 2 bytes");
        byte[] migrations = HEX.parseHex("00 00 00 00 00 00 00 01 00 00 00 01 00 00 00 00 ff ff 00 7f ff ff ff");
        assertMalformed(migrations, "2^31 - 1 migrations in 0 bytes");
    }

    @Test
    void decode_garbageAndMutations_malformedOrAValidTable() {
        long seed = TestSeed.get();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 5_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[random.nextInt(64)];
                random.nextBytes(input);
            } else {
                input = PartitionTableCodec.encode(randomTable(random));
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    input[random.nextInt(input.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            try {
                PartitionTable t = PartitionTableCodec.decode(input);
                assertEquals(t, PartitionTableCodec.decode(PartitionTableCodec.encode(t)), "seed=" + seed + " i=" + i);
            } catch (ProtocolException e) {
                assertEquals(ErrorCode.MALFORMED_FRAME, e.code(), "seed=" + seed + " i=" + i);
            } catch (RuntimeException e) {
                fail("seed=" + seed + " i=" + i + " input=" + HEX.formatHex(input) + ": " + e, e);
            }
        }
    }

    /** A valid table: random P up to 4096, up to 20 members, some LOST, some migrations. */
    static PartitionTable randomTable(SplittableRandom random) {
        int partitions = 1 << random.nextInt(13);
        List<Member> members = new ArrayList<>();
        for (int m = random.nextInt(21); m > 0; m--) {
            String host = "10.0.0." + random.nextInt(256);
            members.add(new Member("n" + members.size() + "-é", host, 1 + random.nextInt(65535)));
        }
        int[] owners = new int[partitions];
        List<Migration> migrations = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            boolean lost = members.isEmpty() || random.nextInt(10) == 0;
            owners[p] = lost ? PartitionTable.LOST : random.nextInt(members.size());
            if (owners[p] != PartitionTable.LOST && members.size() > 1 && random.nextInt(4) == 0) {
                int to = (owners[p] + 1 + random.nextInt(members.size() - 1)) % members.size();
                migrations.add(new Migration(p, members.get(owners[p]).nodeId(), members.get(to).nodeId()));
            }
        }
        String[] lostFrom = new String[partitions];
        for (int p = 0; p < partitions; p++) {
            lostFrom[p] = owners[p] == PartitionTable.LOST && random.nextBoolean() ? "gone-" + random.nextInt(9) : null;
        }
        return new PartitionTable(1 + random.nextLong(Long.MAX_VALUE - 1), partitions, members, owners, migrations,
                lostFrom, randomReplicaSets(random, partitions, members.size(), owners));
    }

    /** R and M at random; random racks, terms, and backups (distinct, not the owner) with random in-sync bits. */
    private static ReplicaSets randomReplicaSets(SplittableRandom random, int partitions, int members, int[] owners) {
        int factor = 1 + random.nextInt(ReplicaSets.MAX_FACTOR);
        ReplicaSets.Builder b = new ReplicaSets.Builder(factor, 1 + random.nextInt(factor), partitions, members);
        for (int m = 0; m < members; m++) {
            b.rack(m, random.nextBoolean() ? "" : "rack-" + random.nextInt(3));
        }
        for (int p = 0; p < partitions; p++) {
            b.term(p, random.nextLong(Long.MAX_VALUE));
            if (owners[p] == PartitionTable.LOST) {
                continue;
            }
            List<Integer> others = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                if (m != owners[p]) {
                    others.add(m);
                }
            }
            java.util.Collections.shuffle(others, new java.util.Random(random.nextLong()));
            int n = random.nextInt(1 + Math.min(ReplicaSets.MAX_BACKUPS, others.size()));
            int[] backups = others.subList(0, n).stream().mapToInt(Integer::intValue).toArray();
            b.backups(p, backups, n == 0 ? 0 : random.nextInt(1 << n));
        }
        return b.build();
    }

    private static void corrupt(String what, Consumer<byte[]> edit) {
        byte[] b = HEX.parseHex(TINY_HEX);
        edit.accept(b);
        assertMalformed(b, what);
    }

    private static void assertMalformed(byte[] input, String what) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> PartitionTableCodec.decode(input), what);
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code(), what);
    }
}
