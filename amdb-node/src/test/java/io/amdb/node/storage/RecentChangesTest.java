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
        recent.record(p, version, key, value);
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
}
