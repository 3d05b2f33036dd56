package io.amdb.node.http;

/**
 * One watch of a key prefix, owned by one WebSocket session: the events for it wait in a bounded
 * {@link EventBuffer} until the session's socket takes them.
 *
 * @param watchId   the id the node gave it ("w1"), unique on its connection
 * @param requestId the id of the watch request, echoed on every event
 * @param prefix    keys starting with these bytes are watched (empty: every key); never modified
 * @param base64    events encode keys and values as base64
 */
record Watch(String watchId, Object requestId, byte[] prefix, boolean base64, EventBuffer buffer) {
    void offer(byte[] key, byte[] value) {
        buffer.offer(key, value);
    }
}
