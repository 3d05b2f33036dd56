package io.amdb.node.ring;

/**
 * The seed of a randomized test: {@code -Damdb.seed=N} if given, else the clock. Tests put it in every
 * assertion message so that one failing run replays exactly.
 */
public final class TestSeed {
    private TestSeed() {}

    public static long get() {
        String property = System.getProperty("amdb.seed");
        return property != null ? Long.parseLong(property.trim()) : System.nanoTime();
    }
}
