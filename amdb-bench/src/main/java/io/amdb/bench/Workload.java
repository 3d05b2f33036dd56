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
        this(prefix, keyCount, ops, valueSize, seed, false);
    }

    /**
     * As above; {@code distinct}: the first {@code min(ops, keyCount)} operations touch every key once, in a
     * random order (a load of exactly that many keys), and later ones are drawn at random as usual.
     */
    Workload(String prefix, int keyCount, int ops, int valueSize, long seed, boolean distinct) {
        SplittableRandom random = new SplittableRandom(seed);
        keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = String.format("%s%012d", prefix, i).getBytes(StandardCharsets.US_ASCII);
        }
        sequence = new int[ops];
        for (int i = 0; i < ops; i++) {
            sequence[i] = distinct && i < keyCount ? i : random.nextInt(keyCount);
        }
        for (int i = Math.min(ops, keyCount) - 1; distinct && i > 0; i--) { // Fisher-Yates over the distinct part
            int j = random.nextInt(i + 1);
            int t = sequence[i];
            sequence[i] = sequence[j];
            sequence[j] = t;
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
