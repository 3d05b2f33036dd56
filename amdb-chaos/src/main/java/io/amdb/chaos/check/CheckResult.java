package io.amdb.chaos.check;

import java.util.List;

/**
 * The verdicts on every key of a history, in key order. Because linearizability is local, the history is
 * linearizable exactly when every key is.
 */
public record CheckResult(List<KeyResult> keys) {
    public CheckResult {
        keys = List.copyOf(keys);
    }

    /** VIOLATION if any key has one, else UNKNOWN if any key's search ran out of budget, else OK. */
    public Verdict verdict() {
        Verdict worst = Verdict.OK;
        for (KeyResult key : keys) {
            if (key.verdict().compareTo(worst) > 0) {
                worst = key.verdict();
            }
        }
        return worst;
    }

    /** Returns the keys with {@code verdict}, in key order. */
    public List<KeyResult> keysWith(Verdict verdict) {
        return keys.stream().filter(k -> k.verdict() == verdict).toList();
    }

    /** Returns the result of {@code key}, or null when the history has no operation on it that was checked. */
    public KeyResult key(String key) {
        return keys.stream().filter(k -> k.key().equals(key)).findFirst().orElse(null);
    }
}
