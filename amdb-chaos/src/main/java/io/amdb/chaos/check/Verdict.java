package io.amdb.chaos.check;

/**
 * What the checker concluded about a key, or about a whole history (the worst of its keys). Declared from best
 * to worst: {@link CheckResult#verdict()} relies on that order.
 */
public enum Verdict {
    /** A linearization exists: an order of the operations that respects real time and the register's rules. */
    OK,
    /** The search was cut short by its budget; the history may or may not be linearizable. */
    UNKNOWN,
    /** No linearization exists. */
    VIOLATION
}
