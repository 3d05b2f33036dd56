package io.amdb.node.storage;

import static io.amdb.node.storage.SkipListTest.key;
import static io.amdb.node.storage.SkipListTest.keysFrom;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.TestSeed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * Unit tests of {@link ShardStore}, then a seeded model test of scan against per-partition
 * {@code TreeMap}s (see {@link RandomKeys} for the seed and how to replay it).
 */
@ExtendWith(TestSeed.class)
class ShardStoreTest {
    private final ShardStore store = new ShardStore(4, 7);

    @Test
    void constructor_nonPositivePartitions_throwsIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> new ShardStore(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ShardStore(-3, 1));
    }

    @Test
    void anyPartitionMethod_partitionOutOfRange_throwsIllegalArgumentNamingRange() {
        for (int bad : new int[] {-1, 4}) {
            assertRejects(bad, () -> store.get(bad, key(1)));
            assertRejects(bad, () -> store.put(bad, key(1), key(1)));
            assertRejects(bad, () -> store.remove(bad, key(1)));
            assertRejects(bad, () -> store.partitionSize(bad));
            assertRejects(bad, () -> store.partitionCursor(bad, null));
            assertRejects(bad, () -> store.dropPartition(bad));
        }
        assertEquals(0, store.size());
    }

    @Test
    void put_sameKeyInTwoPartitions_keepsThemIsolated() {
        assertNull(store.put(0, key(1), key(10)));
        assertNull(store.put(1, key(1), key(11)));
        assertArrayEquals(key(10), store.get(0, key(1)));
        assertArrayEquals(key(11), store.get(1, key(1)));
        assertNull(store.get(2, key(1)));
        assertArrayEquals(key(10), store.remove(0, key(1)));
        assertArrayEquals(key(11), store.get(1, key(1)));
        assertEquals(1, store.size());
        assertEquals(0, store.partitionSize(0));
        assertEquals(1, store.partitionSize(1));
    }

    @Test
    void put_existingKey_returnsOldValueAndKeepsSize() {
        store.put(2, key(5), key(50));
        assertArrayEquals(key(50), store.put(2, key(5), key(51)));
        assertEquals(1, store.size());
        assertArrayEquals(key(51), store.get(2, key(5)));
    }

    @Test
    void dropPartition_removesExactlyThatPartitionAndFixesSizeAndMemory() {
        ShardStore withoutOne = new ShardStore(4, 7); // same seeds, so identical lists elsewhere
        for (int i = 0; i < 100; i++) {
            for (int partition = 0; partition < 3; partition++) {
                store.put(partition, key(partition, i), new byte[i]);
                if (partition != 1) {
                    withoutOne.put(partition, key(partition, i), new byte[i]);
                }
            }
        }
        store.dropPartition(1);
        assertEquals(withoutOne.size(), store.size());
        assertEquals(withoutOne.memoryBytes(), store.memoryBytes());
        assertEquals(0, store.partitionSize(1));
        assertNull(store.get(1, key(1, 5)));
        assertArrayEquals(new byte[5], store.get(0, key(0, 5)));
        assertEquals(100, store.partitionSize(2));
        store.put(1, key(9), key(9)); // a dropped partition takes writes again
        assertEquals(1, store.partitionSize(1));
    }

    @Test
    void dropPartition_everyPartition_leavesEmptyStore() {
        store.put(0, key(1), key(1));
        store.put(3, key(2), key(2));
        store.dropPartition(2); // never written: a no-op
        for (int partition = 0; partition < store.partitions(); partition++) {
            store.dropPartition(partition);
        }
        assertEquals(0, store.size());
        assertEquals(0, store.memoryBytes());
        assertEquals(0, store.scan(null, null, 10, 1000, (k, v) -> { }));
    }

    @Test
    void partitionCursor_walksOnePartitionInKeyOrder() {
        for (int k : new int[] {9, 3, 7, 1}) {
            store.put(2, key(k), key(k));
            store.put(1, key(k + 1), key(k + 1));
        }
        assertEquals(List.of("01", "03", "07", "09"), keysFrom(store.partitionCursor(2, null)));
        assertEquals(List.of("07", "09"), keysFrom(store.partitionCursor(2, key(4))));
        assertFalse(store.partitionCursor(2, key(10)).valid());
    }

    @Test
    void partitionCursor_emptyOrAbsentPartition_isInvalid() {
        assertFalse(store.partitionCursor(0, null).valid());
        store.put(0, key(1), key(1));
        store.remove(0, key(1));
        assertFalse(store.partitionCursor(0, key()).valid());
    }

    @Test
    void scan_keysSpreadOverPartitions_deliversGlobalKeyOrderWithinBounds() {
        for (int k = 0; k < 20; k++) {
            store.put(k % 4, key(k), key(k));
        }
        List<String> seen = new ArrayList<>();
        int count = store.scan(key(5), key(11), 100, Long.MAX_VALUE, (k, v) -> seen.add(hex(k)));
        assertEquals(List.of("05", "06", "07", "08", "09", "0a"), seen);
        assertEquals(6, count);
    }

    @Test
    void scan_equalKeysInTwoPartitions_deliversBothInPartitionOrder() {
        store.put(3, key(1), key(33));
        store.put(0, key(1), key(30));
        store.put(2, key(0), key(20));
        List<String> seen = new ArrayList<>();
        store.scan(key(), key(), 10, 1000, (k, v) -> seen.add(hex(k) + "=" + hex(v)));
        assertEquals(List.of("00=14", "01=1e", "01=21"), seen);
    }

    @Test
    void scan_budgets_stopAtLimitOrBytesButDeliverAtLeastOne() {
        for (int k = 0; k < 10; k++) {
            store.put(k % 2, key(k), new byte[10]);
        }
        assertEquals(1, store.scan(null, null, 1, Long.MAX_VALUE, (k, v) -> { }));
        assertEquals(1, store.scan(null, null, 100, 1, (k, v) -> { }));
        assertEquals(2, store.scan(null, null, 100, 12, (k, v) -> { })); // 11 bytes each: 2nd reaches 12
        assertEquals(3, store.scan(null, null, 100, 23, (k, v) -> { }));
        assertEquals(0, store.scan(key(4), key(4), 100, 100, (k, v) -> { }));
        assertEquals(0, store.scan(key(5), key(4), 100, 100, (k, v) -> { }));
    }

    @Test
    void scan_nonPositiveBudgets_throwIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> store.scan(null, null, 0, 10, (k, v) -> { }));
        assertThrows(IllegalArgumentException.class, () -> store.scan(null, null, 10, 0, (k, v) -> { }));
    }

    @Test
    void scan_randomBoundsAndBudgets_matchesTreeMapModel() {
        long seed = TestSeed.get();
        SplittableRandom random = new SplittableRandom(seed);
        int partitions = 6;
        ShardStore shard = new ShardStore(partitions, seed);
        List<TreeMap<byte[], byte[]>> model = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            model.add(new TreeMap<>(Arrays::compareUnsigned));
        }
        for (int step = 0; step < 40_000; step++) {
            int at = step;
            Supplier<String> where = () -> "seed=" + seed + " step=" + at;
            byte[] key = RandomKeys.key(random);
            // Mostly the key's own partition, as callers do; sometimes another, so that keys
            // repeat across partitions.
            int p = random.nextInt(10) < 7
                    ? Math.floorMod(Arrays.hashCode(key), partitions)
                    : random.nextInt(partitions);
            int operation = random.nextInt(1000);
            if (operation < 500) {
                byte[] value = RandomKeys.value(random);
                assertArrayEquals(model.get(p).put(key, value), shard.put(p, key, value), where);
            } else if (operation < 800) {
                assertArrayEquals(model.get(p).remove(key), shard.remove(p, key.clone()), where);
            } else if (operation < 998) {
                assertSameScan(shard, model, random, where);
            } else {
                shard.dropPartition(p);
                model.get(p).clear();
            }
            assertEquals(model.stream().mapToLong(TreeMap::size).sum(), shard.size(), where);
            assertEquals(model.get(p).size(), shard.partitionSize(p), where);
        }
    }

    private static void assertSameScan(ShardStore shard, List<TreeMap<byte[], byte[]>> model,
            SplittableRandom random, Supplier<String> where) {
        byte[] start = randomBound(random);
        byte[] end = randomBound(random);
        int limit = random.nextInt(5) == 0 ? 1 : 1 + random.nextInt(64);
        int budget = random.nextInt(5);
        long maxBytes = budget == 0 ? 1 : budget == 1 ? Long.MAX_VALUE : 1 + random.nextInt(100);
        List<String> expected = expectedScan(model, start, end, limit, maxBytes);
        List<String> actual = new ArrayList<>();
        int count = shard.scan(start, end, limit, maxBytes, (k, v) -> actual.add(hex(k) + "=" + hex(v)));
        Supplier<String> context = () -> where.get() + " start=" + (start == null ? "null" : hex(start))
                + " end=" + (end == null ? "null" : hex(end)) + " limit=" + limit + " maxBytes=" + maxBytes;
        assertEquals(expected, actual, context);
        assertEquals(expected.size(), count, context);
    }

    /** Null (5%), empty (15%) or a random key. */
    private static byte[] randomBound(SplittableRandom random) {
        int draw = random.nextInt(100);
        return draw < 5 ? null : draw < 20 ? new byte[0] : RandomKeys.key(random);
    }

    /** The scan contract applied to the model, independently of the store's merge. */
    private static List<String> expectedScan(List<TreeMap<byte[], byte[]>> model, byte[] start, byte[] end,
            int limit, long maxBytes) {
        record Entry(byte[] key, int partition, byte[] value) { }
        byte[] from = start == null ? new byte[0] : start;
        boolean bounded = end != null && end.length > 0;
        if (bounded && Arrays.compareUnsigned(end, from) <= 0) {
            return List.of();
        }
        List<Entry> candidates = new ArrayList<>(); // each partition's first `limit` in range suffice
        for (int p = 0; p < model.size(); p++) {
            var range = bounded
                    ? model.get(p).subMap(from, true, end, false)
                    : model.get(p).tailMap(from, true);
            int taken = 0;
            for (var entry : range.entrySet()) {
                if (taken++ == limit) {
                    break;
                }
                candidates.add(new Entry(entry.getKey(), p, entry.getValue()));
            }
        }
        candidates.sort(Comparator.comparing(Entry::key, Arrays::compareUnsigned)
                .thenComparingInt(Entry::partition));
        List<String> delivered = new ArrayList<>();
        long bytes = 0;
        for (Entry entry : candidates) {
            delivered.add(hex(entry.key()) + "=" + hex(entry.value()));
            bytes += entry.key().length + entry.value().length;
            if (delivered.size() == limit || bytes >= maxBytes) {
                break;
            }
        }
        return delivered;
    }

    private static void assertRejects(int partition, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        String expected = "partition " + partition + " out of range [0, 4)";
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
