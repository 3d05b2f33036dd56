package io.amdb.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-written histories with known verdicts; the random ones are in {@link LinearizabilityCheckerModelTest}. */
class LinearizabilityCheckerTest {
    private static final String K = "k";
    private final LinearizabilityChecker checker = new LinearizabilityChecker(1_000_000);

    private static Op w(int process, String value, long invoke, long complete) {
        return Op.write(process, K, value, invoke, complete);
    }

    private static Op r(int process, String valueRead, long invoke, long complete) {
        return Op.read(process, K, valueRead, invoke, complete);
    }

    private static Op cas(int process, String expected, String value, boolean swapped, long invoke, long complete) {
        return Op.cas(process, K, expected, value, swapped, invoke, complete);
    }

    private Verdict verdict(Op... history) {
        return checker.check(List.of(history)).verdict();
    }

    @Test
    void check_sequentialWritesAndReads_ok() {
        assertEquals(Verdict.OK, verdict(r(1, null, 0, 1), w(1, "a", 2, 3), r(2, "a", 4, 5), w(2, "b", 6, 7),
                r(1, "b", 8, 9)));
    }

    @Test
    void check_emptyHistory_ok() {
        CheckResult result = checker.check(List.of());
        assertEquals(Verdict.OK, result.verdict());
        assertTrue(result.keys().isEmpty());
    }

    @Test
    void check_readConcurrentWithWrite_okWithEitherValue() {
        assertEquals(Verdict.OK, verdict(w(1, "a", 0, 10), w(1, "b", 20, 40), r(2, "a", 25, 30)));
        assertEquals(Verdict.OK, verdict(w(1, "a", 0, 10), w(1, "b", 20, 40), r(2, "b", 25, 30)));
    }

    @Test
    void check_readsDisagreeOnOrderOfConcurrentWrite_violation() {
        // both reads overlap the write of b, but the second begins after the first saw b: it cannot see a again
        assertEquals(Verdict.VIOLATION, verdict(w(1, "a", 0, 10), w(1, "b", 20, 100), r(2, "b", 30, 40),
                r(3, "a", 50, 60)));
    }

    @Test
    void check_touchingIntervals_countAsConcurrent() {
        assertEquals(Verdict.OK, verdict(w(1, "a", 0, 10), r(2, null, 10, 20)));
    }

    @Test
    void check_readOfOverwrittenValue_violation() {
        assertEquals(Verdict.VIOLATION, verdict(w(1, "a", 0, 10), w(1, "b", 20, 30), r(2, "a", 40, 50)));
    }

    @Test
    void check_acknowledgedWriteThenReadAbsent_violation() {
        assertEquals(Verdict.VIOLATION, verdict(w(1, "a", 0, 10), r(2, null, 20, 30)));
    }

    @Test
    void check_readOfValueNeverWritten_violation() {
        assertEquals(Verdict.VIOLATION, verdict(w(1, "a", 0, 10), r(2, "z", 20, 30)));
    }

    @Test
    void check_casSwapsOnExpectedValue_ok() {
        assertEquals(Verdict.OK, verdict(w(1, "a", 0, 10), cas(1, "a", "b", true, 20, 30), r(2, "b", 40, 50)));
        assertEquals(Verdict.OK, verdict(cas(1, null, "b", true, 0, 10), r(2, "b", 20, 30)));
    }

    @Test
    void check_casSwapsOnOtherValue_violation() {
        assertEquals(Verdict.VIOLATION, verdict(w(1, "c", 0, 10), cas(1, "a", "b", true, 20, 30)));
    }

    @Test
    void check_casConditionFailsOnOtherValue_okAndWritesNothing() {
        assertEquals(Verdict.OK, verdict(w(1, "c", 0, 10), cas(1, "a", "b", false, 20, 30), r(2, "c", 40, 50)));
        assertEquals(Verdict.VIOLATION, verdict(w(1, "c", 0, 10), cas(1, "a", "b", false, 20, 30),
                r(2, "b", 40, 50)));
    }

    @Test
    void check_casConditionFailsOnExpectedValue_violation() {
        assertEquals(Verdict.VIOLATION, verdict(w(1, "a", 0, 10), cas(1, "a", "b", false, 20, 30)));
    }

    @Test
    void check_unknownWriteSeenLongAfter_ok() {
        Op lostReply = w(1, "a", 0, 5).unknown();
        assertEquals(Verdict.OK, verdict(lostReply, r(2, null, 10, 20), r(2, null, 100, 110), r(2, "a", 200, 210),
                r(3, "a", 300, 310)));
    }

