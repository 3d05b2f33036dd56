package io.amdb.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyHashTest {
    @Test
    void hash64_referenceVectors_matchXxh64() {
        // Published XXH64 values for seed 0.
        assertEquals(0xEF46DB3751D8E999L, KeyHash.hash64(new byte[0]));
        assertEquals(0xD24EC4F1A98C6E5BL, KeyHash.hash64("a".getBytes(UTF_8)));
        assertEquals(0x44BC2CF5AD770999L, KeyHash.hash64("abc".getBytes(UTF_8)));
    }

    @Test
    void hash64_everyLengthUpTo100_usesAllBytes() {
        byte[] key = new byte[100];
        for (int len = 1; len <= 100; len++) {
            byte[] a = java.util.Arrays.copyOf(key, len);
            byte[] b = a.clone();
            b[len - 1] ^= 1;
            assertTrue(KeyHash.hash64(a) != KeyHash.hash64(b), "last byte ignored at length " + len);
        }
    }

    @Test
    void partition_manyKeys_spreadsEvenlyAndStaysInRange() {
        Partitioner p = new Partitioner(64);
        int[] counts = new int[64];
        for (int i = 0; i < 64_000; i++) {
            int part = p.partition(("key_" + i).getBytes(UTF_8));
            counts[part]++;
        }
        for (int c : counts) {
            assertTrue(c > 700 && c < 1300, "uneven partition count " + c);
        }
    }

    @Test
    void partitioner_notPowerOfTwo_rejected() {
        assertThrows(IllegalArgumentException.class, () -> new Partitioner(1000));
        assertThrows(IllegalArgumentException.class, () -> new Partitioner(0));
    }
}
