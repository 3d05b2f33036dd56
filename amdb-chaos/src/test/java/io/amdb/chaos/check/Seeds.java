package io.amdb.chaos.check;

import java.util.stream.LongStream;

/**
 * The repository's seed convention for this module's randomized tests: {@code -Damdb.seed=N} replays one
 * seed, and every failure names its seed the same way. It mirrors amdb-protocol's {@code TestSeed}, whose
 * test-jar this module does not depend on: the checker needs nothing from the rest of AmDb.
 */
final class Seeds {
    private static final String PROPERTY = "amdb.seed";

    private Seeds() {
    }

    /** The seeds of this run: the one given with {@code -Damdb.seed=N}, else {@code count} drawn from the clock. */
    static long[] forRun(int count) {
        String given = System.getProperty(PROPERTY);
        if (given != null) {
            return new long[] {Long.parseLong(given.trim())};
        }
        long base = System.nanoTime();
        return LongStream.range(0, count).map(i -> base + i).toArray();
    }

    /** How a failure names its seed: {@code seed N (replay with -Damdb.seed=N)}. */
    static String describe(long seed) {
        return "seed " + seed + " (replay with -D" + PROPERTY + "=" + seed + ")";
    }
}
