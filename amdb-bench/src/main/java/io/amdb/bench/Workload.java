package io.amdb.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The keys, the random order they are touched in, and the value written: shared by the network phases and
 * the in-process baseline so both work on the same keys. Deterministic for a seed.
 */
final class Workload {
    final byte[][] keys;
    final int[] sequence;
    final byte[] value;

    Workload(int keyCount, int ops, int valueSize, long seed) {
        this("key:", keyCount, ops, valueSize, seed);
    }

    /** Keys are {@code prefix} followed by a 12-digit number, like redis-benchmark's {@code key:__rand_int__}. */
    Workload(String prefix, int keyCount, int ops, int valueSize, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = String.format("%s%012d", prefix, i).getBytes(StandardCharsets.US_ASCII);
        }
        sequence = new int[ops];
        for (int i = 0; i < ops; i++) {
            sequence[i] = random.nextInt(keyCount);
        }
        value = new byte[valueSize];
        for (int i = 0; i < valueSize; i++) {
            value[i] = (byte) ('a' + random.nextInt(26));
        }
    }

    byte[] key(int op) {
        return keys[sequence[op]];
    }

    int ops() {
        return sequence.length;
    }
}
