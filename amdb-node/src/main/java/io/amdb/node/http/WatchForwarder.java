package io.amdb.node.http;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;

/**
 * Forwards this node's writes under another node's watched prefixes to that node over the clustered event
 * bus, batched: each flush sends the buffered events as binary Buffers of about {@link #BATCH_BYTES}.
 *
 * <p>Wire format of one message: {@code u8 kind} ({@link #EVENTS} or {@link #OVERFLOW}), then for EVENTS
 * repeated {@code i32 keyLength, key, i32 valueLength (-1 = delete), value}. An overflow (the remote node
 * could not keep up and the bounded buffer filled) sends one OVERFLOW message and kills this forwarder;
 * the receiver ends its watches with SLOW_CONSUMER, and the next interest message starts a fresh one.
 *
 * <p>Thread-safety: {@link #wants} and {@link #offer} run on shard event loops; flushes run on the
 * {@link ClusterWatch} context.
 */
final class WatchForwarder {
    static final byte EVENTS = 0;
    static final byte OVERFLOW = 1;
    static final int BATCH_BYTES = 1 << 20;

    private final String address;
    private final EventBus bus;
    private final EventBuffer buffer;
    private volatile byte[][] prefixes;
    private volatile long lastSeenMillis;
    private volatile boolean dead;

    WatchForwarder(String address, byte[][] prefixes, long maxBytes, Context context, EventBus bus, long nowMillis) {
        this.address = address;
        this.bus = bus;
        this.prefixes = prefixes;
        this.lastSeenMillis = nowMillis;
        this.buffer = new EventBuffer(maxBytes, context, this::flush);
    }

    boolean wants(byte[] key) {
        for (byte[] p : prefixes) {
            if (WatchRegistry.startsWith(key, p)) {
                return true;
            }
        }
        return false;
    }

    void offer(byte[] key, byte[] value) {
        buffer.offer(key, value);
    }

    /** The remote node's current prefixes, as its latest interest message says. */
    void update(byte[][] newPrefixes, long nowMillis) {
        prefixes = newPrefixes;
        lastSeenMillis = nowMillis;
    }

    long lastSeenMillis() {
        return lastSeenMillis;
    }

    boolean dead() {
        return dead;
    }

    private void flush() {
        if (dead) {
            return;
        }
        if (buffer.overflowed()) {
            dead = true;
            prefixes = new byte[0][];
            bus.send(address, Buffer.buffer(1).appendByte(OVERFLOW));
            return;
        }
        EventBuffer.Event e = buffer.poll();
        while (e != null) {
            Buffer out = Buffer.buffer().appendByte(EVENTS);
            for (; e != null && out.length() < BATCH_BYTES; e = buffer.poll()) {
                out.appendInt(e.key().length).appendBytes(e.key());
                if (e.value() == null) {
                    out.appendInt(-1);
                } else {
                    out.appendInt(e.value().length).appendBytes(e.value());
                }
            }
            bus.send(address, out);
        }
    }

    /** Decodes one message and hands each event to {@code registry}'s local watches. */
    static void receive(Buffer message, WatchRegistry registry) {
        if (message.getByte(0) == OVERFLOW) {
            registry.overflowLocal();
            return;
        }
        int pos = 1;
        while (pos < message.length()) {
            int keyLength = message.getInt(pos);
            byte[] key = message.getBytes(pos + 4, pos + 4 + keyLength);
            pos += 4 + keyLength;
            int valueLength = message.getInt(pos);
            pos += 4;
            byte[] value = valueLength < 0 ? null : message.getBytes(pos, pos + valueLength);
            pos += Math.max(0, valueLength);
            registry.deliverLocal(key, value);
        }
    }
}
