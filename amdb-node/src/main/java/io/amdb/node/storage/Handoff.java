package io.amdb.node.storage;

import io.amdb.protocol.WireWriter;
import java.util.Arrays;

/**
 * The source side of one partition's migration, kept by its shard: how far the chunked copy has got and
 * the client writes the target has not seen yet.
 *
 * <p>The copy walks the partition in key order, one chunk per event-loop turn, resuming after
 * {@link #copiedThrough} (a skip-list cursor does not survive the writes between turns). A write to a key
 * the copy has already passed is logged in {@link #changes} and shipped with the next chunk; a write past
 * it needs nothing, the copy will reach it. Once the copy has reached the end ({@link #copiedAll}) every
 * write is logged. {@link #fenced} ends it: from then on the shard refuses the partition's requests (they
 * wait for the cutover), so the last changes drained are the last there will be.
 *
 * <p>After a handoff the shard keeps a {@link #gone()} marker in its place: still fenced, so a request routed
 * with an older table that reaches the shard after the drop is refused (and answered WRONG_OWNER) instead
 * of writing into, or reading from, a partition this node no longer has. Receiving the partition again
 * (a RESET chunk) or being given it empty clears the marker.
 *
 * <p>Not thread-safe: only the shard's event loop touches it.
 */
public final class Handoff {
    private static final Handoff GONE = new Handoff(true);

    private final boolean gone;
    private byte[] copiedThrough;
    private boolean copiedAll;
    private boolean fenced;
    private final WireWriter changes = new WireWriter(1024);
    private int changeCount;

    Handoff() {
        this(false);
    }

    private Handoff(boolean gone) {
        this.gone = gone;
        this.fenced = gone;
    }

    /** The marker of a partition handed off and dropped: fenced, holds nothing. */
    static Handoff gone() {
        return GONE;
    }

    public boolean isGone() {
        return gone;
    }

    /** Logs a client write if the target already holds an older version of the key (or its absence). */
    void record(byte[] key, byte[] valueOrNull, long version) {
        if (copiedAll || (copiedThrough != null && Arrays.compareUnsigned(key, copiedThrough) <= 0)) {
            Changes.change(changes, key, valueOrNull, version);
            changeCount++;
        }
    }

    public boolean fenced() {
        return fenced;
    }

    void fence() {
        if (gone) {
            throw new IllegalStateException("a handed-off partition has nothing to fence");
        }
        fenced = true;
    }

    public boolean copiedAll() {
        return copiedAll;
    }

    byte[] copiedThrough() {
        return copiedThrough;
    }

    void advance(byte[] lastKey, boolean reachedEnd) {
        if (lastKey != null) {
            copiedThrough = lastKey;
        }
        copiedAll |= reachedEnd;
    }

    /** Moves the logged changes to the end of {@code out}; returns how many there were. */
    int drainChanges(WireWriter out) {
        out.raw(changes.array(), 0, changes.size());
        changes.reset();
        int n = changeCount;
        changeCount = 0;
        return n;
    }
}
