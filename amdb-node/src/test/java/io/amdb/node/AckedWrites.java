package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.Request;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The model behind "every acknowledged write reads back with its latest value": keys {@code key_0…}, each
 * with the value of its latest acknowledged write, plus the values of writes whose outcome is unknown (an
 * error or a lost connection after sending: applied or not, either may be read). Writers must not have two
 * writes of one key in flight. Thread-safe. Shared by the in-JVM and the multi-process cluster tests.
 */
public final class AckedWrites {
    private final List<byte[]> keys = new ArrayList<>();
    private final String[] acked;
    private final List<Set<String>> unsure = new ArrayList<>();

    /** Keys {@code key_i} whose first value, {@code value_i}, is written by {@link #items}. */
    public AckedWrites(int n) {
        this(n, n);
    }

    /** Keys {@code key_0…key_(n-1)}; the first {@code present} start as {@code value_i}, the rest absent. */
    public AckedWrites(int n, int present) {
        acked = new String[n];
        for (int i = 0; i < n; i++) {
            keys.add(("key_" + i).getBytes(UTF_8));
            acked[i] = i < present ? "value_" + i : null;
            unsure.add(new HashSet<>());
        }
    }

    public int size() {
        return acked.length;
    }

    public List<byte[]> keys() {
        return keys;
    }

    /** PUTs of keys {@code [from, to)} with their current acknowledged values. */
    public synchronized List<Request.BatchItem> items(int from, int to) {
        List<Request.BatchItem> items = new ArrayList<>();
        for (int i = from; i < to; i++) {
            items.add(Request.BatchItem.put(keys.get(i), acked[i].getBytes(UTF_8)));
        }
        return items;
    }

    /** Records a write of {@code value} (null: a delete) to key {@code key}: acknowledged, or of unknown outcome. */
    public synchronized void written(int key, String value, boolean acknowledged) {
        if (acknowledged) {
            acked[key] = value;
            unsure.get(key).clear();
        } else {
            unsure.get(key).add(value);
        }
    }

    /** How many keys are present by their latest acknowledged write (exact when {@link #unsureCount()} is 0). */
    public synchronized long presentCount() {
        return java.util.Arrays.stream(acked).filter(java.util.Objects::nonNull).count();
    }

    /** How many keys have a write of unknown outcome after their latest acknowledged one. */
    public synchronized long unsureCount() {
        return unsure.stream().filter(s -> !s.isEmpty()).count();
    }

    /** Asserts that {@code value}, read from key {@code key}, is its latest acknowledged value or an unsure one. */
    public synchronized void check(int key, byte[] value, String when) {
        String got = value == null ? null : new String(value, UTF_8);
        assertTrue(java.util.Objects.equals(acked[key], got) || unsure.get(key).contains(got),
                when + ": key_" + key + " reads " + got + ", latest acknowledged " + acked[key]);
    }
}
