package io.amdb.chaos.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fast counts of plain anomalies in a history, for a report beside the exact check: each one found is a
 * linearizability violation that real time alone proves, but a history can violate linearizability with none
 * of them (that is what {@link LinearizabilityChecker} is for). O(n log n) per key.
 *
 * <p>Definitions, per key. An <em>acknowledged write</em> is an OK WRITE or a CAS that swapped. The
 * <em>writers of v</em> are the WRITE and CAS operations that are OK or UNKNOWN with new value v, and, when v
 * is absent (null), also the initial state, which counts as completed before every time. {@code T(v)} is the
 * latest completion among the writers of v: {@link Op#NEVER} if one of them is UNKNOWN, undefined if v has no
 * writer. An operation invoked after {@code T(v)} began after every write of v was over.
 * <ul>
 *   <li><b>final read</b>: the OK READ invoked last, provided it was invoked after every other OK or
 *       CONDITION_FAILED operation on its key had completed. A key without one counts no lost writes.
 *   <li><b>lost write</b>: an acknowledged write w invoked after {@code T(f)}, where f is the final read's value.
 *       Every write of f had completed before w began, and w (which cannot itself write f) completed before the
 *       final read began, yet that read saw f.
 *   <li><b>stale read</b>: an OK READ r of a value v that has a writer, such that some acknowledged write w2
 *       completed before r was invoked and was invoked after {@code T(v)}: v was certainly overwritten before r
 *       began (w2 does not write v, since it began after every write of v was over).
 *   <li><b>unwritten read</b>: an OK READ of a value, not absent, that no operation wrote or may have written.
 * </ul>
 * Written values need not be unique: with repeated values the definitions only get more cautious. An immutable
 * value; the lists are in order of invocation.
 */
public record Anomalies(List<Op> lostWrites, List<Op> staleReads, List<Op> unwrittenReads) {
    public Anomalies {
        lostWrites = List.copyOf(lostWrites);
        staleReads = List.copyOf(staleReads);
        unwrittenReads = List.copyOf(unwrittenReads);
    }

    /** Finds the anomalies of {@code history}, whose operations may come in any order and on any keys. */
    public static Anomalies find(Collection<Op> history) {
        Map<String, List<Op>> byKey = new TreeMap<>();
        for (Op op : history) {
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        List<Op> lost = new ArrayList<>();
        List<Op> stale = new ArrayList<>();
        List<Op> unwritten = new ArrayList<>();
        for (List<Op> ops : byKey.values()) {
            new KeyAnomalies(ops).collect(lost, stale, unwritten);
        }
        Comparator<Op> byInvocation = Comparator.comparingLong(Op::invokeNanos);
        lost.sort(byInvocation);
        stale.sort(byInvocation);
        unwritten.sort(byInvocation);
        return new Anomalies(lost, stale, unwritten);
    }

    /** Returns the number of anomalies of all three kinds. */
    public int total() {
        return lostWrites.size() + staleReads.size() + unwrittenReads.size();
    }

    /** One key's operations, with {@code T(v)} per value and the acknowledged writes by completion. */
    private static final class KeyAnomalies {
        private final List<Op> ops;
        private final Map<String, Long> lastWriterCompletion = new HashMap<>();
        private final long[] ackedCompletions;
        /** {@code latestAckedInvocation[i]}: the latest invocation among the first i + 1 acknowledged writes done. */
        private final long[] latestAckedInvocation;

        KeyAnomalies(List<Op> ops) {
            this.ops = ops;
            lastWriterCompletion.put(null, Long.MIN_VALUE);
            for (Op op : ops) {
                if (op.mayHaveWritten()) {
                    lastWriterCompletion.merge(op.value(), op.completeNanos(), Math::max);
                }
            }
            Op[] acked = ops.stream().filter(Op::acknowledgedWrite)
                    .sorted(Comparator.comparingLong(Op::completeNanos)).toArray(Op[]::new);
            ackedCompletions = Arrays.stream(acked).mapToLong(Op::completeNanos).toArray();
            latestAckedInvocation = new long[acked.length];
            long latest = Long.MIN_VALUE;
            for (int i = 0; i < acked.length; i++) {
                latest = Math.max(latest, acked[i].invokeNanos());
                latestAckedInvocation[i] = latest;
            }
        }

        void collect(List<Op> lost, List<Op> stale, List<Op> unwritten) {
            for (Op op : ops) {
                if (op.kind() == Op.Kind.READ && op.outcome() == Op.Outcome.OK) {
                    Long overAt = lastWriterCompletion.get(op.value());
                    if (overAt == null) {
                        unwritten.add(op);
                    } else if (latestAckedInvocationCompletedBefore(op.invokeNanos()) > overAt) {
                        stale.add(op);
                    }
                }
            }
            Op finalRead = finalRead();
            Long overAt = finalRead == null ? null : lastWriterCompletion.get(finalRead.value());
            if (overAt != null) {
                ops.stream().filter(op -> op.acknowledgedWrite() && op.invokeNanos() > overAt).forEach(lost::add);
            }
        }

        /** Returns the latest invocation of an acknowledged write that completed before {@code time}, or MIN_VALUE. */
        private long latestAckedInvocationCompletedBefore(long time) {
            int i = Arrays.binarySearch(ackedCompletions, time);
            int completedBefore = i >= 0 ? firstIndexOf(time, i) : -i - 1;
            return completedBefore == 0 ? Long.MIN_VALUE : latestAckedInvocation[completedBefore - 1];
        }

        private int firstIndexOf(long time, int found) {
            int first = found;
            while (first > 0 && ackedCompletions[first - 1] == time) {
                first--;
            }
            return first;
        }

        private Op finalRead() {
            Op last = null;
            for (Op op : ops) {
                if (op.kind() == Op.Kind.READ && op.outcome() == Op.Outcome.OK
                        && (last == null || op.invokeNanos() > last.invokeNanos())) {
                    last = op;
                }
            }
            for (Op op : ops) {
                boolean answered = op.outcome() == Op.Outcome.OK || op.outcome() == Op.Outcome.CONDITION_FAILED;
                if (last != null && op != last && answered && op.completeNanos() >= last.invokeNanos()) {
                    return null;
                }
            }
            return last;
        }
    }
}
