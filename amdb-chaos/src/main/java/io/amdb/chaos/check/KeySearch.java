package io.amdb.chaos.check;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The search for a linearization of one key's operations: Wing &amp; Gong's algorithm with Lowe's memoization
 * (WGL), as in Porcupine's {@code checkSingle}, plus pruning for UNKNOWN operations.
 *
 * <p>The search walks the events in time order. At a call it tries to linearize that operation now: the
 * register must accept it and the {@link Memo} must not skip the resulting configuration; if so it lifts the
 * operation's events and starts again from the first event. At a return, the returning operation should
 * already have been linearized, so it undoes its latest choice and goes on with the call after that choice's.
 * It succeeds when no operation is left and fails when a return meets an empty stack.
 *
 * <p>UNKNOWN operations may each go last, after every other operation, where the register accepts them and
 * nobody sees their effect; a linearization can always be rearranged that way, so these shortcuts are exact:
 * <ul>
 *   <li>the search succeeds as soon as only UNKNOWN operations are left (their returns, at {@link Op#NEVER},
 *       come last);
 *   <li>it never linearizes one where it would leave the value unchanged (a CAS whose condition fails, a write
 *       of the value held), nor a WRITE right after one (nobody would see the UNKNOWN operation's value);
 *   <li>at each point it tries the answered operations first and only then walks the events again for the
 *       UNKNOWN ones, so that configurations with fewer UNKNOWN operations fail first and the {@link Memo} can
 *       skip those that only add UNKNOWN operations to one that failed.
 * </ul>
 * Without them a failing search enumerates every subset of the UNKNOWN operations pending at each point, and a
 * chaos run leaves many pending (every timeout is one).
 *
 * <p>Design notes: the choices are an explicit stack, not recursion, so a long history cannot overflow the
 * thread stack. Each event visited is a step, and a search that reaches its step budget stops with UNKNOWN
 * (WGL is exponential in the worst case). The memo keeps one entry per configuration reached, so its memory
 * grows with the steps too; operations are indexed in invocation order so that {@link LinearizedSet} keeps each
 * entry down to a few words. Single use, not thread-safe.
 */
final class KeySearch {
    private final String key;
    private final List<Op> ops;
    private final EventList events;
    /** {@code rank[op]}: the operation's index among the answered or among the UNKNOWN ones, in invocation order. */
    private final int[] rank;
    private final LinearizedSet answered;
    private final LinearizedSet unknowns;
    private final Memo memo = new Memo();
    /** The choices, {@code chosen[0..depth)} in linearization order, with the value before each and its entry. */
    private final int[] chosen;
    private final String[] before;
    private final Memo.Entry[] entries;
    private int depth;
    private String value;
    private int[] longestPrefix = new int[0];
    private String valueAfterLongest;

    /** Prepares a search over {@code ops}, the informative operations of {@code key}. */
    KeySearch(String key, List<Op> ops) {
        this.key = key;
        this.ops = ops.stream().sorted(Comparator.comparingLong(Op::invokeNanos)).toList();
        this.events = new EventList(this.ops);
        this.rank = new int[ops.size()];
        int unknown = 0;
        for (int op = 0; op < ops.size(); op++) {
            rank[op] = isUnknown(op) ? unknown++ : op - unknown;
        }
        this.answered = new LinearizedSet(ops.size() - unknown);
        this.unknowns = new LinearizedSet(unknown);
        this.chosen = new int[ops.size()];
        this.before = new String[ops.size()];
        this.entries = new Memo.Entry[ops.size()];
    }

    /** Runs the search; gives up with UNKNOWN after {@code maxSteps} steps. */
    KeyResult run(long maxSteps) {
        int event = events.first();
        boolean unknownPass = false; // false: trying the answered operations at this point; true: the UNKNOWN ones
        for (long steps = 1; ; steps++) {
            if (steps > maxSteps) {
                noteLongestPrefix();
                return result(Verdict.UNKNOWN, maxSteps, Explanation.budgetExhausted(maxSteps, ops, longestPrefix));
            }
            if (events.isTail(event)) {
                assert events.isEmpty() : "every call in the list is followed by its return";
                return result(Verdict.OK, steps, "");
            }
            int op = EventList.op(event);
            if (EventList.isCall(event)) {
                if (isUnknown(op) == unknownPass && linearize(op)) {
                    unknownPass = false;
                    event = events.first();
                } else {
                    event = events.next(event);
                }
            } else if (isUnknown(op)) {
                return result(Verdict.OK, steps, ""); // only UNKNOWN operations are left, and they may all go last
            } else if (!unknownPass) {
                unknownPass = true;
                event = events.first();
            } else if (depth == 0) {
                return result(Verdict.VIOLATION, steps, Explanation.violation(ops, longestPrefix, valueAfterLongest));
            } else {
                noteLongestPrefix();
                int undone = undoLastChoice();
                unknownPass = isUnknown(undone);
                event = events.next(EventList.call(undone));
            }
        }
    }

    /** Linearizes {@code op} next and returns true, unless the register refuses it or the memo skips the result. */
    private boolean linearize(int op) {
        Op operation = ops.get(op);
        if (!RegisterModel.accepts(value, operation)) {
            return false;
        }
        String after = RegisterModel.apply(value, operation);
        boolean noOp = isUnknown(op) && Objects.equals(after, value);
        boolean hidesUnknown = operation.kind() == Op.Kind.WRITE && depth > 0 && isUnknown(chosen[depth - 1]);
        if (noOp || hidesUnknown) {
            return false; // exact shortcuts, see the class comment
        }
        LinearizedSet set = isUnknown(op) ? unknowns : answered;
        set.add(rank[op]);
        Memo.Entry entry = memo.admit(answered.snapshot(), after, unknowns.snapshot());
        if (entry == null) {
            set.remove(rank[op]);
            return false;
        }
        chosen[depth] = op;
        before[depth] = value;
        entries[depth] = entry;
        depth++;
        value = after;
        events.lift(op);
        return true;
    }

    /** Gives up on the latest choice and returns its operation; requires a choice. */
    private int undoLastChoice() {
        depth--;
        int op = chosen[depth];
        entries[depth].finish();
        entries[depth] = null;
        value = before[depth];
        (isUnknown(op) ? unknowns : answered).remove(rank[op]);
        events.unlift(op);
        return op;
    }

    private boolean isUnknown(int op) {
        return ops.get(op).outcome() == Op.Outcome.UNKNOWN;
    }

    /** Remembers the current choices if they are the longest linearizable prefix seen, for the explanation. */
    private void noteLongestPrefix() {
        if (depth > longestPrefix.length) {
            longestPrefix = Arrays.copyOf(chosen, depth);
            valueAfterLongest = value;
        }
    }

    private KeyResult result(Verdict verdict, long steps, String explanation) {
        return new KeyResult(key, verdict, ops.size(), steps, explanation);
    }
}
