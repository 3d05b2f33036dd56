package io.amdb.chaos.check;

import java.util.Objects;

/**
 * The verdict on one key's sub-history.
 *
 * @param key         the key
 * @param verdict     OK, VIOLATION, or UNKNOWN when the search budget ran out
 * @param operations  how many of the key's operations were checked (FAILED ones and UNKNOWN reads are dropped)
 * @param steps       how many search steps the verdict took
 * @param explanation empty when OK; for a violation the longest linearizable prefix found and the operations
 *                    none of which could follow it; for UNKNOWN the budget that ran out
 */
public record KeyResult(String key, Verdict verdict, int operations, long steps, String explanation) {
    public KeyResult {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(explanation, "explanation");
    }

    /** For example {@code key k: VIOLATION after 812 steps over 40 operations} and the explanation's lines. */
    @Override
    public String toString() {
        String head = "key " + key + ": " + verdict + " after " + steps + " steps over " + operations + " operations";
        return explanation.isEmpty() ? head : head + "\n" + explanation;
    }
}
