package io.amdb.node.storage;

import java.util.SplittableRandom;

/**
 * Random keys and values for the seeded model tests, drawn from a random the test seeds with
 * {@code io.amdb.protocol.TestSeed} (so {@code -Damdb.seed=N} replays a failure exactly).
 *
 * <p>Keys are drawn so that collisions and prefix relations are frequent: mostly 1-6 bytes from
 * a five-letter alphabet holding the edge bytes 0x00, 0x7F, 0x80 and 0xFF, sometimes 7-12 bytes
 * from {0x00, 0xFF}, which makes keys that tie on their first eight bytes (the cached prefix).
 */
final class RandomKeys {
    private static final byte[] SHORT_ALPHABET = {0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFF};
    private static final byte[] LONG_ALPHABET = {0x00, (byte) 0xFF};

    private RandomKeys() {
    }


    /** A key as described in the class comment (85% short, 15% long). */
    static byte[] key(SplittableRandom random) {
        return random.nextInt(100) < 85
                ? bytes(random, 1 + random.nextInt(6), SHORT_ALPHABET)
                : bytes(random, 7 + random.nextInt(6), LONG_ALPHABET);
    }

    /** A value of 0-8 arbitrary bytes. */
    static byte[] value(SplittableRandom random) {
        byte[] value = new byte[random.nextInt(9)];
        random.nextBytes(value);
        return value;
    }

    private static byte[] bytes(SplittableRandom random, int length, byte[] alphabet) {
        byte[] key = new byte[length];
        for (int i = 0; i < length; i++) {
            key[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return key;
    }
}
