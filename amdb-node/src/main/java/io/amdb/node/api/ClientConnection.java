package io.amdb.node.api;

import io.amdb.node.route.Exchange;
import io.amdb.node.route.Reply;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.FrameAssembler;
import io.amdb.protocol.FrameHeader;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.RequestCodec;
import io.amdb.protocol.Response;
import io.amdb.protocol.ResponseCodec;
import io.amdb.protocol.Wire;
import io.amdb.protocol.WireReader;
import io.amdb.protocol.WireWriter;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One client connection: reassembles frames, decodes requests, routes each network read as one
 * {@link Exchange}, and writes its replies with one socket write.
 *
 * <p>Runs only on the event loop of the {@link ProtocolVerticle} that accepted it. Flow control: reading
 * pauses while the socket's write queue is full or too many requests are in flight, so a client that
 * sends without reading cannot grow the node's memory without bound.
 *
 * <p>A framing error (bad magic or version, length out of range, unparsable body) gets one error reply and
 * closes this connection only. On node shutdown the connection stops reading, answers what it already
 * read, then closes.
 */
final class ClientConnection {
    /** Requests in flight on one connection before reading pauses. */
    static final int MAX_IN_FLIGHT = 65_536;

    private final NetSocket socket;
    private final ProtocolContext node;
    private final FrameAssembler assembler;
    private static final int OUT_BUFFER_BYTES = 64 * 1024;
    /** Replies are written in buffers of about this size (a single larger reply goes alone). */
    static final int FLUSH_BYTES = 1 << 20;
    private WireWriter out = new WireWriter(OUT_BUFFER_BYTES);
    private final ArrayDeque<Exchange> completed = new ArrayDeque<>();
    private int nextReply;
    private Future<Void> lastWrite;
    private Exchange current;
    private Exchange gate; // routes requests only once this node's table catches up: later reads wait
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();
    private int inFlight;
    private boolean paused;
    private boolean closing;
    /** Set by node shutdown: keep reading, but answer every new frame with SHUTTING_DOWN. */
    private boolean shuttingDown;
    private boolean fatalAnswered;

    ClientConnection(NetSocket socket, ProtocolContext node) {
        this.socket = socket;
        this.node = node;
        this.assembler = new FrameAssembler(node.routes().limits().maxFrameBytes());
    }

    void start() {
        socket.handler(this::onData);
        socket.drainHandler(v -> writeReplies());
        socket.shutdownHandler(v -> beginClose());
        socket.exceptionHandler(e -> socket.close());
    }

    private void onData(Buffer data) {
        if (closing && !shuttingDown) {
            return; // after a framing error nothing more from this peer can be trusted
        }
        byte[] chunk = data.getBytes();
        if (gate != null) {
            held.add(chunk); // read before the pause took effect: runs after the gate opens, in order
            return;
        }
        process(chunk);
    }

    /**
     * Runs what one read brought. When the exchange must wait for this node's table to catch up with the
     * client's (see {@link Exchange#deferring()}), later reads wait behind it, so requests still run in the
     * order the client sent them.
     */
    private void process(byte[] chunk) {
        Exchange exchange = new Exchange(node.routes(), node.forwarder());
        current = exchange;
        try {
            assembler.feed(chunk, 0, chunk.length, this::onFrame);
        } catch (ProtocolException e) {
            // Framing is lost: answer what was read and this error, then close. onFrame sets fatalAnswered
            // when it has already answered the failing frame under its own request id.
            if (!fatalAnswered) {
                exchange.addError(0, 0, e.code(), e.getMessage());
            }
            closing = true;
            shuttingDown = false; // a broken stream: stop reading, even during shutdown
        }
        current = null;
        dispatch(exchange);
        if (exchange.deferring()) {
            gate = exchange;
            updateFlow();
            exchange.routed().onComplete(v -> openGate());
        }
    }

    private void openGate() {
        gate = null;
        while (gate == null && !held.isEmpty()) {
            process(held.poll());
        }
        updateFlow();
    }

