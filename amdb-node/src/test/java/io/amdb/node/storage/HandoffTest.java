package io.amdb.node.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.TestSeed;
import io.amdb.protocol.WireWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The migration invariant at the storage level: a partition copied chunk by chunk while random writes keep
 * landing (before, at and after the copy's position), then fenced, arrives at the target exactly equal to
 * the source. Seeded; {@code -Damdb.seed=N} replays a run (see {@link RandomKeys}).
 */
@ExtendWith(TestSeed.class)
class HandoffTest {
    private static final int P = 3;

    @Test
    void chunkedCopyUnderWrites_thenFence_targetEqualsSource() throws Exception {
        long seed = TestSeed.get();
        for (int round = 0; round < 20; round++) {
            SplittableRandom random = new SplittableRandom(seed + round);
            ShardStore source = new ShardStore(4, 1);
            ShardStore target = new ShardStore(4, 2);
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                keys.add(RandomKeys.key(random));
                source.put(P, keys.get(i), RandomKeys.value(random));
            }
            target.put(P, RandomKeys.key(random), RandomKeys.value(random)); // stale leftovers: RESET drops them
            boolean first = true;
            int chunks = 0;
            while (true) {
                WireWriter out = new WireWriter();
                source.copyChunk(P, 1 + random.nextInt(300), 1 << 20, out);
                if (first) {
                    target.dropPartition(P);
                    first = false;
                }
                Changes.apply(target, P, out.array(), 0, out.size());
                chunks++;
                writeRandomly(source, keys, random, random.nextInt(200));
                if (source.handoff(P).copiedAll() && random.nextInt(3) == 0) {
                    break;
                }
            }
            WireWriter last = new WireWriter();
            source.fence(P, last);
            Changes.apply(target, P, last.array(), 0, last.size());
            String context = "seed " + seed + " round " + round + " after " + chunks + " chunks";
            assertTrue(source.isFenced(P), context);
            assertEquals(source.partitionSize(P), target.partitionSize(P), context);
            SkipList.Cursor s = source.partitionCursor(P, null);
            SkipList.Cursor t = target.partitionCursor(P, null);
            for (; s.valid(); s.next(), t.next()) {
                assertTrue(t.valid(), context);
                assertArrayEquals(s.key(), t.key(), context);
                assertArrayEquals(s.value(), t.value(), context);
            }
            assertFalse(t.valid(), context);
        }
    }

    @Test
    void endHandoff_abort_servesAgain_drop_emptiesAndStaysFencedUntilReclaimed() {
        ShardStore store = new ShardStore(4, 1);
        store.put(1, new byte[] {1}, new byte[] {9});
        WireWriter out = new WireWriter();
        store.copyChunk(1, 10, 1 << 20, out);
        store.fence(1, out);
        assertTrue(store.isFenced(1));
        store.endHandoff(1, false);
        assertFalse(store.isFenced(1));
        assertNull(store.handoff(1));
        assertEquals(1, store.partitionSize(1));
        store.copyChunk(1, 10, 1 << 20, out);
        store.endHandoff(1, true);
        assertEquals(0, store.partitionSize(1));
        assertEquals(0, store.size());
        assertTrue(store.isFenced(1), "a late request routed with the old table must be refused, not served empty");
        store.reclaim(1);
        assertFalse(store.isFenced(1));
    }

    @Test
    void fence_beforeCopyReachedTheEnd_isRefused() {
        ShardStore store = new ShardStore(4, 1);
        for (int i = 0; i < 10; i++) {
            store.put(0, new byte[] {(byte) i}, new byte[] {1});
        }
        WireWriter out = new WireWriter();
        store.copyChunk(0, 3, 1 << 20, out);
        assertThrows(IllegalStateException.class, () -> store.fence(0, out));
    }

    private static void writeRandomly(ShardStore store, List<byte[]> keys, SplittableRandom random, int n) {
        for (int i = 0; i < n; i++) {
            int dice = random.nextInt(10);
            if (dice < 5) {
                store.put(P, keys.get(random.nextInt(keys.size())), RandomKeys.value(random)); // overwrite
            } else if (dice < 8) {
                byte[] k = RandomKeys.key(random);
                keys.add(k);
                store.put(P, k, RandomKeys.value(random));
            } else {
                store.remove(P, keys.get(random.nextInt(keys.size())));
            }
        }
    }
}
