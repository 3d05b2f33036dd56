package io.amdb.node.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.replicate.StreamFormat;
import io.amdb.node.storage.Changes;
import io.amdb.node.storage.ShardStore;
import io.amdb.protocol.WireWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node that hands a partition off and becomes its backup at the same cutover (two nodes: the old owner backs
 * the new one up). Its migration service ends the handoff and its replica endpoint applies the new primary's
 * stream, on different contexts, so the shard may get them in either order. Either way the shard must end up
 * holding the new primary's copy and not refusing the partition, or a later promotion finds it empty or fenced.
 */
class HandoffThenBackupTest {
    private static final int P = 2;
    private static final byte[] OLD_KEY = {1};
    private static final byte[] NEW_KEY = {2};

    @Test
    void theNewPrimarysResetBeforeTheHandoffsEnd_keepsItsCopy() throws Exception {
        ShardStore store = handedOffAndFenced();
        long seq = store.sequence(P);
        run(store, new ReplicaTask(resetCopyAndChange(seq)));
        run(store, HandoffTask.end(P, true));
        assertHoldsTheNewPrimarysCopy(store, seq);
    }

    @Test
    void theHandoffsEndBeforeTheNewPrimarysReset_keepsItsCopy() throws Exception {
        ShardStore store = handedOffAndFenced();
        long seq = store.sequence(P);
        run(store, HandoffTask.end(P, true));
        assertTrue(store.isFenced(P), "handed off: late requests routed with the old table are refused");
        run(store, new ReplicaTask(resetCopyAndChange(seq)));
        assertHoldsTheNewPrimarysCopy(store, seq);
    }

    private static ShardStore handedOffAndFenced() {
        ShardStore store = new ShardStore(4, 1);
        store.put(P, OLD_KEY, new byte[] {7});
        run(store, HandoffTask.copy(P, 100, 1 << 20));
        run(store, HandoffTask.fence(P));
        assertTrue(store.isFenced(P));
        return store;
    }

    /** The new primary's stream at term 9: RESET at {@code seq}, its copy of the partition, then one new write. */
    private static List<StreamFormat.Section> resetCopyAndChange(long seq) throws Exception {
        WireWriter w = new WireWriter();
        StreamFormat.header(w, "b", 0, 1, 0, 5);
        StreamFormat.reset(w, P, 9, seq);
        WireWriter copied = new WireWriter();
        Changes.put(copied, OLD_KEY, new byte[] {7}, seq);
        StreamFormat.copy(w, P, 9);
        w.u32(copied.size()).raw(copied.array(), 0, copied.size());
        StreamFormat.change(w, P, 9);
        Changes.put(w, NEW_KEY, new byte[] {8}, seq + 1);
        byte[] body = java.util.Arrays.copyOf(w.array(), w.size());
        return StreamFormat.decode(body, 4).sections();
    }

    private static void assertHoldsTheNewPrimarysCopy(ShardStore store, long seq) {
        assertFalse(store.isFenced(P), "a backup's copy must not stay fenced: promoted, it could never serve");
        assertArrayEquals(new byte[] {7}, store.get(P, OLD_KEY));
        assertArrayEquals(new byte[] {8}, store.get(P, NEW_KEY));
        assertEquals(seq + 1, store.sequence(P));
        assertEquals(9, store.followedTerm(P));
    }

    private static <T extends ShardTask> T run(ShardStore store, T task) {
        while (!task.runOn(store, 1000)) {
            // slices until done
        }
        return task;
    }
}
