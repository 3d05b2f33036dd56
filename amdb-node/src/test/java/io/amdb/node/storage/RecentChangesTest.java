package io.amdb.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.TestSeed;
import io.amdb.protocol.WireReader;
import io.amdb.protocol.WireWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link RecentChanges} against a model that keeps every change of every partition: whatever range it says it
 * covers, it writes exactly the model's changes of that range; it stays within its bound; a change that does not
 * follow on, or a forget, starts the partition afresh. Seeded.
 */
@ExtendWith(TestSeed.class)
class RecentChangesTest {
    private static final int P = 5;

    @Test
    void randomRecordsForgetsAndEvictions_agreeWithTheModel() throws Exception {
        SplittableRandom random = new SplittableRandom(TestSeed.get());
        long max = 20_000;
        covered = 0;
        RecentChanges recent = new RecentChanges(P, max);
        List<List<Object[]>> model = new ArrayList<>(); // per partition, since its history last started: {version, key, value}
        long[] sequences = new long[P];
        for (int p = 0; p < P; p++) {
            model.add(new ArrayList<>());
        }
        for (int step = 0; step < 50_000; step++) {
            int p = random.nextInt(P);
            int what = random.nextInt(1000);
            if (what < 3) {
                recent.forget(p);
                model.get(p).clear();
            } else if (what < 6) { // a version that does not follow on: a copy's jump
                sequences[p] += 2 + random.nextInt(10);
                model.get(p).clear();
                record(recent, model, p, sequences[p], random);
            } else {
                record(recent, model, p, ++sequences[p], random);
            }
            assertTrue(recent.bytes() <= max, "bytes kept " + recent.bytes());
            if (what >= 3 && step % 97 == 0) { // after a record
                check(recent, model, p, sequences[p], random);
            }
        }
        assertTrue(covered > 100, "ranges checked against the model: " + covered);
    }

    private static void record(RecentChanges recent, List<List<Object[]>> model, int p, long version,
            SplittableRandom random) {
        byte[] key = ("k" + random.nextInt(50)).getBytes();
        byte[] value = random.nextInt(4) == 0 ? null : new byte[random.nextInt(300)];
        recent.record(p, version, key, value, null, 0);
        model.get(p).add(new Object[] {version, key, value});
    }

    private static int covered;

    private static void check(RecentChanges recent, List<List<Object[]>> model, int p, long sequence,
            SplittableRandom random) throws Exception {
        List<Object[]> all = model.get(p);
        long after = sequence - 1 - random.nextInt(20);
        assertTrue(recent.covers(p, sequence - 1, sequence), "the change just recorded is kept");
        if (!recent.covers(p, after, sequence)) {
            return; // evicted, forgotten or never recorded: the range goes back further than what is kept
        }
        covered++;
        WireWriter out = new WireWriter();
        int n = recent.write(p, after, sequence, out);
        WireReader r = new WireReader(out.array(), 0, out.size());
        List<Object[]> expected = all.stream().filter(c -> (long) c[0] > after && (long) c[0] <= sequence).toList();
        assertEquals(expected.size(), n, "changes of partition " + p + " in (" + after + ", " + sequence + "]");
        for (Object[] c : expected) {
            int op = r.u8();
            assertEquals((long) c[0], r.i64());
            assertEquals(new String((byte[]) c[1]), new String(r.bytes()));
            if (c[2] == null) {
                assertEquals(Changes.DELETE, op);
            } else {
                assertEquals(Changes.PUT, op);
                assertEquals(((byte[]) c[2]).length, r.bytes().length);
            }
        }
        assertEquals(0, r.remaining());
    }

    /**
     * A store taken back: random client writes and deletes, a picture of the partition at some sequence, more
     * writes, then {@link ShardStore#truncate} to that sequence gives exactly the picture back (values and
     * versions), and the partition's sequence. Beyond the history kept it refuses.
     */
    @Test
    void truncate_givesBackThePartitionAsItWasAtThatSequence() {
        SplittableRandom random = new SplittableRandom(TestSeed.get());
        for (int round = 0; round < 50; round++) {
            ShardStore store = new ShardStore(P, round);
            store.keepRecent(new RecentChanges(P, 1 << 20));
            int p = random.nextInt(P);
            writeRandomly(store, p, random, random.nextInt(300));
            long at = store.sequence(p);
            List<String> picture = entries(store, p);
            writeRandomly(store, p, random, 1 + random.nextInt(100));
            writeRandomly(store, (p + 1) % P, random, random.nextInt(30)); // another partition's history is left alone
            List<String> other = entries(store, (p + 1) % P);
            if (store.sequence(p) == at) {
                continue; // only deletes of absent keys: nothing to take back
            }
            assertTrue(store.canTruncate(p, at));
            store.truncate(p, at);
            assertEquals(picture, entries(store, p), "round " + round);
            assertEquals(at, store.sequence(p));
            assertEquals(other, entries(store, (p + 1) % P));
            assertEquals(picture.size() + other.size(), store.size(), "the store's entry count");
            writeRandomly(store, p, random, 5); // the history goes on from there
            assertTrue(store.sequence(p) == at || store.canTruncate(p, at));
        }
        ShardStore store = new ShardStore(P, 1);
        store.keepRecent(new RecentChanges(P, 1 << 20));
        store.put(0, new byte[] {1}, new byte[] {1});
        store.apply(0, new byte[] {2}, new byte[] {2}, 2); // a copy's entry: no history
        assertFalse(store.canTruncate(0, 0), "the sequence went past the history kept");
    }

    private static void writeRandomly(ShardStore store, int p, SplittableRandom random, int n) {
        for (int i = 0; i < n; i++) {
            byte[] key = ("k" + random.nextInt(40)).getBytes();
            if (random.nextInt(4) == 0) {
                store.remove(p, key);
            } else {
                store.put(p, key, ("v" + random.nextInt(1000)).getBytes());
            }
        }
    }

    private static List<String> entries(ShardStore store, int p) {
        List<String> out = new ArrayList<>();
        for (SkipList.Cursor c = store.partitionCursor(p, null); c.valid(); c.next()) {
            out.add(new String(c.key()) + "=" + new String(c.value()) + "@" + c.version());
        }
        return out;
    }
}
