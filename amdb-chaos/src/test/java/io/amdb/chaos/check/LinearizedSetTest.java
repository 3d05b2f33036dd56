package io.amdb.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Snapshots against a {@link BitSet} model: equal exactly when the sets are equal, subsets exactly when subsets. */
class LinearizedSetTest {
    @Test
    void snapshot_randomNestedAddsAndRemoves_comparesAsTheSetsDo() {
        for (long seed : Seeds.forRun(50)) {
            Random random = new Random(seed);
            int size = 1 + random.nextInt(300);
            LinearizedSet set = new LinearizedSet(size);
            BitSet model = new BitSet(size);
            List<Integer> added = new ArrayList<>(); // removes undo adds in reverse order, as the search does
            Map<BitSet, LinearizedSet.Snapshot> seen = new HashMap<>();
            for (int step = 0; step < 5_000; step++) {
                if (!added.isEmpty() && (model.cardinality() == size || random.nextInt(3) == 0)) {
                    int op = added.remove(added.size() - 1);
                    set.remove(op);
                    model.clear(op);
                } else {
                    int op = nearFirstAbsent(random, model, size);
                    set.add(op);
                    model.set(op);
                    added.add(op);
                }
                LinearizedSet.Snapshot snapshot = set.snapshot();
                LinearizedSet.Snapshot earlier = seen.putIfAbsent((BitSet) model.clone(), snapshot);
                if (earlier != null) {
                    assertEquals(earlier, snapshot, () -> Seeds.describe(seed) + " " + model);
                    assertEquals(earlier.hashCode(), snapshot.hashCode(), () -> Seeds.describe(seed));
                }
            }
            List<BitSet> sets = new ArrayList<>(seen.keySet());
            for (int i = 0; i + 1 < sets.size(); i++) {
                BitSet a = sets.get(i);
                BitSet b = sets.get(i + 1);
                assertNotEquals(seen.get(a), seen.get(b), () -> Seeds.describe(seed));
                assertEquals(isSubset(a, b), seen.get(a).isSubsetOf(seen.get(b)), () -> Seeds.describe(seed));
                assertEquals(isSubset(b, a), seen.get(b).isSubsetOf(seen.get(a)), () -> Seeds.describe(seed));
                assertTrue(seen.get(a).isSubsetOf(seen.get(a)), () -> Seeds.describe(seed));
            }
        }
    }

    private static boolean isSubset(BitSet a, BitSet b) {
        BitSet outside = (BitSet) a.clone();
        outside.andNot(b);
        return outside.isEmpty();
    }

    /** An absent member, usually near the lowest one, as a search mostly linearizes in invocation order. */
    private static int nearFirstAbsent(Random random, BitSet model, int size) {
        int op = model.nextClearBit(random.nextInt(1 + Math.min(size - 1, model.nextClearBit(0) + 100)));
        return op < size ? op : model.nextClearBit(0);
    }
}
