package io.amdb.chaos.check;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The call and return events of one key's operations in time order, as a doubly linked list from which the
 * search lifts a linearized operation's two events and later puts them back (Knuth's dancing links).
 *
 * <p>Event {@code 2i} is operation {@code i}'s call, {@code 2i + 1} its return. Order: by time (an UNKNOWN
 * operation returns at {@link Op#NEVER}); at equal times calls before returns, so two operations that touch
 * at one instant count as concurrent, as in Porcupine; remaining ties by operation index, so the order is
 * deterministic. Indices {@code 2n} and {@code 2n + 1} are the head and tail sentinels.
 *
 * <p>Not thread-safe. Invariant: lifts and unlifts nest (the last operation lifted is the first put back),
 * which is what makes an unlift restore the list exactly.
 */
final class EventList {
    private final int[] next;
    private final int[] prev;
    private final int head;
    private final int tail;

    /** Links the events of {@code ops} in time order. */
    EventList(List<Op> ops) {
        int events = 2 * ops.size();
        head = events;
        tail = events + 1;
        next = new int[events + 2];
        prev = new int[events + 2];
        int[] order = sorted(ops);
        int last = head;
        for (int event : order) {
            next[last] = event;
            prev[event] = last;
            last = event;
        }
        next[last] = tail;
        prev[tail] = last;
    }

    /** Returns whether {@code event} is a call (else it is a return). */
    static boolean isCall(int event) {
        return (event & 1) == 0;
    }

    /** Returns the index of the operation {@code event} belongs to. */
    static int op(int event) {
        return event >>> 1;
    }

    /** Returns the call event of operation {@code op}. */
    static int call(int op) {
        return 2 * op;
    }

    /** Returns the first event still in the list, or the tail when it is empty. */
    int first() {
        return next[head];
    }

    /** Returns the event after {@code event}, or the tail. */
    int next(int event) {
        return next[event];
    }

    /** Returns whether {@code event} is the tail sentinel, past the last event. */
    boolean isTail(int event) {
        return event == tail;
    }

    /** Returns whether every operation is lifted. */
    boolean isEmpty() {
        return next[head] == tail;
    }

    /** Removes both events of operation {@code op}; requires them to be in the list. */
    void lift(int op) {
        unlink(2 * op);
        unlink(2 * op + 1);
    }

    /** Puts back both events of {@code op}; requires {@code op} to be the operation lifted last. */
    void unlift(int op) {
        relink(2 * op + 1);
        relink(2 * op);
    }

    private void unlink(int event) {
        next[prev[event]] = next[event];
        prev[next[event]] = prev[event];
    }

    private void relink(int event) {
        next[prev[event]] = event;
        prev[next[event]] = event;
    }

    private static int[] sorted(List<Op> ops) {
        Integer[] events = new Integer[2 * ops.size()];
        Arrays.setAll(events, e -> e);
        Comparator<Integer> byTime = Comparator.comparingLong(e -> time(ops, e));
        Arrays.sort(events, byTime.thenComparingInt(e -> isCall(e) ? 0 : 1).thenComparingInt(EventList::op));
        return Arrays.stream(events).mapToInt(Integer::intValue).toArray();
    }

    private static long time(List<Op> ops, int event) {
        Op op = ops.get(op(event));
        return isCall(event) ? op.invokeNanos() : op.completeNanos();
    }
}
