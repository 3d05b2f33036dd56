package io.amdb.node;

import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests in flight on one {@link RawClient} connection, each with the test's tag, matched to their replies by
 * request id: a node may answer one connection out of order (a read, or a write that changed nothing, is answered
 * at once, while a write waits for the log). Single-threaded, like the connection.
 */
final class Pipeline<T> implements AutoCloseable {
    /** A reply and the tag of the request it answers. */
    record Answer<T>(T tag, Response response) {}

    private final RawClient client;
    private final Map<Integer, T> pending = new HashMap<>();

    Pipeline(int port) throws IOException {
        client = new RawClient(port);
    }

    void send(Request request, T tag) throws IOException {
        pending.put(client.send(request), tag);
    }

    /** Requests sent and not answered yet. */
    int inFlight() {
        return pending.size();
    }

    /** The tags of the requests sent and not answered yet. */
    List<T> unanswered() {
        return new ArrayList<>(pending.values());
    }

    /** The next answer, blocking (with the client's hang guard). */
    Answer<T> next() throws IOException {
        return answer(client.read());
    }

    /** The next answer if one arrives within {@code timeoutMs}, else null: a poll, not a deadline. */
    Answer<T> poll(int timeoutMs) throws IOException {
        RawClient.Reply reply = client.poll(timeoutMs);
        return reply == null ? null : answer(reply);
    }

    /**
     * After the node was killed: the answers it sent before it died that are still to be read, until the connection
     * ends. They were acknowledged by the node, so they count.
     */
    List<Answer<T>> drain() {
        List<Answer<T>> answers = new ArrayList<>();
        try {
            while (!pending.isEmpty()) {
                answers.add(next());
            }
        } catch (IOException connectionEnded) {
            // expected: end of stream or reset once the buffered replies are read
        }
        return answers;
    }

    private Answer<T> answer(RawClient.Reply reply) {
        T tag = pending.remove(reply.header().requestId());
        if (tag == null) {
            throw new IllegalStateException("reply to request " + reply.header().requestId() + ", which is not in flight: "
                    + reply.response());
        }
        return new Answer<>(tag, reply.response());
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
