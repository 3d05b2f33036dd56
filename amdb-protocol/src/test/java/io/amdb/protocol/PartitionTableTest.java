package io.amdb.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Accessors, invariant checks, derivations and value semantics of the partition table. */
class PartitionTableTest {
    static final Member A = new Member("a", "h", 7070);
    static final Member B = new Member("b", "h", 7071);
    static final Member C = new Member("c", "h", 7072);
    static final int LOST = PartitionTable.LOST;

    static PartitionTable table(long epoch, int[] owners, Migration... migrations) {
        return new PartitionTable(epoch, owners.length, List.of(A, B, C), owners, List.of(migrations));
    }

    @Test
    void owner_ownedAndLostPartitions_memberOrNull() {
        PartitionTable t = table(1, new int[] {0, 1, LOST, 2});
        assertEquals(A, t.owner(0));
        assertEquals(C, t.owner(3));
        assertNull(t.owner(2));
        assertTrue(t.isLost(2));
        assertEquals(1, t.lostPartitions());
        assertThrows(IndexOutOfBoundsException.class, () -> t.owner(4));
    }

    @Test
    void ownerOf_keys_routeThroughPartitioner() {
        PartitionTable t = table(1, new int[] {0, 1, LOST, 2, 0, 1, 2, 0});
        Partitioner partitioner = new Partitioner(8);
        for (int i = 0; i < 100; i++) {
            byte[] key = ("key-" + i).getBytes(UTF_8);
            assertEquals(partitioner.partition(key), t.partitionOf(key), "key-" + i);
            assertEquals(t.owner(partitioner.partition(key)), t.ownerOf(key), "key-" + i);
        }
    }

    @Test
    void partitionsOf_membersAndStranger_ownedAscendingOrEmpty() {
        PartitionTable t = table(1, new int[] {1, 0, 1, LOST}, new Migration(1, "a", "b"));
        assertArrayEquals(new int[] {0, 2}, t.partitionsOf("b"));
        assertArrayEquals(new int[] {1}, t.partitionsOf("a"), "a owns until the cutover");
        assertArrayEquals(new int[0], t.partitionsOf("c"));
        assertArrayEquals(new int[0], t.partitionsOf("nobody"));
        assertEquals(-1, t.memberIndex("nobody"));
        assertEquals(B, t.plannedOwner(1));
        assertEquals(B, t.plannedOwner(0));
    }

    @Test
    void replicas_tableWithoutReplication_onlyTheOwner() {
        PartitionTable t = table(1, new int[] {0, LOST});
        assertEquals(List.of(t.owner(0)), t.replicas(0));
        assertEquals(List.of(), t.replicas(1));
        assertEquals(1, t.replicationFactor());
        assertEquals(0, t.underReplicated());
    }

    @Test
    void replicas_backupsAndInSync_primaryFirstThenPlannedOrder() {
        PartitionTable t = replicated(new int[] {0, 1, LOST, 2}, new int[][] {{2, 1}, {0}, {}, {}},
                new int[] {2, 0, 0, 0});
        assertEquals(List.of(A, C, B), t.replicas(0));
        assertEquals(List.of(C, B), t.backups(0));
        assertEquals(List.of(A, B), t.inSync(0));
        assertEquals(List.of(B), t.inSync(1));
        assertEquals(List.of(), t.inSync(2));
        assertEquals(3, t.underReplicated()); // R = 3: 2, 1 and 1 in sync; a LOST partition is not counted
        assertArrayEquals(new int[] {1}, t.backupPartitionsOf("a"));
        assertArrayEquals(new int[] {0}, t.backupPartitionsOf("c"));
    }

