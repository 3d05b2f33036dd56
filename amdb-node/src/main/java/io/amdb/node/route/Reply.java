package io.amdb.node.route;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * One reply of an {@link Exchange}: the request it answers and how its response is known. Read
 * {@link #response()} only once the exchange is done (its {@code seal} callback ran); same thread as it.
 */
public final class Reply {
    private final int requestId;
    private final int opcode;
    private Answer answer;

    Reply(int requestId, int opcode, Answer answer) {
        this.requestId = requestId;
        this.opcode = opcode;
        this.answer = answer;
    }

    public int requestId() {
        return requestId;
    }

    public int opcode() {
        return opcode;
    }

    /** The response; built from the shards' results when first read, so large values are read when encoded. */
    public Response response() {
        return answer.response();
    }

    Answer answer() {
        return answer;
    }

    void answer(Answer routed) {
        answer = routed;
    }

    /** How a reply's response is known. */
    sealed interface Answer permits Known, Built, Forwarded, Deferred {
        Response response();
    }

    /** Known when the request was routed: an error, or a refusal before any shard. */
    record Known(Response response) implements Answer {}

    /** Built from what the shards answered (see {@code Exchange#guarded}). */
    record Built(Supplier<Response> build) implements Answer {
        @Override
        public Response response() {
            return build.get();
        }
    }

    /** Answered by the {@link Forwarder}; a failed future (a bug) answers INTERNAL_ERROR. */
    record Forwarded(Future<Response> pending) implements Answer {
        @Override
        public Response response() {
            return pending.succeeded() ? pending.result()
                    : new Response.Error(ErrorCode.INTERNAL_ERROR, "forwarding failed: " + pending.cause().getMessage());
        }
    }

    /** Routed once this node's table catches up with the client's (see {@code Exchange}); replaced then. */
    record Deferred(Request request) implements Answer {
        @Override
        public Response response() {
            throw new IllegalStateException("a deferred request is read before it was routed");
        }
    }
}
