package io.amdb.client;

import io.amdb.protocol.WireWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The bytes waiting to go out on one connection, double-buffered. I/O thread only.
 *
 * <p>Frames are encoded into {@code filling} while {@code sending} is being written, so a partial write
 * never forces a copy or compaction; when {@code sending} is fully written the two swap, and one write
 * call carries every frame encoded since. Encoding stops once {@code filling} holds {@link #BATCH_BYTES}
 * (see {@link #hasRoom()}), which bounds memory and latency when the socket is slower than the callers.
 */
final class Outbound {
    /** Encode no further ahead of the socket than this (one more frame may exceed it). */
    static final int BATCH_BYTES = 1 << 20;
    /** A buffer grown beyond this by a large frame is dropped after use rather than kept. */
    private static final int KEEP_BYTES = 4 * BATCH_BYTES;
    private static final int INITIAL_BYTES = 8 * 1024;

    private WireWriter filling = new WireWriter(INITIAL_BYTES);
    private WireWriter sending = new WireWriter(INITIAL_BYTES);
    private int sent; // bytes of sending already written

    /** The buffer to encode new frames into. */
    WireWriter writer() {
        return filling;
    }

    boolean hasRoom() {
        return filling.size() < BATCH_BYTES;
    }

    boolean isEmpty() {
        return filling.size() == 0 && sent == sending.size();
    }

    /**
     * Writes as much as the socket takes without blocking.
     *
     * @return true when everything has been written, false when bytes remain (wait for OP_WRITE)
     */
    boolean flush(SocketChannel channel) throws IOException {
        while (true) {
            int size = sending.size();
            if (sent < size) {
                sent += channel.write(ByteBuffer.wrap(sending.array(), sent, size - sent));
                if (sent < size) {
                    return false;
                }
            }
            if (sending.array().length > KEEP_BYTES) {
                sending = new WireWriter(INITIAL_BYTES);
            } else {
                sending.reset();
            }
            sent = 0;
            if (filling.size() == 0) {
                return true;
            }
            WireWriter full = filling;
            filling = sending;
            sending = full;
        }
    }
}
