package io.amdb.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each definition of {@link Anomalies} on hand-written histories, then soundness on simulated ones. */
class AnomaliesTest {
    private static final String K = "k";

    private static Op w(String value, long invoke, long complete) {
        return Op.write(1, K, value, invoke, complete);
    }

    private static Op r(String valueRead, long invoke, long complete) {
        return Op.read(2, K, valueRead, invoke, complete);
    }

    private static Anomalies find(Op... history) {
        return Anomalies.find(List.of(history));
    }

    @Test
    void find_writeBeganAfterFinalValuesWriterEnded_lostAndFinalReadStale() {
        Op b = w("b", 20, 30);
        Op finalRead = r("a", 40, 50);
        Anomalies found = find(w("a", 0, 10), b, finalRead);
        assertEquals(List.of(b), found.lostWrites());
        assertEquals(List.of(finalRead), found.staleReads());
        assertEquals(2, found.total());
    }

    @Test
    void find_finalReadAbsent_everyAcknowledgedWriteLost() {
        Op a = w("a", 0, 10);
        Op b = w("b", 5, 15);
        Op absent = r(null, 20, 30);
        Anomalies found = find(a, b, absent, w("c", 1, 2).unknown(), w("d", 3, 4).failed());
        assertEquals(List.of(a, b), found.lostWrites());
        assertEquals(List.of(absent), found.staleReads());
    }

    @Test
    void find_writeConcurrentWithFinalValuesWriter_none() {
        assertEquals(0, find(w("a", 0, 30), w("b", 10, 20), r("a", 40, 50)).total());
    }

    @Test
    void find_finalValueFromUnknownWrite_none() {
        assertEquals(0, find(w("a", 0, 10).unknown(), w("b", 20, 30), r("a", 40, 50)).total());
    }

    @Test
    void find_lastReadOverlapsAnAnsweredOperation_noFinalReadSoNoLostWrite() {
        Anomalies found = find(w("a", 0, 10), w("b", 20, 30), r("a", 40, 50), Op.cas(3, K, "x", "y", false, 5, 45));
        assertTrue(found.lostWrites().isEmpty());
        assertEquals(1, found.staleReads().size());
    }

    @Test
    void find_readOfValueOverwrittenBeforeItBegan_stale() {
        Op stale = r("a", 40, 50);
        Anomalies found = find(w("a", 0, 10), w("b", 20, 30), stale, r("b", 45, 55));
        assertEquals(List.of(stale), found.staleReads());
        assertTrue(found.lostWrites().isEmpty());
    }

    @Test
    void find_readConcurrentWithOverwrite_none() {
        assertEquals(0, find(w("a", 0, 10), w("b", 20, 50), r("a", 30, 40)).total());
    }

    @Test
    void find_touchingIntervals_countAsConcurrent() {
        assertEquals(0, find(w("a", 0, 10), w("b", 10, 20), r("a", 30, 40)).total());
        assertEquals(0, find(w("a", 0, 10), w("b", 20, 30), r("a", 30, 40)).total());
        assertEquals(0, find(w("a", 0, 10), w("b", 20, 30), w("c", 25, 30), r("a", 30, 40)).total());
    }

    @Test
    void find_valueWrittenAgainLater_none() {
        assertEquals(0, find(w("a", 0, 10), w("b", 20, 30), w("a", 40, 50), r("a", 60, 70)).total());
    }

    @Test
    void find_readOfValueNobodyWrote_unwrittenNotStale() {
        Op phantom = r("z", 20, 30);
        Op failedWriteSeen = r("f", 40, 50);
        Anomalies found = find(w("a", 0, 10), phantom, w("f", 35, 36).failed(), failedWriteSeen);
        assertEquals(List.of(phantom, failedWriteSeen), found.unwrittenReads());
        assertTrue(found.staleReads().isEmpty());
    }

    @Test
    void find_swappedCasIsAWrite_failedConditionIsNot() {
        Op swapped = Op.cas(1, K, "a", "b", true, 20, 30);
        assertEquals(List.of(swapped), find(w("a", 0, 10), swapped, r("a", 40, 50)).lostWrites());
        assertEquals(0, find(w("a", 0, 10), Op.cas(1, K, "a", "b", false, 20, 30), r("a", 40, 50)).total());
    }

    @Test
    void find_keysAreSeparate() {
        Anomalies found = find(Op.write(1, "x", "a", 0, 10), Op.read(2, "y", "a", 20, 30));
        assertEquals(1, found.unwrittenReads().size());
        assertEquals(1, found.total());
    }

    @Test
    void find_simulatedLinearizableHistories_none() {
        for (long seed : Seeds.forRun(300)) {
            Random random = new Random(seed);
            List<Op> history = new RegisterSimulation(random, 2 + random.nextInt(5),
                    RegisterSimulation.keys(1 + random.nextInt(3)), 0.05, 0.05).run(300);
            Anomalies found = Anomalies.find(history);
            assertEquals(0, found.total(), () -> Seeds.describe(seed) + ": " + found);
        }
    }

    @Test
    void find_simulatedHistoryWithOneStaleRead_findsIt() {
        long[] seeds = Seeds.forRun(300);
        int mutated = 0;
        for (long seed : seeds) {
            Random random = new Random(seed);
            List<Op> history = RegisterSimulation.withStaleRead(new RegisterSimulation(random, 4,
                    RegisterSimulation.keys(2), 0.05, 0.05).run(300), random);
            if (history != null) {
                mutated++;
                Anomalies found = Anomalies.find(history);
                assertEquals(1, found.staleReads().size(), () -> Seeds.describe(seed) + ": " + found);
                assertTrue(found.unwrittenReads().isEmpty(), () -> Seeds.describe(seed) + ": " + found);
            }
        }
        assertTrue(mutated > 0 || seeds.length == 1, "no simulated history had a read to mutate");
    }
}
