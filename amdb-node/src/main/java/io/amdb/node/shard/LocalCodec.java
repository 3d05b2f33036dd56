package io.amdb.node.shard;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes {@link ShardTask}s over the local event bus by reference: no copy, no serialisation. Shard
 * consumers are local-only, so the wire methods are never called.
 */
public final class LocalCodec implements MessageCodec<ShardTask, ShardTask> {
    public static final String NAME = "amdb.shard-task";
    /**
     * Delivery options that select this codec. The send timeout is long on purpose: a local shard always
     * answers, and the event bus's 30 s default would report a failure for a task that still runs later.
     */
    public static final DeliveryOptions DELIVERY = new DeliveryOptions().setCodecName(NAME).setLocalOnly(true)
            .setSendTimeout(java.util.concurrent.TimeUnit.HOURS.toMillis(1));

    @Override
    public void encodeToWire(Buffer buffer, ShardTask task) {
        throw new UnsupportedOperationException("shard tasks never leave the JVM");
    }

    @Override
    public ShardTask decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException("shard tasks never leave the JVM");
    }

    @Override
    public ShardTask transform(ShardTask task) {
        return task;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
