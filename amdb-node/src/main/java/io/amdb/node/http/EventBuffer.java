package io.amdb.node.http;

import io.vertx.core.Context;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded buffer of write events between the threads that write (shard event loops, or the event-bus
 * consumer of remote events) and one consumer context that sends them on (a WebSocket session, or the
 * forwarder to another node).
 *
 * <p>{@link #offer} never blocks: it appends the event, counts its bytes, and schedules one drain on the
 * owner context if none is pending. Past {@code maxBytes} the buffer is marked overflowed, later events are
 * not kept, and the drain still runs so that the consumer can end the stream loudly (never silently).
 * {@link #poll} is for the owner context only.
 */
final class EventBuffer {
    /** One write: {@code value} null for a delete. The arrays are the shard's stored ones: read only. */
    record Event(byte[] key, byte[] value) {
        long bytes() {
            return key.length + (value == null ? 0 : value.length) + 64L;
        }
    }

    private final long maxBytes;
    private final Context owner;
    private final Runnable drain;
    private final ConcurrentLinkedQueue<Event> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean overflowed;

    /** {@code drain} runs on {@code owner} when events are waiting or the buffer overflowed. */
    EventBuffer(long maxBytes, Context owner, Runnable drain) {
        this.maxBytes = maxBytes;
        this.owner = owner;
        this.drain = drain;
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
        schedule();
    }

    /** Marks the stream broken (a remote buffer overflowed): the consumer ends it at its next drain. */
    void overflow() {
        overflowed = true;
        schedule();
    }

    boolean overflowed() {
        return overflowed;
    }

    /** The next buffered event, or null. */
    Event poll() {
        Event e = queue.poll();
        if (e != null) {
            bytes.addAndGet(-e.bytes());
        }
        return e;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            owner.runOnContext(v -> {
                scheduled.set(false);
                drain.run();
            });
        }
    }
}
