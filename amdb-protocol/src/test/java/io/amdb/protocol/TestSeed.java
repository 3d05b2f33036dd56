package io.amdb.protocol;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The one seed convention of every randomized test in the repository (STYLE.md, item 26): a test takes its
 * seed from {@link #get()}, which is {@code -Damdb.seed=N} when given and the clock otherwise, and derives all
 * its randomness from it, so that one failing run replays exactly with that property.
 *
 * <p>Registered as an extension ({@code @ExtendWith(TestSeed.class)}), it puts the seed of the failed test
 * (the last one {@link #get()} gave on the test's thread) in front of the failure message, so a test need not
 * repeat it in every assertion. Shared as amdb-protocol's test-jar with the other modules' tests.
 *
 * <p>Thread safety: {@link #get()} from any thread; the seed a failure names is the one its thread drew.
 */
public final class TestSeed implements TestExecutionExceptionHandler {
    /** The system property that replays a run. */
    public static final String PROPERTY = "amdb.seed";

    private static final ThreadLocal<Long> LAST = new ThreadLocal<>();

    /** The seed of this run: {@code -Damdb.seed=N} if given, else the clock. Remembered for the failure message. */
    public static long get() {
        String property = System.getProperty(PROPERTY);
        long seed = property != null ? Long.parseLong(property.trim()) : System.nanoTime();
        LAST.set(seed);
        return seed;
    }

    /** Names {@code seed} in the failure message of the current test (a test that runs many seeds, one by one). */
    public static void running(long seed) {
        LAST.set(seed);
    }

    /** True when the run replays a given seed ({@code -Damdb.seed=N}). */
    public static boolean given() {
        return System.getProperty(PROPERTY) != null;
    }

    /** How a failure names its seed: {@code seed N (replay with -Damdb.seed=N)}. */
    public static String describe(long seed) {
        return "seed " + seed + " (replay with -D" + PROPERTY + "=" + seed + ")";
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        Long seed = LAST.get();
        LAST.remove();
        if (seed == null || (failure.getMessage() != null && failure.getMessage().contains(describe(seed)))) {
            throw failure;
        }
        AssertionError named = new AssertionError(describe(seed) + ": " + failure.getMessage(), failure);
        named.setStackTrace(failure.getStackTrace());
        throw named;
    }
}
