package io.amdb.chaos.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A linearizability oracle for tiny histories, written independently of the checker: it tries every order of
 * the operations that respects real time, applying the register's rules as written here. An UNKNOWN write or
 * CAS may be left out; FAILED operations and UNKNOWN reads are ignored. Exponential; for a dozen operations at
 * most.
 */
final class BruteForce {
    /** What {@link #step} returns for a contradiction; compared by identity, since null is a register value. */
    private static final String REJECTED = new String("rejected");

    private BruteForce() {
    }

    /** Returns whether {@code history} (all on one key) has a linearization. */
    static boolean linearizable(List<Op> history) {
        List<Op> ops = new ArrayList<>();
        for (Op op : history) {
            boolean ignored = op.outcome() == Op.Outcome.FAILED
                    || (op.kind() == Op.Kind.READ && op.outcome() == Op.Outcome.UNKNOWN);
            if (!ignored) {
                ops.add(op);
            }
        }
        return extend(ops, new boolean[ops.size()], null);
    }

    private static boolean extend(List<Op> ops, boolean[] done, String value) {
        boolean onlyUnknownLeft = true;
        for (int i = 0; i < ops.size(); i++) {
            onlyUnknownLeft &= done[i] || ops.get(i).outcome() == Op.Outcome.UNKNOWN;
        }
        if (onlyUnknownLeft) {
            return true;
        }
        for (int i = 0; i < ops.size(); i++) {
            if (done[i] || !minimal(ops, done, i)) {
                continue;
            }
            Op op = ops.get(i);
            String after = step(op, value);
            if (after != REJECTED) {
                done[i] = true;
                boolean found = extend(ops, done, after);
                done[i] = false;
                if (found) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when no other pending operation completed strictly before {@code i} was invoked. */
    private static boolean minimal(List<Op> ops, boolean[] done, int i) {
        for (int j = 0; j < ops.size(); j++) {
            if (!done[j] && j != i && ops.get(j).completeNanos() < ops.get(i).invokeNanos()) {
                return false;
            }
        }
        return true;
    }

    /** The register after {@code op} from {@code value}, or REJECTED when the op's outcome contradicts it. */
    private static String step(Op op, String value) {
        return switch (op.kind()) {
            case READ -> Objects.equals(value, op.value()) ? value : REJECTED;
            case WRITE -> op.value();
            case CAS -> casStep(op, value);
        };
    }

    private static String casStep(Op op, String value) {
        boolean matches = Objects.equals(value, op.expected());
        return switch (op.outcome()) {
            case OK -> matches ? op.value() : REJECTED;
            case CONDITION_FAILED -> matches ? REJECTED : value;
            case UNKNOWN -> matches ? op.value() : value;
            case FAILED -> throw new AssertionError("ignored earlier: " + op);
        };
    }
}
