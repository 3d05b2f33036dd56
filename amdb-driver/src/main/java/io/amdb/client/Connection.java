package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.FrameAssembler;
import io.amdb.protocol.FrameHeader;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.RequestCodec;
import io.amdb.protocol.Response;
import io.amdb.protocol.ResponseCodec;
import io.amdb.protocol.Wire;
import io.amdb.protocol.WireReader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection to one node ({@link Peer}) and every request on it.
 *
 * <p>Threading: {@link #enqueue}, {@link #withdraw} and {@link #isClosed} may be called from any thread, and
 * so may {@link #close} on a connection the I/O thread never registered (see {@link IoLoop#add}); every
 * other method runs on the client's I/O thread, which is why the pending table, backlog and buffers need
 * no locks.
 *
 * <p>The socket connects without blocking: until it is connected, calls are admitted (they get ids and
 * their request timeout runs) but nothing is written. If connecting fails or takes longer than the connect
 * timeout, they fail with CONNECTION_LOST like the calls of any lost connection.
 *
 * <p>A request travels: submit queue (any thread) → backlog and pending table (I/O thread; the id is
 * assigned here) → encoded while the outbound buffer has room → written → answered, timed out, or
 * failed when the connection closes. The backlog is FIFO and requests submitted on the I/O thread go
 * through it as well, after whatever was queued; so requests on one connection go out in submission
 * order, which the node relies on to apply same-key requests in order.
 */
final class Connection {
    private static final int MAX_READS_PER_WAKEUP = 16;

    private final Peer owner;
    private final SocketChannel channel;
    private final String peer;
    private final long connectStartNanos = System.nanoTime();
    private final ConcurrentLinkedQueue<Call> submitted = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Call> backlog = new ArrayDeque<>();
    private final PendingCalls pending = new PendingCalls();
    private final Outbound outbound = new Outbound();
    private final FrameAssembler assembler;
    private final FrameAssembler.Sink frameSink = this::onFrame;
    private SelectionKey key;
    private boolean connected;
    private boolean writeInterest;
    /** Written by the closing thread before it drains the submit queue; read by submitters (IoLoop#submit). */
    private volatile boolean closed;
    /** Why {@link #onFrame} aborted reading; set just before it throws. */
    private AmDbException abortCause;

    /** @param channel non-blocking, connected or with a connect pending */
    Connection(Peer owner, SocketChannel channel, int maxInboundFrameBytes) {
        this.owner = owner;
        this.channel = channel;
        this.peer = owner.label();
        this.assembler = new FrameAssembler(maxInboundFrameBytes);
    }

    /** I/O thread: registers with the selector, waiting for the connect to finish if it has not yet. */
    void register(Selector selector) throws IOException {
        boolean pending = channel.isConnectionPending();
        key = channel.register(selector, pending ? SelectionKey.OP_CONNECT : SelectionKey.OP_READ, this);
        if (!pending) {
            onConnected();
        }
    }

    /** I/O thread: the selector says the connect attempt finished, one way or the other. */
    void onConnectable() {
        try {
            if (channel.finishConnect()) {
                key.interestOps(SelectionKey.OP_READ);
                onConnected();
            }
        } catch (IOException e) {
            lose(ErrorCode.CONNECTION_LOST, "cannot connect to " + peer + ": " + IoLoop.describe(e));
        }
    }

    /** I/O thread: gives up on a connect attempt older than the connect timeout. */
    void expireConnect(long now, long connectTimeoutNanos) {
        if (!connected && !closed && now - connectStartNanos >= connectTimeoutNanos) {
            lose(ErrorCode.CONNECTION_LOST, "cannot connect to " + peer + ": no connection within "
                    + TimeUnit.NANOSECONDS.toMillis(connectTimeoutNanos) + " ms");
        }
    }

    /** Any thread. Once true, stays true; calls enqueued after that must be withdrawn by their submitter. */
    boolean isClosed() {
        return closed;
    }

    /** Any thread: queues a call for the I/O thread. */
    void enqueue(Call call) {
        submitted.offer(call);
    }

    /** Any thread: takes back a queued call; true when it was still queued (the caller now owns it). */
    boolean withdraw(Call call) {
        return submitted.remove(call);
    }

    /** True when {@link #pump()} has something to do now rather than after the next readiness event. */
    boolean hasWork() {
        return !submitted.isEmpty()
                || (connected && !writeInterest && !closed && !(backlog.isEmpty() && outbound.isEmpty()));
    }

    /** I/O thread: submits a call without the queue; it is written at the end of this loop iteration. */
    void sendNow(Call call) {
        if (closed) {
            call.fail(ErrorCode.CONNECTION_LOST, "connection to " + peer + " is closed");
            return;
        }
        drainSubmitted();
        admit(call);
        encodeBacklog();
    }

    /** Moves queued calls to the backlog, encodes what fits, and writes what the socket takes. */
    void pump() {
        if (closed) {
            failSubmitted(); // stragglers a racing submitter did not withdraw
            return;
        }
        drainSubmitted();
        if (!connected) {
            return; // written once connected; failed if connecting fails
        }
        try {
            boolean empty;
            do {
                encodeBacklog();
                empty = outbound.flush(channel);
            } while (empty && !backlog.isEmpty());
            setWriteInterest(!empty);
        } catch (IOException e) {
            lose(ErrorCode.CONNECTION_LOST, "write to " + peer + " failed: " + IoLoop.describe(e));
        }
    }

    /** Reads what has arrived and completes the calls it answers. */
    void onReadable(ByteBuffer buffer) {
        try {
            for (int i = 0; i < MAX_READS_PER_WAKEUP && !closed; i++) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    lose(ErrorCode.CONNECTION_LOST, "connection closed by " + peer);
                    return;
                }
                assembler.feed(buffer.array(), buffer.arrayOffset(), n, frameSink);
                if (n < buffer.capacity()) {
                    return; // the socket is drained
                }
            }
        } catch (IOException e) {
            lose(ErrorCode.CONNECTION_LOST, "read from " + peer + " failed: " + IoLoop.describe(e));
        } catch (ProtocolException e) {
            AmDbException cause = abortCause != null ? abortCause : new AmDbException(ErrorCode.CONNECTION_LOST,
                    "malformed response from " + peer + ": " + e.getMessage());
            lose(cause.code(), cause.getMessage());
        }
    }

    /** Fails the calls older than the request timeout; late replies to them are then ignored. */
    void expire(long now, long timeoutNanos, String message) {
        for (Call call : pending.removeExpired(now, timeoutNanos)) {
            call.fail(ErrorCode.TIMEOUT, message);
        }
    }

    /**
     * Closes the socket and fails every call on this connection: those holding an id with {@code code},
     * those never taken from the queue with CONNECTION_LOST. Idempotent.
     */
    void close(ErrorCode code, String message) {
        if (closed) {
            return;
        }
        closed = true;
        if (key != null) {
            key.cancel();
        }
        IoLoop.closeQuietly(channel);
        backlog.clear(); // every backlog call is also pending
        for (Call call : pending.removeAll()) {
            call.fail(code, message);
        }
        failSubmitted();
    }

    private void onConnected() {
        connected = true;
        owner.connectionReady();
    }

    private void lose(ErrorCode code, String message) {
        owner.connectionLost(message); // first, so calls failed below already see the peer as lost
        close(code, message);
    }

    private void failSubmitted() {
        for (Call call; (call = submitted.poll()) != null; ) {
            call.fail(ErrorCode.CONNECTION_LOST, "connection to " + peer + " is closed");
        }
    }

    private void drainSubmitted() {
        for (Call call; (call = submitted.poll()) != null; ) {
            admit(call);
        }
    }

    private void admit(Call call) {
        pending.register(call);
        backlog.add(call);
    }

    private void encodeBacklog() {
        while (outbound.hasRoom()) {
            Call call = backlog.poll();
            if (call == null) {
                return;
            }
            if (!call.isDone()) { // else it timed out before its turn came
                RequestCodec.encode(outbound.writer(), call.id, call.epoch, call.takeRequest());
            }
        }
    }

    private void setWriteInterest(boolean want) {
        if (want != writeInterest) {
            key.interestOps(want ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            writeInterest = want;
        }
    }

    /** Handles one response frame; throws (after setting {@link #abortCause}) to drop the connection. */
    private void onFrame(byte[] buf, int off, int len) throws ProtocolException {
        FrameHeader h = FrameHeader.parse(buf, off, len);
        if (!h.isResponse()) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "a frame without the RESPONSE flag");
        }
        owner.observeEpoch(h.epoch()); // every response carries the node's table epoch, errors included
        Response response = ResponseCodec.decode(h, new WireReader(buf, off + Wire.HEADER_BYTES, len - Wire.HEADER_BYTES));
        Response.Error error = response instanceof Response.Error e ? e : null;
        if (h.requestId() == 0) { // the node's answer to a framing error it could not attribute
            if (error != null) {
                throw abort(error.code(), "node " + peer + " closed the connection: " + error.message());
            }
            return;
        }
        Call call = pending.get(h.requestId());
        if (call == null) {
            return; // a late reply to a call that timed out
        }
        if (error == null && h.opcode() != call.opcode.code()) {
            throw abort(ErrorCode.CONNECTION_LOST, "node " + peer + " answered " + call.opcode + " request "
                    + h.requestId() + " with opcode " + h.opcode());
        }
        pending.remove(h.requestId());
        call.succeed(response);
        if (error != null && error.code().closesConnection()) {
            throw abort(ErrorCode.CONNECTION_LOST, "node " + peer + " closes the connection after "
                    + error.code() + ": " + error.message());
        }
    }

    @Override
    public String toString() {
        return peer;
    }

    private ProtocolException abort(ErrorCode code, String message) {
        abortCause = new AmDbException(code, message);
        return new ProtocolException(code, message);
    }
}
