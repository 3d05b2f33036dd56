package io.amdb.node;

import io.amdb.protocol.FrameAssembler;
import io.amdb.protocol.FrameHeader;
import io.amdb.protocol.Limits;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.Request;
import io.amdb.protocol.RequestCodec;
import io.amdb.protocol.Response;
import io.amdb.protocol.ResponseCodec;
import io.amdb.protocol.Wire;
import io.amdb.protocol.WireReader;
import io.amdb.protocol.WireWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A blocking test client that speaks the wire protocol byte for byte, so tests can send anything —
 * pipelined bursts, split frames, garbage — and read the node's exact replies. Loopback only.
 */
final class RawClient implements AutoCloseable {
    /** A decoded reply with its header. */
    record Reply(FrameHeader header, Response response) {}

    private static final int READ_GUARD_MS = 30_000; // a hang guard, not a timing assertion

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final FrameAssembler assembler = new FrameAssembler(Limits.DEFAULTS.maxFrameBytes());
    private final Deque<Reply> ready = new ArrayDeque<>();
    private int nextId = 1;

    RawClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(READ_GUARD_MS);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends one request and returns its response. */
    Response call(Request request) throws IOException {
        int id = send(request);
        Reply reply = read();
        if (reply.header().requestId() != id) {
            throw new IllegalStateException("expected reply to " + id + ", got " + reply.header().requestId());
        }
        return reply.response();
    }

    /** Sends one request routed with table {@code epoch} (0: unrouted, the node forwards it); returns its response. */
    Response call(Request request, long epoch) throws IOException {
        int id = send(request, epoch);
        Reply reply = read();
        if (reply.header().requestId() != id) {
            throw new IllegalStateException("expected reply to " + id + ", got " + reply.header().requestId());
        }
        return reply.response();
    }

    /** Sends one request frame; returns its request id. */
    int send(Request request) throws IOException {
        return send(request, 0);
    }

    /** Sends one request frame routed with table {@code epoch}; returns its request id. */
    int send(Request request, long epoch) throws IOException {
        WireWriter w = new WireWriter();
        int id = nextId++;
        RequestCodec.encode(w, id, epoch, request);
        out.write(w.array(), 0, w.size());
        out.flush();
        return id;
    }

    /** Writes raw bytes, exactly as given. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Encodes a request frame without sending it. */
    byte[] encode(Request request) {
        WireWriter w = new WireWriter();
        RequestCodec.encode(w, nextId++, 0, request);
        return w.toByteArray();
    }

    /** Reads the next reply, blocking. */
    Reply read() throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (ready.isEmpty()) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed by the node");
            }
            try {
                assembler.feed(buf, 0, n, (b, off, len) -> {
                    FrameHeader h = FrameHeader.parse(b, off, len);
                    WireReader r = new WireReader(b, off + Wire.HEADER_BYTES, len - Wire.HEADER_BYTES);
                    ready.add(new Reply(h, ResponseCodec.decode(h, r)));
                });
            } catch (ProtocolException e) {
                throw new IOException("bad reply from node: " + e.getMessage(), e);
            }
        }
        return ready.poll();
    }

    /** The next reply if one arrives within {@code timeoutMs}, else null: a poll, not a deadline. */
    Reply poll(int timeoutMs) throws IOException {
        if (!ready.isEmpty()) {
            return ready.poll();
        }
        socket.setSoTimeout(timeoutMs);
        try {
            return read();
        } catch (SocketTimeoutException nothingYet) {
            return null;
        } finally {
            socket.setSoTimeout(READ_GUARD_MS);
        }
    }

    /** The values of {@code keys} (null where absent), read by MGETs of at most 1,000 keys, one at a time. */
    List<byte[]> mget(List<byte[]> keys) throws IOException {
        List<byte[]> values = new ArrayList<>(keys.size());
        for (int from = 0; from < keys.size(); from += 1_000) {
            Response r = call(new Request.MGet(keys.subList(from, Math.min(keys.size(), from + 1_000))));
            if (!(r instanceof Response.Values v)) {
                throw new IllegalStateException("MGET answered " + r);
            }
            values.addAll(v.values());
        }
        return values;
    }

    /** True once the node has closed the connection (reads to end of stream, discarding replies). */
    boolean closedByNode() throws IOException {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // drain
            }
            return true;
        } catch (java.net.SocketException e) {
            return true; // reset by peer also means closed
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
