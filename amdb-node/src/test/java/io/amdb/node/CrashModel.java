package io.amdb.node;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The expected state of a key space across kill -9s: per key, its latest acknowledged write (a value, or null for
 * a delete) and the writes sent after it whose outcome is unknown. Writes of one key may be in flight together;
 * "latest" is by the order they were sent, which is the order one connection's writes of a key are applied.
 *
 * <p>After a crash a key may hold the result of its latest acknowledged write or of any write sent after it — never
 * of a write sent before it, acknowledged or not. Not thread-safe: one writer thread drives it.
 */
final class CrashModel {
    /** One write: a put of {@code value}, or a delete when it is null; {@code seq} is its place in send order. */
    record Write(int key, long seq, String value) {}

    private final String[] acked;
    private final long[] ackedSeq;
    private final List<List<Write>> unknown = new ArrayList<>(); // per key, in send order
    private long nextSeq = 1;

    /** {@code keys} keys, all absent. */
    CrashModel(int keys) {
        acked = new String[keys];
        ackedSeq = new long[keys];
        for (int i = 0; i < keys; i++) {
            unknown.add(new ArrayList<>());
        }
    }

    int size() {
        return acked.length;
    }

    /** Records a write about to be sent; its outcome is unknown until {@link #acknowledged}. */
    Write send(int key, String value) {
        Write w = new Write(key, nextSeq++, value);
        unknown.get(key).add(w);
        return w;
    }

    /** The node acknowledged {@code w}: no write of its key sent before it may show any more. */
    void acknowledged(Write w) {
        List<Write> open = unknown.get(w.key());
        if (!open.remove(w)) {
            throw new IllegalStateException("acknowledged twice or never sent: " + w);
        }
        if (w.seq() > ackedSeq[w.key()]) {
            ackedSeq[w.key()] = w.seq();
            acked[w.key()] = w.value();
        }
    }

    /** The values {@code key} may hold after a crash (null: absent), the acknowledged one first. */
    List<String> allowed(int key) {
        List<String> allowed = new ArrayList<>();
        allowed.add(acked[key]);
        for (Write w : unknown.get(key)) {
            if (w.seq() > ackedSeq[key]) {
                allowed.add(w.value());
            }
        }
        return allowed;
    }

    /** True when the value came from a write whose outcome was unknown (it was applied, never acknowledged). */
    private boolean isUnknownOutcome(int key, String value) {
        return value != null && !value.equals(acked[key]) && allowed(key).contains(value);
    }

    /** After a restart: what the node holds now is the state every later check starts from. */
    private void accept(int key, String observed) {
        acked[key] = observed;
        ackedSeq[key] = nextSeq++;
        unknown.get(key).clear();
    }

    /** What a check after a restart found: the keys holding what they may not (described), and how many keys hold
     *  the value of a write whose outcome was unknown. */
    record Check(List<String> wrong, int unknownSeen, int present) {}

    /**
     * Checks what the node holds after a restart ({@code found.get(k)}: key k's value, null when absent) against the
     * model, then takes it as the state later checks start from. Values are described without their padding (the part
     * after the last {@code /}).
     */
    Check checkThenAccept(List<String> found, IntFunction<String> keyName) {
        List<String> wrong = new ArrayList<>();
        int unknownSeen = 0;
        int present = 0;
        for (int k = 0; k < acked.length; k++) {
            List<String> allowed = allowed(k);
            if (!allowed.contains(found.get(k))) {
                wrong.add("key=" + keyName.apply(k) + " expected=" + describe(allowed) + " found=" + describe(found.get(k)));
            } else if (isUnknownOutcome(k, found.get(k))) {
                unknownSeen++;
            }
            present += found.get(k) == null ? 0 : 1;
        }
        for (int k = 0; k < acked.length; k++) {
            accept(k, found.get(k));
        }
        return new Check(wrong, unknownSeen, present);
    }

    private static String describe(List<String> allowed) {
        String acked = "acknowledged " + describe(allowed.get(0));
        return allowed.size() == 1 ? acked : acked + " or one of the unacknowledged later "
                + allowed.subList(1, allowed.size()).stream().map(CrashModel::describe).toList();
    }

    /** A value without its padding, e.g. {@code ck:0042/cycle-3/write-117}. */
    private static String describe(String value) {
        return value == null ? "<absent>" : value.lastIndexOf('/') < 0 ? value : value.substring(0, value.lastIndexOf('/'));
    }

    /** Writes sent and not acknowledged, over all keys. */
    long unknownCount() {
        return unknown.stream().mapToLong(List::size).sum();
    }
}
