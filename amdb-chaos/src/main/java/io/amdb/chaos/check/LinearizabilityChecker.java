package io.amdb.chaos.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides whether a history of reads, writes and compare-and-sets on string keys is linearizable, key by key.
 *
 * <p>Linearizability is local (Herlihy &amp; Wing): a history is linearizable exactly when each key's
 * sub-history is, so checking keys separately is exact, and much cheaper than checking them together. Each key
 * is searched with WGL ({@link KeySearch}) under a step budget, because the problem is NP-complete and one bad
 * key must not hang a report: a key whose search reaches the budget is UNKNOWN, not OK.
 *
 * <p>What the checker reads of a history: FAILED operations and UNKNOWN reads are dropped (they took no effect
 * and observed nothing); an UNKNOWN write or CAS may take effect at any time after its invocation, or never.
 * Operations that touch at one instant (one's completion equals the other's invocation) count as concurrent.
 * Every key starts absent. The checker does not rely on written values being unique.
 *
 * <p>Immutable and thread-safe.
 */
public final class LinearizabilityChecker {
    private final long maxStepsPerKey;

    /**
     * A checker that gives each key at most {@code maxStepsPerKey} search steps; requires &gt; 0. A step is one
     * event visited, well under a microsecond: a 5,000-operation key with a few UNKNOWN operations takes about
     * 10^5 to 10^7 steps, more when it is not linearizable (the search must then exhaust its options).
     */
    public LinearizabilityChecker(long maxStepsPerKey) {
        if (maxStepsPerKey <= 0) {
            throw new IllegalArgumentException("a search needs at least one step: " + maxStepsPerKey);
        }
        this.maxStepsPerKey = maxStepsPerKey;
    }

    /** Checks every key of {@code history}, in any order; returns one result per key, in key order. */
    public CheckResult check(Collection<Op> history) {
        List<KeyResult> results = new ArrayList<>();
        for (Map.Entry<String, List<Op>> key : informativeByKey(history).entrySet()) {
            results.add(new KeySearch(key.getKey(), key.getValue()).run(maxStepsPerKey));
        }
        return new CheckResult(results);
    }

    private static Map<String, List<Op>> informativeByKey(Collection<Op> history) {
        Map<String, List<Op>> byKey = new TreeMap<>();
        for (Op op : history) {
            if (!op.uninformative()) {
                byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
            }
        }
        return byKey;
    }
}
