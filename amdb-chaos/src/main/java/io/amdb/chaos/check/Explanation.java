package io.amdb.chaos.check;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * The human-readable part of a key's verdict, a simplified form of Porcupine's partial linearizations: the
 * longest linearizable prefix the search found, and the operations none of which could follow it.
 *
 * <p>Why those operations: of the operations left after the prefix, the one that returns first (the blocker)
 * must be linearized before its return, so whatever comes next was invoked by then. The search tried each of
 * them after this prefix and every attempt ended in a dead end. Lists are cut to a few lines; stateless.
 */
final class Explanation {
    private static final int PREFIX_LINES = 5;
    private static final int STUCK_LINES = 8;

    private Explanation() {
    }

    /** Explains a violation, given the longest linearizable prefix (operation indices in order) and its value. */
    static String violation(List<Op> ops, int[] prefix, String valueAfter) {
        StringBuilder text = new StringBuilder();
        describePrefix(text, ops, prefix);
        text.append("\n  leaving the register at ").append(valueAfter == null ? "nil" : '"' + valueAfter + '"');
        List<Op> stuck = stuckAfter(ops, prefix);
        if (stuck.isEmpty()) {
            return text.toString();
        }
        text.append("\nafter it none of these leads to a linearization (").append(stuck.size())
                .append(" operations; the first must take effect by its return at ")
                .append(stuck.get(0).completeNanos()).append(", the others were invoked by then):");
        appendLines(text, stuck, 0, Math.min(stuck.size(), STUCK_LINES));
        if (stuck.size() > STUCK_LINES) {
            text.append("\n  ... (").append(stuck.size() - STUCK_LINES).append(" more)");
        }
        return text.toString();
    }

    /** Explains an UNKNOWN verdict. */
    static String budgetExhausted(long maxSteps, List<Op> ops, int[] prefix) {
        StringBuilder text = new StringBuilder("search budget of " + maxSteps + " steps exhausted; ");
        describePrefix(text, ops, prefix);
        return text.toString();
    }

    private static void describePrefix(StringBuilder text, List<Op> ops, int[] prefix) {
        text.append("the longest linearizable prefix found has ").append(prefix.length).append(" of ")
                .append(ops.size()).append(" operations");
        if (prefix.length > PREFIX_LINES) {
            text.append("\n  ... (").append(prefix.length - PREFIX_LINES).append(" earlier)");
        }
        List<Op> inOrder = new ArrayList<>(prefix.length);
        for (int op : prefix) {
            inOrder.add(ops.get(op));
        }
        appendLines(text, inOrder, Math.max(0, prefix.length - PREFIX_LINES), prefix.length);
    }

    /** Returns the operations after {@code prefix} invoked by the earliest return among them, that one first. */
    private static List<Op> stuckAfter(List<Op> ops, int[] prefix) {
        BitSet done = new BitSet(ops.size());
        for (int op : prefix) {
            done.set(op);
        }
        List<Op> left = new ArrayList<>();
        for (int op = done.nextClearBit(0); op < ops.size(); op = done.nextClearBit(op + 1)) {
            left.add(ops.get(op));
        }
        if (left.isEmpty()) {
            return left;
        }
        Op blocker = left.stream().min(Comparator.comparingLong(Op::completeNanos)).orElseThrow();
        List<Op> stuck = new ArrayList<>(List.of(blocker));
        left.stream()
                .filter(op -> op != blocker && op.invokeNanos() <= blocker.completeNanos())
                .sorted(Comparator.comparingLong(Op::invokeNanos))
                .forEach(stuck::add);
        return stuck;
    }

    private static void appendLines(StringBuilder text, List<Op> ops, int from, int to) {
        for (int i = from; i < to; i++) {
            text.append("\n  ").append(ops.get(i));
        }
    }
}