    /** The target leaves the backups; the old owner, which fenced and kept its copy, is listed last, in sync. */
    @Test
    void completeMigration_toABackup_backupBecomesPrimaryWithNewTerm_oldOwnerAnInSyncBackup() {
        PartitionTable t = new PartitionTable(4, 2, List.of(A, B, C), new int[] {0, 1},
                List.of(new Migration(0, "a", "c")), null,
                new ReplicaSets.Builder(3, 1, 2, 3).term(0, 2).term(1, 3).backups(0, new int[] {1, 2}, 0b10).build());
        PartitionTable next = t.completeMigration(0);
        assertEquals(C, next.owner(0));
        assertEquals(5, next.term(0));
        assertEquals(3, next.term(1));
        assertEquals(List.of(B, A), next.backups(0));
        assertEquals(List.of(C, A), next.inSync(0));
    }

    /** Without replication (R = 1) the old owner is no backup after a cutover: it drops its copy. */
    @Test
    void completeMigration_withoutReplication_oldOwnerNotListed() {
        PartitionTable t = new PartitionTable(4, 2, List.of(A, B), new int[] {0, 1}, List.of(new Migration(0, "a", "b")));
        PartitionTable next = t.completeMigration(0);
        assertEquals(B, next.owner(0));
        assertEquals(List.of(), next.backups(0));
    }

    @Test
    void constructor_brokenReplicaSets_throwIllegalArgument() {
        List<Executable> broken = List.of(
                () -> replicated(new int[] {0, 1, 2, 0}, new int[][] {{0}, {}, {}, {}}, new int[4]),
                () -> replicated(new int[] {0, 1, 2, 0}, new int[][] {{1, 1}, {}, {}, {}}, new int[4]),
                () -> replicated(new int[] {0, 1, 2, 0}, new int[][] {{3}, {}, {}, {}}, new int[4]),
                () -> replicated(new int[] {LOST, 1, 2, 0}, new int[][] {{1}, {}, {}, {}}, new int[4]),
                () -> replicated(new int[] {0, 1, 2, 0}, new int[][] {{1}, {}, {}, {}}, new int[] {2, 0, 0, 0}),
                () -> new ReplicaSets.Builder(3, 4, 3, 3),
                () -> new ReplicaSets.Builder(8, 1, 3, 3));
        for (Executable e : broken) {
            assertThrows(IllegalArgumentException.class, e);
        }
        replicated(new int[] {0, 1, 2, 0}, new int[][] {{1}, {}, {}, {}}, new int[] {1, 0, 0, 0}); // the valid form
    }

    /** Members a, b, c; R = 3, M = 2; P = owners.length; each term = its partition + 1. */
    private static PartitionTable replicated(int[] owners, int[][] backups, int[] inSync) {
        ReplicaSets.Builder b = new ReplicaSets.Builder(3, 2, owners.length, 3);
        for (int p = 0; p < owners.length; p++) {
            b.term(p, p + 1).backups(p, backups[p], inSync[p]);
        }
        return new PartitionTable(9, owners.length, List.of(A, B, C), owners, List.of(), null, b.build());
    }

    @Test
    void constructor_brokenInvariants_throwIllegalArgument() {
        List<Executable> broken = List.of(
                () -> table(0, new int[] {0, 1}),
                () -> table(1, new int[] {0, 1, 2}),
                () -> table(1, new int[] {0, 3}),
                () -> table(1, new int[] {0, -2}),
                () -> new PartitionTable(1, 2, List.of(A, A), new int[] {0, 1}, List.of()),
                () -> new PartitionTable(1, 4, List.of(A), new int[] {0, 0}, List.of()),
                () -> table(1, new int[] {0, 1}, new Migration(0, "b", "c")),
                () -> table(1, new int[] {LOST, 1}, new Migration(0, "a", "c")),
                () -> table(1, new int[] {0, 1}, new Migration(0, "a", "zed")),
                () -> table(1, new int[] {0, 1}, new Migration(0, "a", "b"), new Migration(0, "a", "c")),
                () -> table(1, new int[] {0, 1}, new Migration(2, "a", "b")),
                () -> new Migration(0, "a", "a"),
                () -> new Member("", "h", 1),
                () -> new Member("x".repeat(256), "h", 1),
                () -> new Member("a", "h", 0));
        for (int i = 0; i < broken.size(); i++) {
            assertThrows(IllegalArgumentException.class, broken.get(i), "case " + i);
        }
    }

