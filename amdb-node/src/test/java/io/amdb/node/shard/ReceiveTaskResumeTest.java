package io.amdb.node.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.amdb.node.storage.Changes;
import io.amdb.node.storage.ShardStore;
import io.amdb.protocol.WireWriter;
import org.junit.jupiter.api.Test;

/**
 * A migration's target resuming the copy it holds (a node back on its data directory): the first chunk is taken only
 * when the copy holds exactly the history and sequence the source asked about, and its changes are numbered on from
 * there; the copy then holds the source's term's history. Otherwise nothing is applied and the task fails.
 */
class ReceiveTaskResumeTest {
    private static final int P = 1;
    private static final byte[] KEY = {4};

    @Test
    void theCopyAtTheStatedPosition_takesTheChanges_andHoldsTheSourcesTerm() {
        ShardStore store = copyOf(3, 10);
        run(store, ReceiveTask.resume(P, 3, 10, 8, changes(11, 12), 0, changes(11, 12).length));
        assertEquals(12, store.sequence(P));
        assertArrayEquals(new byte[] {12}, store.get(P, KEY));
        assertEquals(8, store.heldTerm(P));
        assertEquals(8, store.followedTerm(P));
    }

    @Test
    void anotherHistory_anotherSequence_orAHole_failsWithNothingApplied() {
        long[][] wrong = {{2, 10, 11, 12}, {3, 9, 10, 11}, {3, 10, 12, 13}};
        for (long[] w : wrong) {
            ShardStore store = copyOf(3, 10);
            byte[] ops = changes(w[2], w[3]);
            assertThrows(IllegalStateException.class, () -> run(store, ReceiveTask.resume(P, w[0], w[1], 8, ops, 0, ops.length)));
            assertEquals(10, store.sequence(P));
            assertNull(store.get(P, KEY));
            assertEquals(3, store.heldTerm(P));
        }
        ShardStore receiving = new ShardStore(2, 1);
        receiving.resetPartition(P, 10);
        receiving.follow(P, 3); // a copy being received holds no history yet
        byte[] ops = changes(11, 12);
        assertThrows(IllegalStateException.class, () -> run(receiving, ReceiveTask.resume(P, 3, 10, 8, ops, 0, ops.length)));
    }

    private static ShardStore copyOf(long term, long sequence) {
        return ReplicaTaskSealTest.backupAt(term, sequence);
    }

    private static byte[] changes(long... versions) {
        WireWriter w = new WireWriter();
        for (long v : versions) {
            Changes.put(w, KEY, new byte[] {(byte) v}, v);
        }
        return w.toByteArray();
    }

    private static void run(ShardStore store, ReceiveTask task) {
        while (!task.runOn(store, 1000)) {
            // slices until done
        }
    }
}