    @Test
    void check_unknownWriteNeverSeen_ok() {
        assertEquals(Verdict.OK, verdict(w(1, "a", 0, 5).unknown(), r(2, null, 10, 20), r(2, null, 300, 310)));
    }

    @Test
    void check_unknownWriteSeenThenUnseen_violation() {
        assertEquals(Verdict.VIOLATION, verdict(w(1, "a", 0, 5).unknown(), r(2, "a", 10, 20), r(2, null, 30, 40)));
    }

    @Test
    void check_unknownCas_takesEffectOnlyWhereItsConditionHolds() {
        Op unknownCas = cas(1, "a", "b", true, 0, 5).unknown();
        assertEquals(Verdict.OK, verdict(unknownCas, w(2, "a", 10, 20), r(2, "b", 30, 40)));
        assertEquals(Verdict.VIOLATION, verdict(unknownCas, w(2, "c", 10, 20), r(2, "b", 30, 40)));
    }

    @Test
    void check_failedWriteIsDropped_itsValueCountsAsNeverWritten() {
        assertEquals(Verdict.OK, verdict(w(1, "a", 0, 10).failed(), r(2, null, 20, 30)));
        assertEquals(Verdict.VIOLATION, verdict(w(1, "a", 0, 10).failed(), r(2, "a", 20, 30)));
    }

    @Test
    void check_unknownReadIsDropped() {
        assertEquals(Verdict.OK, verdict(w(1, "a", 0, 10), r(2, "garbage", 20, 30).unknown()));
    }

    @Test
    void check_repeatedValues_notAssumedUnique() {
        assertEquals(Verdict.OK, verdict(w(1, "a", 0, 10), w(1, "b", 20, 30), w(1, "a", 40, 50), r(2, "a", 60, 70)));
        assertEquals(Verdict.OK, verdict(w(1, "a", 0, 10), cas(1, "a", "b", true, 20, 30), cas(2, "b", "a", true, 40,
                50), cas(1, "a", "c", true, 60, 70)));
    }

    @Test
    void check_twoKeys_verdictPerKey() {
        CheckResult result = checker.check(List.of(Op.write(1, "good", "a", 0, 10), Op.read(2, "good", "a", 20, 30),
                Op.write(1, "bad", "a", 0, 10), Op.read(2, "bad", null, 20, 30)));
        assertEquals(Verdict.VIOLATION, result.verdict());
        assertEquals(Verdict.OK, result.key("good").verdict());
        assertEquals(Verdict.VIOLATION, result.key("bad").verdict());
        assertEquals(List.of(result.key("bad")), result.keysWith(Verdict.VIOLATION));
    }

    @Test
    void check_violation_explainsLongestPrefixAndStuckOperations() {
        Op a = w(1, "a", 0, 10);
        Op b = w(1, "b", 20, 30);
        Op staleRead = r(2, "a", 40, 50);
        KeyResult result = checker.check(List.of(a, b, staleRead)).key(K);
        assertEquals(Verdict.VIOLATION, result.verdict());
        assertEquals(3, result.operations());
        String text = result.explanation();
        assertTrue(text.contains("longest linearizable prefix found has 2 of 3"), text);
        assertTrue(text.contains(a.toString()) && text.contains(b.toString()), text);
        assertTrue(text.contains("leaving the register at \"b\""), text);
        assertTrue(text.contains("none of these leads to a linearization (1 operations"), text);
        assertTrue(text.endsWith(staleRead.toString()), text);
    }

    @Test
    void check_budgetTooSmall_unknownNotOk() {
        List<Op> history = new RegisterSimulation(new Random(1), 5, List.of(K), 0.1, 0.0).run(200);
        KeyResult result = new LinearizabilityChecker(10).check(history).key(K);
        assertEquals(Verdict.UNKNOWN, result.verdict());
        assertEquals(10, result.steps());
        assertTrue(result.explanation().startsWith("search budget of 10 steps exhausted"), result.explanation());
    }

    @Test
    void constructor_noBudget_throws() {
        assertThrows(IllegalArgumentException.class, () -> new LinearizabilityChecker(0));
    }

    @Test
    void check_keyWithOnlyDroppedOperations_hasNoResult() {
        CheckResult result = checker.check(List.of(w(1, "a", 0, 10).failed()));
        assertEquals(Verdict.OK, result.verdict());
        assertNull(result.key(K));
    }
}
