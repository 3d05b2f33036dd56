package io.amdb.chaos.check;

import java.util.Objects;

/**
 * The sequential specification of one key: a register that holds a string or nothing ({@code null}), read,
 * written and compare-and-set. The checker asks whether an operation, linearized while the register holds a
 * given value, agrees with what its client saw, and what the register holds after it.
 *
 * <p>An UNKNOWN operation agrees with every value. That is exact, not lenient: its return is at
 * {@link Op#NEVER}, so a search may always put it after every other operation instead, where its effect, if
 * any, is seen by nobody; "never took effect" is that placement. Stateless.
 */
final class RegisterModel {
    private RegisterModel() {
    }

    /** Returns whether {@code op}, linearized when the register holds {@code state}, agrees with its outcome. */
    static boolean accepts(String state, Op op) {
        assert !op.uninformative() : "the checker drops " + op;
        return switch (op.outcome()) {
            case OK -> switch (op.kind()) {
                case READ -> Objects.equals(state, op.value());
                case WRITE -> true;
                case CAS -> Objects.equals(state, op.expected());
            };
            case CONDITION_FAILED -> !Objects.equals(state, op.expected());
            case UNKNOWN -> true;
            case FAILED -> throw new IllegalArgumentException("a FAILED operation has no place in a history: " + op);
        };
    }

    /** Returns what the register holds after {@code op}; requires {@link #accepts}{@code (state, op)}. */
    static String apply(String state, Op op) {
        return switch (op.kind()) {
            case READ -> state;
            case WRITE -> op.value();
            case CAS -> Objects.equals(state, op.expected()) ? op.value() : state;
        };
    }
}
