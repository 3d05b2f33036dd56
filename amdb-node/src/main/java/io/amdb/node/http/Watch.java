package io.amdb.node.http;

import io.vertx.core.Context;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One watch of a key prefix, owned by one WebSocket session: a bounded buffer between the shards that write
 * (any event loop) and the session that sends (its own context).
 *
 * <p>{@link #offer} is called on shard event loops and never blocks: it appends the event, counts its bytes,
 * and schedules one drain on the session's context if none is pending. When the buffered bytes exceed the
 * bound, the watch is marked overflowed, later events are not kept, and the session is told once so that it
 * closes the connection with SLOW_CONSUMER (events are never dropped silently).
 */
final class Watch {
    /** One write: {@code value} null for a delete. The arrays are the shard's stored ones: read only. */
    record Event(byte[] key, byte[] value) {
        long bytes() {
            return key.length + (value == null ? 0 : value.length) + 64L;
        }
    }

    private final String watchId;
    private final Object requestId;
    private final byte[] prefix;
    private final boolean base64;
    private final long maxBytes;
    private final Context owner;
    private final Consumer<Watch> drain;
    private final ConcurrentLinkedQueue<Event> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean overflowed;

    /**
     * @param drain runs on {@code owner} when events are waiting (or the buffer overflowed); it takes them
     *              with {@link #poll} while its socket accepts writes
     */
    Watch(String watchId, Object requestId, byte[] prefix, boolean base64, long maxBytes, Context owner,
          Consumer<Watch> drain) {
        this.watchId = watchId;
        this.requestId = requestId;
        this.prefix = prefix;
        this.base64 = base64;
        this.maxBytes = maxBytes;
        this.owner = owner;
        this.drain = drain;
    }

    String watchId() {
        return watchId;
    }

    Object requestId() {
        return requestId;
    }

    byte[] prefix() {
        return prefix;
    }

    boolean base64() {
        return base64;
    }

    boolean overflowed() {
        return overflowed;
    }

    void offer(byte[] key, byte[] value) {
        if (overflowed) {
            return;
        }
        Event e = new Event(key, value);
        if (bytes.addAndGet(e.bytes()) > maxBytes) {
            overflowed = true;
        } else {
            queue.add(e);
        }
        if (scheduled.compareAndSet(false, true)) {
            owner.runOnContext(v -> {
                scheduled.set(false);
                drain.accept(this);
            });
        }
    }

    /** The next buffered event, or null; call on the owner's context only. */
    Event poll() {
        Event e = queue.poll();
        if (e != null) {
            bytes.addAndGet(-e.bytes());
        }
        return e;
    }
}
