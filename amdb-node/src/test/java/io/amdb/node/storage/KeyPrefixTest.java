package io.amdb.node.storage;

import static io.amdb.node.storage.SkipListTest.key;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amdb.protocol.TestSeed;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestSeed.class)
class KeyPrefixTest {
    @Test
    void of_shortKeys_padWithZerosOnTheRight() {
        assertEquals(0L, KeyPrefix.of(key()));
        assertEquals(0x0100_0000_0000_0000L, KeyPrefix.of(key(1)));
        assertEquals(KeyPrefix.of(key(1)), KeyPrefix.of(key(1, 0)));
        assertEquals(0xFF7F_8000_0000_0000L, KeyPrefix.of(key(0xFF, 0x7F, 0x80)));
    }

    @Test
    void of_longKeys_takeFirstEightBytesBigEndian() {
        assertEquals(0x0102_0304_0506_0708L, KeyPrefix.of(key(1, 2, 3, 4, 5, 6, 7, 8, 9)));
        assertEquals(-1L, KeyPrefix.of(key(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)));
    }

    @Test
    void of_differentPrefixes_orderAsTheKeysDo() {
        long seed = TestSeed.get();
        SplittableRandom random = new SplittableRandom(seed);
        for (int step = 0; step < 20_000; step++) {
            byte[] a = RandomKeys.key(random);
            byte[] b = RandomKeys.key(random);
            long pa = KeyPrefix.of(a);
            long pb = KeyPrefix.of(b);
            if (pa != pb) {
                assertEquals(Integer.signum(Arrays.compareUnsigned(a, b)),
                        Integer.signum(Long.compareUnsigned(pa, pb)), "seed=" + seed + " step=" + step);
            }
        }
    }
}
