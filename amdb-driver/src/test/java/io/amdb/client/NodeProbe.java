package io.amdb.client;

import io.amdb.protocol.FrameAssembler;
import io.amdb.protocol.FrameHeader;
import io.amdb.protocol.Limits;
import io.amdb.protocol.PartitionTable;
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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * One blocking protocol connection to one node, for tests that must ask a <em>given</em> node (its INFO, its
 * TABLE) or send it an unrouted request (epoch 0: the node forwards it to the owner its own table names), which
 * the driver never does. One request at a time; not thread-safe.
 */
final class NodeProbe implements AutoCloseable {
    /** A decoded reply: the epoch in its header and the response. */
    record Reply(long epoch, Response response) {}

    private final Socket socket;
    private final InputStream in;
    private final FrameAssembler assembler = new FrameAssembler(Limits.DEFAULTS.maxFrameBytes());
    private final Deque<Reply> ready = new ArrayDeque<>();
    private int nextId = 1;

    /** Connects (bounded by 5 s); a reply not read within {@code readGuardMs} fails the call (a hang guard). */
    NodeProbe(String host, int port, int readGuardMs) throws IOException {
        socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(readGuardMs);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends {@code request} with table epoch {@code epoch} (0: unrouted) and returns the node's reply. */
    Reply call(Request request, long epoch) throws IOException {
        WireWriter w = new WireWriter();
        int id = nextId++;
        RequestCodec.encode(w, id, epoch, request);
        socket.getOutputStream().write(w.array(), 0, w.size());
        socket.getOutputStream().flush();
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
                    ready.add(new Reply(h.epoch(), ResponseCodec.decode(h, r)));
                });
            } catch (ProtocolException e) {
                throw new IOException("bad reply from the node: " + e.getMessage(), e);
            }
        }
        return ready.poll();
    }

    /** The node's INFO fields. */
    Map<String, String> info() throws IOException {
        Response r = call(new Request.Info(), 0).response();
        if (r instanceof Response.Info info) {
            return info.fields();
        }
        throw new IOException("INFO answered " + r);
    }

    /** The node's current table. */
    PartitionTable table() throws IOException {
        Response r = call(new Request.Table(), 0).response();
        if (r instanceof Response.Table t) {
            return t.table();
        }
        throw new IOException("TABLE answered " + r);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
