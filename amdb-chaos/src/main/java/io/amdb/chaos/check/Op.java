package io.amdb.chaos.check;

import java.util.Objects;

/**
 * One operation of a history as its client saw it: which process ran it, on which key, what it asked, when it
 * was invoked, when (if ever) it completed and what came back. Every key is a register of strings; {@code null}
 * means absent, which is every key's initial value.
 *
 * <p>{@code value} is the value written (WRITE), the new value (CAS) or the value read (READ; meaningful only
 * when OK). {@code expected} is a CAS's expected value and null for the other kinds. A CAS returns a boolean:
 * OK when it swapped, CONDITION_FAILED when it saw a value other than {@code expected}.
 *
 * <p>Times are nanoseconds on one clock that all processes share. An UNKNOWN operation may take effect at any
 * time after its invocation, so its {@code completeNanos} is {@link #NEVER}, whatever the client recorded.
 * Immutable.
 */
public record Op(int process, String key, Kind kind, String expected, String value, Outcome outcome,
        long invokeNanos, long completeNanos) {

    /** The completion time of an operation that may still take effect: later than every other time. */
    public static final long NEVER = Long.MAX_VALUE;

    /** What an operation asks of its key's register. */
    public enum Kind { READ, WRITE, CAS }

    /** What the client learned about an operation. */
    public enum Outcome {
        /** Took effect: a READ returned {@code value}, a WRITE wrote it, a CAS swapped. */
        OK,
        /** A CAS saw a value other than {@code expected} and wrote nothing: an observation, not an error. */
        CONDITION_FAILED,
        /** Definitely took no effect and observed nothing (refused before the store acted); checkers drop it. */
        FAILED,
        /** May or may not have taken effect, at any time after its invocation (a timeout, a lost connection). */
        UNKNOWN
    }

    /** Requires a key, a kind, an outcome, invoke &le; complete, CONDITION_FAILED only for a CAS. */
    public Op {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        requireArgument(kind == Kind.CAS || expected == null, "only a CAS has an expected value: " + kind);
        requireArgument(kind == Kind.CAS || outcome != Outcome.CONDITION_FAILED, "CONDITION_FAILED on a " + kind);
        if (outcome == Outcome.UNKNOWN) {
            completeNanos = NEVER;
        }
        requireArgument(invokeNanos <= completeNanos, "completes at " + completeNanos + " before its invocation at "
                + invokeNanos);
    }

    /** A READ that returned {@code valueRead} (null: absent). */
    public static Op read(int process, String key, String valueRead, long invokeNanos, long completeNanos) {
        return new Op(process, key, Kind.READ, null, valueRead, Outcome.OK, invokeNanos, completeNanos);
    }

    /** A WRITE of {@code value} that was acknowledged. */
    public static Op write(int process, String key, String value, long invokeNanos, long completeNanos) {
        return new Op(process, key, Kind.WRITE, null, value, Outcome.OK, invokeNanos, completeNanos);
    }

    /** A CAS from {@code expected} to {@code value} that answered: swapped (OK) or not (CONDITION_FAILED). */
    public static Op cas(int process, String key, String expected, String value, boolean swapped, long invokeNanos,
            long completeNanos) {
        return new Op(process, key, Kind.CAS, expected, value, swapped ? Outcome.OK : Outcome.CONDITION_FAILED,
                invokeNanos, completeNanos);
    }

    /** This operation with an UNKNOWN outcome (for a READ, its value is then meaningless). */
    public Op unknown() {
        return withOutcome(Outcome.UNKNOWN);
    }

    /** This operation with a FAILED outcome. */
    public Op failed() {
        return withOutcome(Outcome.FAILED);
    }

    /** True when the operation can say nothing about linearizability: FAILED, or a READ with no result. */
    public boolean uninformative() {
        return outcome == Outcome.FAILED || (kind == Kind.READ && outcome == Outcome.UNKNOWN);
    }

    /** True for a WRITE or CAS that did or may have written {@code value}: OK or UNKNOWN. */
    public boolean mayHaveWritten() {
        return kind != Kind.READ && (outcome == Outcome.OK || outcome == Outcome.UNKNOWN);
    }

    /** True for an acknowledged write: an OK WRITE or a CAS that swapped. */
    public boolean acknowledgedWrite() {
        return kind != Kind.READ && outcome == Outcome.OK;
    }

    /** For example {@code p3 CAS k "a"->"b" CONDITION_FAILED [100, 250]}; absent values print as {@code nil}. */
    @Override
    public String toString() {
        String what = switch (kind) {
            case READ -> outcome == Outcome.OK ? "-> " + show(value) : "";
            case WRITE -> show(value);
            case CAS -> show(expected) + "->" + show(value);
        };
        String end = completeNanos == NEVER ? "never" : Long.toString(completeNanos);
        String verdict = outcome == Outcome.OK ? "" : " " + outcome;
        return "p" + process + " " + kind + " " + key + (what.isEmpty() ? "" : " " + what) + verdict + " ["
                + invokeNanos + ", " + end + "]";
    }

    private Op withOutcome(Outcome newOutcome) {
        return new Op(process, key, kind, expected, value, newOutcome, invokeNanos, completeNanos);
    }

    private static String show(String value) {
        return value == null ? "nil" : '"' + value + '"';
    }

    private static void requireArgument(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
