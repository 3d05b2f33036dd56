package io.amdb.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Construction rules, outcome helpers and the printed form. */
class OpTest {
    @Test
    void constructor_completesBeforeInvoked_throws() {
        assertThrows(IllegalArgumentException.class, () -> Op.write(1, "k", "a", 10, 9));
    }

    @Test
    void constructor_conditionFailedOnWrite_throws() {
        assertThrows(IllegalArgumentException.class,
                () -> new Op(1, "k", Op.Kind.WRITE, null, "a", Op.Outcome.CONDITION_FAILED, 0, 1));
    }

    @Test
    void constructor_expectedValueOnRead_throws() {
        assertThrows(IllegalArgumentException.class,
                () -> new Op(1, "k", Op.Kind.READ, "x", "a", Op.Outcome.OK, 0, 1));
    }

    @Test
    void constructor_noKey_throws() {
        assertThrows(NullPointerException.class, () -> Op.read(1, null, "a", 0, 1));
    }

    @Test
    void unknown_anyRecordedCompletion_completesNever() {
        Op op = Op.write(1, "k", "a", 10, 20).unknown();
        assertEquals(Op.Outcome.UNKNOWN, op.outcome());
        assertEquals(Op.NEVER, op.completeNanos());
        assertEquals(10, op.invokeNanos());
    }

    @Test
    void outcomeHelpers_byKindAndOutcome() {
        Op write = Op.write(1, "k", "a", 0, 1);
        Op refused = Op.cas(1, "k", "a", "b", false, 0, 1);
        assertTrue(write.acknowledgedWrite() && write.mayHaveWritten() && !write.uninformative());
        assertTrue(!write.unknown().acknowledgedWrite() && write.unknown().mayHaveWritten());
        assertTrue(write.failed().uninformative() && !write.failed().mayHaveWritten());
        assertFalse(refused.acknowledgedWrite() || refused.mayHaveWritten() || refused.uninformative());
        assertTrue(Op.read(1, "k", "a", 0, 1).unknown().uninformative());
    }

    @Test
    void toString_showsProcessKindValuesOutcomeAndInterval() {
        assertEquals("p3 CAS k nil->\"b\" CONDITION_FAILED [100, 250]",
                Op.cas(3, "k", null, "b", false, 100, 250).toString());
        assertEquals("p1 READ k -> \"a\" [5, 6]", Op.read(1, "k", "a", 5, 6).toString());
        assertEquals("p2 WRITE k \"a\" UNKNOWN [5, never]", Op.write(2, "k", "a", 5, 6).unknown().toString());
    }
}