    private void onFrame(byte[] buf, int off, int len) throws ProtocolException {
        FrameHeader header;
        try {
            header = FrameHeader.parse(buf, off, len);
        } catch (ProtocolException e) {
            // Bad magic or version: the stream is lost, but the frame is whole, so answer under its own id.
            current.addError(Wire.readInt(buf, off + 8), buf[off + 6] & 0xFF, e.code(), e.getMessage());
            fatalAnswered = true;
            throw e;
        }
        if (shuttingDown) {
            current.addError(header.requestId(), header.opcode(), ErrorCode.SHUTTING_DOWN,
                    "node is stopping; this request was not run");
            return;
        }
        try {
            WireReader body = new WireReader(buf, off + Wire.HEADER_BYTES, len - Wire.HEADER_BYTES);
            current.add(header.requestId(), header.epoch(), RequestCodec.decode(header, body, node.routes().limits().maxBatchItems()));
        } catch (ProtocolException e) {
            current.addError(header.requestId(), header.opcode(), e.code(), e.getMessage());
            if (e.code().closesConnection()) {
                fatalAnswered = true;
                throw e;
            }
        }
    }

    private void dispatch(Exchange exchange) {
        inFlight += exchange.size();
        updateFlow();
        long readAt = System.nanoTime();
        exchange.seal(() -> {
            if (exchange.size() > 0) {
                node.routes().counters().recordLatency(exchange.replies().get(0).opcode(), System.nanoTime() - readAt);
            }
            completed.add(exchange);
            writeReplies();
        });
    }

    /**
     * Encodes completed exchanges' replies into buffers of about {@link #FLUSH_BYTES} and writes them while the
     * socket takes them; when its write queue fills, stops and continues from the drain handler. Replies read
     * their values only when encoded, so a client that asks for many large values and reads slowly holds at
     * most one buffer of them here, not all of them.
     */
    private void writeReplies() {
        long epoch = node.routes().table().current().epoch();
        while (!completed.isEmpty() && !socket.writeQueueFull()) {
            Exchange head = completed.peek();
            List<Reply> replies = head.replies();
            out.reset();
            while (nextReply < replies.size() && out.size() < FLUSH_BYTES) {
                encode(replies.get(nextReply++), epoch);
                inFlight--;
            }
            if (nextReply == replies.size()) {
                completed.poll();
                nextReply = 0;
            }
            if (out.size() > 0) {
                lastWrite = socket.write(Buffer.buffer(out.size()).appendBytes(out.array(), 0, out.size()));
            }
            if (out.array().length > 4 * FLUSH_BYTES) {
                out = new WireWriter(OUT_BUFFER_BYTES); // one huge reply must not pin its buffer
            }
        }
        if (closing && inFlight == 0) {
            closeAfterWrites();
            return;
        }
        updateFlow();
    }

    /** Encodes one reply; a failure (a bug, a reply too large to encode) becomes INTERNAL_ERROR for it alone. */
    private void encode(Reply r, long epoch) {
        int mark = out.size();
        try {
            ResponseCodec.encode(out, r.opcode(), r.requestId(), epoch, r.response());
        } catch (RuntimeException | OutOfMemoryError e) {
            out.truncate(mark);
            ResponseCodec.encode(out, r.opcode(), r.requestId(), epoch,
                    new Response.Error(ErrorCode.INTERNAL_ERROR, "could not encode the reply: " + e));
        }
        node.routes().counters().countAnswered(r.opcode());
    }

    private void closeAfterWrites() {
        if (lastWrite == null) {
            socket.close();
        } else {
            lastWrite.onComplete(ar -> socket.close());
        }
    }

    /** Pauses reading while replies back up or too much is in flight; resumes when both clear. */
    private void updateFlow() {
        boolean shouldPause = (closing && !shuttingDown) || inFlight >= MAX_IN_FLIGHT || socket.writeQueueFull()
                || gate != null;
        if (shouldPause && !paused) {
            socket.pause();
            paused = true;
        } else if (!shouldPause && paused) {
            socket.resume();
            paused = false;
        }
    }

    /**
     * Node shutdown: requests already read are answered; frames that still arrive are answered
     * SHUTTING_DOWN without being run (so the client knows they did not happen); then the connection closes.
     */
    private void beginClose() {
        closing = true;
        shuttingDown = true;
        if (inFlight == 0) {
            closeAfterWrites();
        }
    }


    /** Refuses a connection over the limit with one error frame, then closes it. */
    static void refuse(NetSocket socket, ErrorCode code, String message) {
        WireWriter w = new WireWriter();
        ResponseCodec.encode(w, 0, 0, 0, new Response.Error(code, message));
        socket.write(Buffer.buffer(w.toByteArray())).onComplete(ar -> socket.close());
    }
}
