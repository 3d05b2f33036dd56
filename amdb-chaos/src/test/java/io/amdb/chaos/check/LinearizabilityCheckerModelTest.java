package io.amdb.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checker against histories of a simulated linearizable store ({@link RegisterSimulation}): every one is
 * OK, and each turns into a VIOLATION when one read is made to return a value real time proves overwritten.
 * Seeds follow {@link Seeds}.
 */
class LinearizabilityCheckerModelTest {
    private static final int SEEDS = 300;
    private final LinearizabilityChecker checker = new LinearizabilityChecker(5_000_000);

    @Test
    void check_simulatedLinearizableHistories_ok() {
        for (long seed : Seeds.forRun(SEEDS)) {
            Random random = new Random(seed);
            List<Op> history = simulation(random).run(50 + random.nextInt(250));
            CheckResult result = checker.check(history);
            assertEquals(Verdict.OK, result.verdict(), () -> Seeds.describe(seed) + "\n" + result.keys());
        }
    }

    @Test
    void check_simulatedHistoryWithOneStaleRead_violation() {
        long[] seeds = Seeds.forRun(SEEDS);
        int mutated = 0;
        for (long seed : seeds) {
            Random random = new Random(seed);
            List<Op> history = RegisterSimulation.withStaleRead(simulation(random).run(50 + random.nextInt(250)),
                    random);
            if (history != null) {
                mutated++;
                CheckResult result = checker.check(history);
                assertEquals(Verdict.VIOLATION, result.verdict(), () -> Seeds.describe(seed) + "\n" + result.keys());
                assertEquals(1, result.keysWith(Verdict.VIOLATION).size(), () -> Seeds.describe(seed));
            }
        }
        assertTrue(mutated > 0 || seeds.length == 1, "no simulated history had a read to mutate");
    }

    @Test
    void check_fiveThousandOperationsOnOneKeyFromFiveProcesses_okWithinBudget() {
        for (long seed : Seeds.forRun(1)) {
            List<Op> history = new RegisterSimulation(new Random(seed), 5, List.of("k"), 0.002, 0.01).run(5_000);
            KeyResult result = new LinearizabilityChecker(50_000_000).check(history).key("k");
            assertEquals(Verdict.OK, result.verdict(), () -> Seeds.describe(seed) + "\n" + result);
        }
    }

    @Test
    void check_tinyRandomHistories_agreeWithBruteForce() {
        long[] seeds = Seeds.forRun(20 * SEEDS);
        int violations = 0;
        for (long seed : seeds) {
            Random random = new Random(seed);
            List<Op> history = tinyHistory(random);
            boolean expected = BruteForce.linearizable(history);
            CheckResult result = checker.check(history);
            assertEquals(expected ? Verdict.OK : Verdict.VIOLATION, result.verdict(),
                    () -> Seeds.describe(seed) + "\n" + history + "\n" + result.keys());
            violations += expected ? 0 : 1;
        }
        if (seeds.length > 1) {
            assertTrue(violations > 0 && violations < seeds.length, violations + " of " + seeds.length + " violate");
        }
    }

    /**
     * Up to ten operations of every kind and outcome on one key (a fifth UNKNOWN, which the search's shortcuts
     * are about), with values a, b and absent, and times that tie.
     */
    private static List<Op> tinyHistory(Random random) {
        String[] values = {null, "a", "b"};
        List<Op> ops = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(10); i < n; i++) {
            long invoke = random.nextInt(25);
            long complete = invoke + random.nextInt(12);
            String value = values[random.nextInt(values.length)];
            Op op = switch (random.nextInt(3)) {
                case 0 -> Op.read(i, "k", value, invoke, complete);
                case 1 -> Op.write(i, "k", value, invoke, complete);
                default -> Op.cas(i, "k", values[random.nextInt(values.length)], value, random.nextBoolean(), invoke,
                        complete);
            };
            int fate = random.nextInt(20);
            ops.add(fate == 0 ? op.failed() : fate <= 4 ? op.unknown() : op);
        }
        return ops;
    }

    /** Up to four keys and six processes, with a few percent of UNKNOWN and FAILED operations. */
    private static RegisterSimulation simulation(Random random) {
        List<String> keys = RegisterSimulation.keys(1 + random.nextInt(4));
        return new RegisterSimulation(random, 2 + random.nextInt(5), keys, 0.05 * random.nextDouble(),
                0.05 * random.nextDouble());
    }
}
