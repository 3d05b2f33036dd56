package io.amdb.node.replicate;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A backup's memory of the last message of each primary shard's stream, so that a message sent again (its reply
 * timed out) is answered with the first answer instead of being applied twice: applying a copy chunk again after the
 * changes that followed it would put older values back. Messages of one stream come one at a time, so the last one
 * is all there is to remember; a resend that arrives while the first is still being applied waits for it.
 *
 * <p>Not thread-safe: the backup's endpoint context only.
 */
final class Resends {
    private record Last(long stream, int seq, Future<byte[]> reply) {}

    private final Map<String, Last> last = new HashMap<>();

    /** The reply to message {@code seq} of {@code stream} from {@code from}'s {@code shard}: applied once. */
    Future<byte[]> offer(String from, int shard, long stream, int seq, Supplier<Future<byte[]>> apply) {
        String key = from + '/' + shard;
        Last l = last.get(key);
        if (l != null && l.stream() == stream && l.seq() == seq) {
            return l.reply();
        }
        Future<byte[]> reply = apply.get();
        last.put(key, new Last(stream, seq, reply));
        return reply;
    }
}
