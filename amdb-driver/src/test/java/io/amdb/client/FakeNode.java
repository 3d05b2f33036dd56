package io.amdb.client;

import io.amdb.protocol.ErrorCode;
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

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the node: loopback only, a thread per connection, a {@link FakeStore} behind it, and
 * switches to misbehave. Replies are computed in arrival order (so same-connection requests apply in
 * order) but written according to the {@link Mode}.
 */
final class FakeNode implements AutoCloseable {
    enum Mode {
        /** Answer each request at once. */
        NORMAL,
        /** Answer the requests of each read in reverse order. */
        REVERSE_BURSTS,
        /** Hold replies; write them reversed once {@link #holdUntil} are held, or one by {@link #releaseOldest}. */
        HOLD,
        /** Read requests, never answer. */
        SILENT
    }

    final FakeStore store = new FakeStore();
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Peer> peers = new CopyOnWriteArrayList<>();
    private final Semaphore received = new Semaphore(0);
    private volatile Mode mode;
    private volatile int holdUntil = Integer.MAX_VALUE;

    FakeNode(Mode mode) throws IOException {
        this.mode = mode;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "fake-node-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String host() {
        return server.getInetAddress().getHostAddress();
    }

    int port() {
        return server.getLocalPort();
    }

    /** In HOLD mode, answers (in reverse) as soon as a connection holds this many replies. */
    void holdUntil(int count) {
        holdUntil = count;
    }

    /** Waits (bounded) until the node has read {@code n} more requests than earlier calls consumed. */
    boolean awaitReceived(int n) throws InterruptedException {
        return received.tryAcquire(n, 10, TimeUnit.SECONDS);
    }

    /** HOLD mode: writes the oldest held reply of every connection. */
    void releaseOldest() throws IOException {
        for (Peer p : peers) {
            synchronized (p) {
                if (!p.held.isEmpty()) {
                    p.out.write(p.held.remove(0));
                    p.out.flush();
                }
            }
        }
    }

    /** Closes every client connection (the node keeps listening). */
    void closeConnections() {
        peers.forEach(p -> closeQuietly(p.socket));
    }

    /** What the node does after a framing error it cannot attribute: error frame with id 0, then close. */
    void failConnectionsWithIdZero(ErrorCode code, String message) throws IOException {
        WireWriter w = new WireWriter();
        ResponseCodec.encode(w, 0, 0, 0L, new Response.Error(code, message));
        for (Peer p : peers) {
            synchronized (p) {
                p.out.write(w.toByteArray());
                p.out.flush();
                try {
                    p.socket.shutdownOutput(); // FIN after the frame; the reader thread closes on the client's EOF
                } catch (java.net.SocketException alreadyClosed) {
                    // the client read the frame and hung up first, and the reader thread closed the socket
                }
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        closeConnections();
        try {
            acceptor.join(5_000);
            for (Peer p : peers) {
                p.thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                Peer p = new Peer(s);
                peers.add(p);
                p.thread.start();
            }
        } catch (IOException e) {
            // server closed
        }
    }

    private final class Peer {
        final Socket socket;
        final OutputStream out;
        final Thread thread;
        final List<byte[]> held = new ArrayList<>();

        Peer(Socket socket) throws IOException {
            this.socket = socket;
            this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            this.thread = new Thread(this::serve, "fake-node-conn");
            thread.setDaemon(true);
        }

        private void serve() {
            FrameAssembler assembler = new FrameAssembler(Limits.DEFAULTS.maxFrameBytes());
            List<byte[]> replies = new ArrayList<>();
            byte[] buf = new byte[64 * 1024];
            try (socket) {
                InputStream in = socket.getInputStream();
                for (int n; (n = in.read(buf)) > 0; ) {
                    replies.clear();
                    assembler.feed(buf, 0, n, (b, off, len) -> replies.add(answer(b, off, len)));
                    deliver(replies);
                    received.release(replies.size());
                }
            } catch (IOException | ProtocolException e) {
                // connection closed, or a frame this fake cannot read: drop the connection
            }
        }

        private synchronized void deliver(List<byte[]> replies) throws IOException {
            switch (mode) {
                case NORMAL -> write(replies);
                case REVERSE_BURSTS -> {
                    Collections.reverse(replies);
                    write(replies);
                }
                case HOLD -> {
                    held.addAll(replies);
                    if (held.size() >= holdUntil) {
                        Collections.reverse(held);
                        write(held);
                        held.clear();
                    }
                }
                case SILENT -> { }
            }
        }

        private void write(List<byte[]> frames) throws IOException {
            for (byte[] f : frames) {
                out.write(f);
            }
            out.flush();
        }
    }

    private byte[] answer(byte[] buf, int off, int len) throws ProtocolException {
        FrameHeader h = FrameHeader.parse(buf, off, len);
        Response response;
        try {
            Request request = RequestCodec.decode(h, new WireReader(buf, off + Wire.HEADER_BYTES, len - Wire.HEADER_BYTES));
            response = store.execute(request);
        } catch (ProtocolException e) {
            response = new Response.Error(e.code(), e.getMessage());
        }
        WireWriter w = new WireWriter();
        ResponseCodec.encode(w, h.opcode(), h.requestId(), 0L, response);
        return w.toByteArray();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // test teardown
        }
    }
}
