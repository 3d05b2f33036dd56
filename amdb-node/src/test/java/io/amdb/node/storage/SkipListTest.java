package io.amdb.node.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.TestSeed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Edge cases of {@link SkipList}, then a seeded model test against {@code TreeMap} (see
 * {@link RandomKeys} for the seed and how to replay it).
 */
@ExtendWith(TestSeed.class)
class SkipListTest {
    private final SkipList list = new SkipList(1);

    @Test
    void appender_ascendingKeysWithAFewOutOfOrder_equalsModelWithVersions() {
        long seed = TestSeed.get();
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
            SkipList list = new SkipList(seed + round);
            for (int i = 0; i < 200; i++) { // some keys there before the load starts
                byte[] k = RandomKeys.key(random);
                byte[] v = RandomKeys.value(random);
                list.put(k, v, i);
                model.put(k, v);
            }
            TreeMap<byte[], byte[]> load = new TreeMap<>(Arrays::compareUnsigned);
            for (int i = 0; i < 2_000; i++) {
                load.put(RandomKeys.key(random), RandomKeys.value(random));
            }
            SkipList.Appender appender = list.appender();
            long version = 1_000;
            for (Map.Entry<byte[], byte[]> e : load.entrySet()) {
                if (random.nextInt(50) == 0) { // out of order: put normally, the appender finds the end again
                    byte[] k = RandomKeys.key(random);
                    appender.append(k, e.getValue(), version++);
                    model.put(k, e.getValue());
                }
                appender.append(e.getKey(), e.getValue(), version++);
                model.put(e.getKey(), e.getValue());
            }
            list.checkInvariants();
            assertEquals(model.size(), list.size(), "seed " + seed + " round " + round);
            SkipList.Cursor c = list.first();
            for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
                assertArrayEquals(e.getKey(), c.key(), "seed " + seed + " round " + round);
                assertArrayEquals(e.getValue(), c.value(), "seed " + seed + " round " + round);
                c.next();
            }
        }
    }

    @Test
    void emptyList_anyRead_findsNothing() {
        assertNull(list.get(key(1)));
        assertEquals(0, list.size());
        assertEquals(0, list.memoryBytes());
        assertFalse(list.first().valid());
        assertFalse(list.seek(key(1)).valid());
        assertFalse(list.seek(null).valid());
        assertNull(list.remove(key(1)));
        list.checkInvariants();
    }

    @Test
    void put_existingKey_returnsOldValueAndReplacesIt() {
        assertNull(list.put(key(1), key(10)));
        assertArrayEquals(key(10), list.put(key(1), key(11)));
        assertArrayEquals(key(11), list.get(key(1)));
        assertEquals(1, list.size());
        list.checkInvariants();
    }

    @Test
    void put_storesCallerArraysWithoutCopying() {
        byte[] value = key(10);
        list.put(key(1), value);
        assertSame(value, list.get(key(1)), "the stored array is the caller's");
    }

    @Test
    void remove_missingKey_returnsNullAndChangesNothing() {
        list.put(key(1), key(10));
        list.put(key(3), key(30));
        long bytes = list.memoryBytes();
        assertNull(list.remove(key(2)));
        assertNull(list.remove(key(1, 0)));
        assertEquals(2, list.size());
        assertEquals(bytes, list.memoryBytes());
        list.checkInvariants();
    }

    @Test
    void remove_presentKey_returnsValueAndForgetsKey() {
        list.put(key(1), key(10));
        list.put(key(2), key(20));
        assertArrayEquals(key(10), list.remove(key(1)));
        assertNull(list.get(key(1)));
        assertArrayEquals(key(20), list.get(key(2)));
        assertEquals(1, list.size());
        list.checkInvariants();
    }

    @Test
    void iteration_highBitBytes_followUnsignedOrder() {
        for (int b : new int[] {0xFF, 0x00, 0x80, 0x7F}) {
            list.put(key(b), key(b));
        }
        assertEquals(List.of("00", "7f", "80", "ff"), keysFrom(list.first()));
    }

    @Test
    void iteration_prefixRelatedKeys_prefixSortsFirst() {
        byte[][] keys = {key(1, 0), key(1), key(0xFF), key(1, 0, 0), key(), key(1, 1), key(0, 0xFF)};
        for (byte[] k : keys) {
            list.put(k, k);
        }
        assertEquals(List.of("", "00ff", "01", "0100", "010000", "0101", "ff"), keysFrom(list.first()));
        list.checkInvariants();
    }

    @Test
    void iteration_keysLongerThanPrefix_orderPastEighthByte() {
        byte[] low = key(7, 7, 7, 7, 7, 7, 7, 7, 0x01);
        byte[] high = key(7, 7, 7, 7, 7, 7, 7, 7, 0xF0);
        byte[] exact = key(7, 7, 7, 7, 7, 7, 7, 7);
        list.put(high, high);
        list.put(low, low);
        list.put(exact, exact);
        assertEquals(List.of("0707070707070707", "070707070707070701", "0707070707070707f0"),
                keysFrom(list.first()));
        assertArrayEquals(low, list.get(key(7, 7, 7, 7, 7, 7, 7, 7, 0x01)));
        assertNull(list.get(key(7, 7, 7, 7, 7, 7, 7, 7, 0x02)));
    }

    @Test
    void seek_exactKey_positionsOnIt() {
        putAll(1, 3, 5);
        SkipList.Cursor cursor = list.seek(key(3));
        assertArrayEquals(key(3), cursor.key());
        assertArrayEquals(key(3), cursor.value());
        assertEquals(List.of("03", "05"), keysFrom(cursor));
    }

    @Test
    void seek_betweenKeys_positionsOnNextGreater() {
        putAll(1, 3, 5);
        assertEquals(List.of("03", "05"), keysFrom(list.seek(key(2))));
        assertEquals(List.of("03", "05"), keysFrom(list.seek(key(1, 0))));
    }

    @Test
    void seek_nullOrEmptyKey_positionsOnFirst() {
        putAll(4, 2);
        assertEquals(List.of("02", "04"), keysFrom(list.seek(null)));
        assertEquals(List.of("02", "04"), keysFrom(list.seek(key())));
        assertEquals(List.of("02", "04"), keysFrom(list.first()));
    }

    @Test
    void seek_pastLastKey_returnsInvalidCursor() {
        putAll(1, 3);
        assertFalse(list.seek(key(3, 0)).valid());
        assertFalse(list.seek(key(0xFF)).valid());
    }

    @Test
    void cursor_readPastEnd_throwsNoSuchElement() {
        putAll(1);
        SkipList.Cursor cursor = list.first();
        cursor.next();
        assertFalse(cursor.valid());
        assertThrows(NoSuchElementException.class, cursor::key);
        assertThrows(NoSuchElementException.class, cursor::value);
        assertThrows(NoSuchElementException.class, cursor::next);
    }

    @Test
    void memoryBytes_putsAndRemoves_growsThenReturnsToZero() {
        long previous = 0;
        for (int i = 0; i < 200; i++) {
            list.put(key(i >> 4, i), new byte[i]);
            assertTrue(list.memoryBytes() > previous, "grows with every new entry");
            previous = list.memoryBytes();
        }
        list.put(key(0, 0), new byte[1000]); // a bigger value for an existing key
        assertTrue(list.memoryBytes() >= previous + 1000 - 8);
        list.checkInvariants();
        for (int i = 0; i < 200; i++) {
            list.remove(key(i >> 4, i));
        }
        assertEquals(0, list.size());
        assertEquals(0, list.memoryBytes());
        list.checkInvariants();
    }

    @Test
    void put_nullKeyOrValue_throwsNullPointerException() {
        assertThrows(NullPointerException.class, () -> list.put(null, key(1)));
        assertThrows(NullPointerException.class, () -> list.put(key(1), null));
        assertThrows(NullPointerException.class, () -> list.get(null));
        assertThrows(NullPointerException.class, () -> list.remove(null));
    }

    @Test
    void randomOperations_matchTreeMapModel() {
        long seed = TestSeed.get();
        SplittableRandom random = new SplittableRandom(seed);
        SkipList list = new SkipList(seed);
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        int steps = 120_000;
        for (int step = 0; step < steps; step++) {
            int at = step;
            Supplier<String> where = () -> "seed=" + seed + " step=" + at;
            byte[] key = RandomKeys.key(random);
            int operation = random.nextInt(100);
            if (operation < 40) {
                byte[] value = RandomKeys.value(random);
                assertArrayEquals(model.put(key, value), list.put(key, value), where);
            } else if (operation < 65) {
                assertArrayEquals(model.get(key), list.get(key.clone()), where);
            } else if (operation < 85) {
                assertArrayEquals(model.remove(key), list.remove(key.clone()), where);
            } else {
                byte[] from = random.nextInt(20) == 0 ? new byte[0] : key.clone();
                assertSameWalk(model.tailMap(from, true), list.seek(from), random.nextInt(8), where);
            }
            if (step % 5_000 == 0) {
                assertSameContents(model, list, where);
            }
        }
        assertSameContents(model, list, () -> "seed=" + seed + " step=" + steps + " (end)");
    }

    /** The first {@code steps} entries of the cursor equal those of {@code expected}. */
    private static void assertSameWalk(Map<byte[], byte[]> expected, SkipList.Cursor cursor, int steps,
            Supplier<String> where) {
        Iterator<Map.Entry<byte[], byte[]>> entries = expected.entrySet().iterator();
        for (int i = 0; i < steps; i++, cursor.next()) {
            assertEquals(entries.hasNext(), cursor.valid(), where);
            if (!cursor.valid()) {
                return;
            }
            Map.Entry<byte[], byte[]> entry = entries.next();
            assertArrayEquals(entry.getKey(), cursor.key(), where);
            assertArrayEquals(entry.getValue(), cursor.value(), where);
        }
    }

    private static void assertSameContents(TreeMap<byte[], byte[]> model, SkipList list,
            Supplier<String> where) {
        assertEquals(model.size(), list.size(), where);
        assertSameWalk(model, list.first(), model.size() + 1, where);
        try {
            list.checkInvariants();
        } catch (IllegalStateException e) {
            throw new AssertionError(where.get() + ": " + e.getMessage(), e);
        }
    }

    private void putAll(int... keys) {
        for (int k : keys) {
            list.put(key(k), key(k));
        }
    }

    /** Builds a key from unsigned byte values. */
    static byte[] key(int... bytes) {
        byte[] key = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            key[i] = (byte) bytes[i];
        }
        return key;
    }

    /** Walks the cursor to its end, returning the keys in hex. */
    static List<String> keysFrom(SkipList.Cursor cursor) {
        List<String> keys = new ArrayList<>();
        for (; cursor.valid(); cursor.next()) {
            keys.add(HexFormat.of().formatHex(cursor.key()));
        }
        return keys;
    }

    @Test
    void put_keysSharingALongPrefix_orderAndSeeksMatchModel() {
        long seed = TestSeed.get();
        java.util.Random random = new java.util.Random(seed);
        SkipList list = new SkipList(seed);
        java.util.TreeMap<byte[], byte[]> model = new java.util.TreeMap<>(java.util.Arrays::compareUnsigned);
        for (int i = 0; i < 5_000; i++) {
            byte[] k = String.format("user:%012d", random.nextInt(1_000_000)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            list.put(k, k);
            model.put(k, k);
        }
        list.checkInvariants();
        // Seeks inside, below and above the shared "user:0000" prefix, and one that shares only part of it.
        for (String probe : new String[] {"user:000000500000", "a", "zzz", "user:1", "user:", "user:0000009"}) {
            byte[] key = probe.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            SkipList.Cursor c = list.seek(key);
            byte[] expected = model.ceilingKey(key);
            if (expected == null) {
                assertFalse(c.valid(), "seed=" + seed + " probe=" + probe);
            } else {
                assertArrayEquals(expected, c.key(), "seed=" + seed + " probe=" + probe);
            }
        }
        list.put("a".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[0]); // shrinks the shared prefix to 0
        model.put("a".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[0]);
        list.checkInvariants();
        SkipList.Cursor c = list.first();
        for (byte[] k : model.keySet()) {
            assertArrayEquals(k, c.key(), "seed=" + seed);
            c.next();
        }
        assertFalse(c.valid());
    }
}