    @Test
    void constructor_callerMutatesInputs_tableUnchanged() {
        int[] owners = {0, 1};
        List<Member> members = new ArrayList<>(List.of(A, B));
        List<Migration> migrations = new ArrayList<>(List.of(new Migration(0, "a", "b")));
        PartitionTable t = new PartitionTable(1, 2, members, owners, migrations);
        owners[0] = 1;
        members.clear();
        migrations.clear();
        assertEquals(A, t.owner(0));
        assertEquals(2, t.members().size());
        assertEquals(1, t.migrations().size());
        assertThrows(UnsupportedOperationException.class, () -> t.members().add(C));
        assertThrows(UnsupportedOperationException.class, () -> t.migrations().clear());
    }

    @Test
    void migrations_givenUnsorted_keptSortedByPartition() {
        PartitionTable t = table(1, new int[] {0, 1, 2, 0}, new Migration(3, "a", "c"), new Migration(1, "b", "a"));
        assertEquals(List.of(new Migration(1, "b", "a"), new Migration(3, "a", "c")), t.migrations());
        assertEquals(new Migration(3, "a", "c"), t.migration(3));
        assertNull(t.migration(0));
    }

    @Test
    void completeMigration_inFlight_targetOwnsAtNextEpoch() {
        PartitionTable t = table(4, new int[] {0, 1}, new Migration(0, "a", "c"), new Migration(1, "b", "a"));
        PartitionTable next = t.completeMigration(0);
        assertEquals(5, next.epoch());
        assertEquals(C, next.owner(0));
        assertEquals(List.of(new Migration(1, "b", "a")), next.migrations());
        assertEquals(A, t.owner(0), "the original is unchanged");
        assertThrows(IllegalArgumentException.class, () -> next.completeMigration(0));
    }

    @Test
    void reassignLostAsEmpty_lostPartition_ownedAtNextEpoch() {
        PartitionTable t = table(2, new int[] {LOST, 1});
        PartitionTable next = t.reassignLostAsEmpty(0, "c");
        assertEquals(3, next.epoch());
        assertEquals(C, next.owner(0));
        assertEquals(0, next.lostPartitions());
        assertThrows(IllegalArgumentException.class, () -> t.reassignLostAsEmpty(1, "c"), "not LOST");
        assertThrows(IllegalArgumentException.class, () -> t.reassignLostAsEmpty(0, "zed"), "not a member");
    }

    @Test
    void equals_equalContentInOtherArrays_equalWithSameHashCode() {
        PartitionTable x = table(3, new int[] {0, LOST}, new Migration(0, "a", "b"));
        PartitionTable y = table(3, new int[] {0, LOST}, new Migration(0, "a", "b"));
        assertEquals(x, y);
        assertEquals(x.hashCode(), y.hashCode());
        assertNotEquals(x, table(3, new int[] {0, 1}, new Migration(0, "a", "b")));
        assertNotEquals(x, table(3, new int[] {0, LOST}));
    }

    @Test
    void sameContentAs_differentEpochs_trueButNotEqual() {
        PartitionTable x = table(3, new int[] {0, 1});
        PartitionTable y = table(4, new int[] {0, 1});
        assertTrue(x.sameContentAs(y));
        assertFalse(x.equals(y));
    }

    @Test
    void toString_table_summarisesEpochLostAndLoads() {
        String s = table(7, new int[] {0, 0, LOST, 2}, new Migration(1, "a", "b")).toString();
        assertEquals("PartitionTable{epoch=7, partitions=4, lost=1, members=[a@h:7070 owns 2, b@h:7071 owns 0,"
                + " c@h:7072 owns 1], migrations=1, replication=1, underReplicated=0}", s);
    }
}
