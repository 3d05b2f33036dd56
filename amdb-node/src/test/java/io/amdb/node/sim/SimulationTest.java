package io.amdb.node.sim;

import io.amdb.protocol.TestSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the deterministic simulation ({@link Sim}) over many seeds: {@code amdb.sim.seeds} of them (default
 * {@link #DEFAULT_SEEDS}, sized for about a minute on a 2-core machine; more for a soak) from {@code amdb.seed}
 * on. {@code -Damdb.seed=N} alone replays exactly seed N. A failure names the seed and its options.
 */
@ExtendWith(TestSeed.class)
class SimulationTest {
    static final int DEFAULT_SEEDS = 5000;

    @Test
    void run_manySeeds_keepsEveryInvariant() {
        long first = TestSeed.get();
        int count = Integer.getInteger("amdb.sim.seeds", TestSeed.given() ? 1 : DEFAULT_SEEDS);
        long t0 = System.nanoTime();
        long steps = 0;
        java.util.List<Long> known = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            TestSeed.running(first + i);
            Sim sim = new Sim(SimOptions.of(first + i));
            try {
                sim.run();
            } catch (SimChecks.KnownBug e) {
                known.add(first + i);
                System.out.println("SimulationTest: known bug, seed " + (first + i) + ": " + e.getMessage());
            }
            steps += sim.steps;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("SimulationTest: seeds %d..%d (%d), %.0f seeds/s, %d events, %.1f s%n", first, first + count - 1,
                count, count / seconds, steps, seconds);
        if (!known.isEmpty()) {
            System.out.println("SimulationTest: seeds that hit a known bug (see SimChecks.KnownBug): " + known);
        }
    }
}
