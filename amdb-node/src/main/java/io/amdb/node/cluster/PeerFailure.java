package io.amdb.node.cluster;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Why a node refused or failed a message another node sent it over the clustered event bus (a forwarded
 * piece, a migration chunk, a request to the table coordinator). The number travels as the
 * {@link ReplyException#failureCode()}; numbers never change meaning (they borrow HTTP's, so logs read
 * naturally). Client-facing errors are {@code io.amdb.protocol.ErrorCode}, not these.
 */
public enum PeerFailure {
    /** The message does not parse, or names something impossible; sending it again cannot help. */
    MALFORMED(400),
    /** The receiver's table or state does not allow it yet (a migration it does not list yet): ask again shortly. */
    NOT_READY(409),
    /** The receiver's table log is another group: it belongs to another cluster history and will not join this one. */
    OTHER_CLUSTER(412),
    /** A migration chunk from an attempt the target does not know, or out of sequence: the move starts over. */
    OUT_OF_SEQUENCE(410),
    /** The receiver failed while handling it (a bug, a failed shard task); the message says what failed. */
    FAILED(500),
    /** The receiver cannot answer this kind of message now: it is not the coordinator, or has no table yet. */
    UNAVAILABLE(503);

    private final int code;

    PeerFailure(int code) {
        this.code = code;
    }

    /** The number on the wire. */
    public int code() {
        return code;
    }

    /** Answers {@code message} with this failure. */
    public void fail(Message<?> message, String why) {
        message.fail(code, why);
    }

    /** Whether {@code failure} is a receiver's answer of this kind (not a timeout or a missing handler). */
    public boolean is(Throwable failure) {
        return failure instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
                && r.failureCode() == code;
    }
}
