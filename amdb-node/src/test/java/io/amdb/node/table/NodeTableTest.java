package io.amdb.node.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Installs in epoch order only; every wait resumes exactly once, when its condition holds or at the bound. */
class NodeTableTest {
    private static final Member SELF = new Member("self", "127.0.0.1", 1);
    private static final Member OTHER = new Member("other", "127.0.0.1", 2);

    private final FakeTimers timers = new FakeTimers();
    private final NodeTable table = new NodeTable(SELF, timers);

    /** A 4-partition table at {@code epoch}; this node owns the first {@code mine} partitions. */
    private static PartitionTable at(long epoch, int mine) {
        int[] owners = new int[4];
        for (int p = mine; p < owners.length; p++) {
            owners[p] = 1;
        }
        return new PartitionTable(epoch, 4, List.of(SELF, OTHER), owners, List.of());
    }

    @Test
    void install_newerOnly_andDerivedFactsMatchTheTable() {
        assertNull(table.current());
        assertTrue(table.install(at(2, 4)));
        assertTrue(table.ownsAll());
        assertFalse(table.install(at(2, 1)), "same epoch");
        assertFalse(table.install(at(1, 1)), "older epoch");
        assertEquals(2, table.current().epoch());
        assertTrue(table.install(at(5, 1)));
        assertFalse(table.ownsAll());
        assertEquals(1, table.view().owned());
        assertSame(table.current(), table.view().table());
    }

    @Test
    void install_raisesTheVersionAndCallsListenersInOrder_onlyForNewerTables() {
        List<String> calls = new ArrayList<>();
        table.addListener(t -> calls.add("a" + t.epoch()));
        table.addListener(t -> calls.add("b" + t.epoch()));
        long before = table.version();
        table.install(at(1, 4));
        table.install(at(1, 4));
        table.install(at(3, 4));
        assertEquals(List.of("a1", "b1", "a3", "b3"), calls);
        assertEquals(before + 2, table.version());
        table.handoffAborted();
        assertEquals(before + 3, table.version(), "an aborted handoff raises the version too");
    }

    @Test
    void removeListener_stopsCalls() {
        AtomicInteger calls = new AtomicInteger();
        java.util.function.Consumer<PartitionTable> listener = t -> calls.incrementAndGet();
        table.addListener(listener);
        table.install(at(1, 4));
        table.removeListener(listener);
        table.install(at(2, 4));
        assertEquals(1, calls.get());
    }

    @Test
    void await_conditionAlreadyTrue_resumesAtOnceWithoutATimer() {
        AtomicInteger runs = new AtomicInteger();
        table.await(() -> true, runs::incrementAndGet);
        assertEquals(1, runs.get());
        assertEquals(0, timers.liveTimers());
    }

    @Test
    void untilNewer_resumesOnceOnTheCallersContext_whenTheEpochArrives() {
        table.install(at(1, 4));
        AtomicInteger runs = new AtomicInteger();
        table.untilNewer(3, table.version()).onComplete(ar -> runs.incrementAndGet());
        table.install(at(2, 4));
        timers.runPending();
        assertEquals(0, runs.get(), "epoch 2 is not 3 yet");
        table.install(at(3, 4));
        assertEquals(0, runs.get(), "resumes on the waiter's context, not the installer's thread");
        timers.runPending();
        assertEquals(1, runs.get());
        table.install(at(4, 4));
        table.handoffAborted();
        timers.advanceMs(NodeTable.MAX_WAIT_MS * 2);
        assertEquals(1, runs.get(), "exactly once: later changes and the bound do not run it again");
        assertEquals(0, timers.liveTimers(), "its timer was cancelled");
    }

    @Test
    void untilNewer_epochZero_resumesOnAnyChangeAfterTheVersionSeen_evenOneBeforeTheWait() {
        table.install(at(1, 4));
        long seen = table.version();
        table.handoffAborted(); // between reading the version and waiting: must not be missed
        AtomicInteger runs = new AtomicInteger();
        table.untilNewer(0, seen).onComplete(ar -> runs.incrementAndGet());
        assertEquals(1, runs.get());
    }

    @Test
    void await_conditionNeverHolds_resumesOnceAtTheBound_notBefore() {
        table.install(at(1, 4));
        AtomicInteger runs = new AtomicInteger();
        table.await(() -> false, runs::incrementAndGet);
        table.install(at(2, 4));
        timers.advanceMs(NodeTable.MAX_WAIT_MS - 1);
        assertEquals(0, runs.get());
        timers.advanceMs(1);
        assertEquals(1, runs.get());
        table.install(at(3, 4));
        timers.runPending();
        assertEquals(1, runs.get(), "a change after the bound does not resume it again");
    }

    @Test
    void await_theBoundCountsFromTheStart_notFromTheLastChange() {
        table.install(at(1, 4));
        AtomicInteger runs = new AtomicInteger();
        table.await(() -> table.current().epoch() >= 9, runs::incrementAndGet);
        for (int epoch = 2; epoch <= 5; epoch++) {
            timers.advanceMs(NodeTable.MAX_WAIT_MS / 5);
            table.install(at(epoch, 4)); // a change that does not satisfy the condition
            timers.runPending();
        }
        assertEquals(0, runs.get());
        timers.advanceMs(NodeTable.MAX_WAIT_MS / 5);
        assertEquals(1, runs.get(), "one bound for the whole wait");
    }

    @Test
    void await_manyWaiters_eachResumesOnceWhenItsOwnConditionHolds() {
        table.install(at(1, 4));
        int[] runs = new int[4];
        for (int i = 0; i < runs.length; i++) {
            int epoch = i + 2;
            int k = i;
            table.await(() -> table.current().epoch() >= epoch, () -> runs[k]++);
        }
        table.install(at(3, 4));
        timers.runPending();
        assertEquals(List.of(1, 1, 0, 0), List.of(runs[0], runs[1], runs[2], runs[3]));
        table.install(at(9, 4));
        timers.runPending();
        timers.advanceMs(NodeTable.MAX_WAIT_MS);
        assertEquals(List.of(1, 1, 1, 1), List.of(runs[0], runs[1], runs[2], runs[3]));
    }
}
