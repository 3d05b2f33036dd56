package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.FrameAssembler;
import io.amdb.protocol.FrameHeader;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Member;
import io.amdb.protocol.Opcode;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Partitioner;
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
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;

/**
 * A stand-in for the node: loopback only, a thread per connection, a {@link FakeStore} behind it, and
 * switches to misbehave. Replies are computed in arrival order (so same-connection requests apply in
 * order) but written according to the {@link Mode}.
 *
 * <p><b>Partition table.</b> A node serves by a table: its own standalone one (epoch 1, itself owning every
 * partition) or, in a {@link FakeCluster}, the cluster's current one. Like a real node it answers TABLE
 * with that table, puts its epoch in every response header, serves only keys whose partition it owns and
 * answers WRONG_OWNER (or PARTITION_LOST for a LOST partition) otherwise. Checking ownership and executing
 * happen under the cluster's guard, so a table swap is atomic with respect to every request.
 *
 * <p>TABLE is the control plane: answered at once in every {@link Mode}, and not counted by
 * {@link #awaitReceived}.
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

    final FakeStore store;
    private final String nodeId;
    private final Supplier<PartitionTable> tables;
    private final Object guard;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Peer> peers = new CopyOnWriteArrayList<>();
    private final Semaphore received = new Semaphore(0);
    private final Semaphore tableRequests = new Semaphore(0);
    private final Semaphore accepts = new Semaphore(0);
    private final AtomicIntegerArray answered = new AtomicIntegerArray(256); // by opcode
    private volatile Mode mode;
    private volatile int holdUntil = Integer.MAX_VALUE;
    private volatile long lastRequestEpoch = -1;
    /** Never answer TABLE: a node that accepts connections but hangs. */
    volatile boolean tableSilent;
    /** When set, TABLE is answered with this table instead of the one the node serves by: a node that lags. */
    volatile PartitionTable tableAnswer;
    /** When set, TABLE requests fail with this error (a node going down). */
    volatile Response.Error tableFailure;
    /** Answer WRONG_OWNER to every request with a key, whatever the table says. */
    volatile boolean alwaysWrongOwner;
    /** For a BATCH with keys it does not own: apply the others, WRONG_OWNER status for those (else reject all). */
    volatile boolean wrongOwnerPerItem;

    /** A standalone node, id "fake". */
    FakeNode(Mode mode) throws IOException {
        this(mode, "fake", null, null);
    }

    /**
     * @param tables the table to serve by (a cluster's); null = its own standalone table
     * @param guard  held while checking ownership and executing; the cluster swaps tables under it
     */
    FakeNode(Mode mode, String nodeId, Supplier<PartitionTable> tables, Object guard) throws IOException {
        this.mode = mode;
        this.nodeId = nodeId;
        this.store = new FakeStore(nodeId);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        PartitionTable own = new PartitionTable(1, Partitioner.DEFAULT_PARTITIONS, List.of(member()),
                new int[Partitioner.DEFAULT_PARTITIONS], List.of());
        this.tables = tables != null ? tables : () -> own;
        this.guard = guard != null ? guard : this;
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

    String nodeId() {
        return nodeId;
    }

    /** This node as a table names it. */
    Member member() {
        return new Member(nodeId, host(), port());
    }

    /** "host:port", a seed for {@link AmDbClient#connect(List, ClientOptions)}. */
    String seed() {
        return host() + ":" + port();
    }

    /**
     * How many connections clients opened to this node before this call. Connects complete in the kernel
     * before the acceptor sees them, so this opens a probe connection and waits until it is accepted:
     * accepts are first-in first-out, so by then every earlier connection has been accepted too.
     */
    int acceptedConnections() throws IOException, InterruptedException {
        try (Socket probe = new Socket(server.getInetAddress(), port())) {
            int probePort = probe.getLocalPort();
            while (peers.stream().noneMatch(p -> p.socket.getPort() == probePort)) {
                if (!accepts.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("probe connection not accepted");
                }
            }
            return peers.size() - 1;
        }
    }

    /** How many requests with this opcode the node has answered (TABLE included). */
    int answered(Opcode opcode) {
        return answered.get(opcode.code());
    }

    /** The header epoch of the last non-TABLE request; -1 before any. */
    long lastRequestEpoch() {
        return lastRequestEpoch;
    }

    /** Waits (bounded) until the node has answered {@code n} more TABLE requests than earlier calls consumed. */
    boolean awaitTableRequests(int n) throws InterruptedException {
        return tableRequests.tryAcquire(n, 10, TimeUnit.SECONDS);
    }

    void mode(Mode mode) {
        this.mode = mode;
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
                accepts.release();
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
            List<byte[]> tables = new ArrayList<>();
            byte[] buf = new byte[64 * 1024];
            try (socket) {
                InputStream in = socket.getInputStream();
                for (int n; (n = in.read(buf)) > 0; ) {
                    replies.clear();
                    tables.clear();
                    assembler.feed(buf, 0, n, (b, off, len) -> {
                        FrameHeader h = FrameHeader.parse(b, off, len);
                        if (h.opcode() != Opcode.TABLE.code()) {
                            replies.add(answer(h, b, off, len));
                        } else if (!tableSilent) {
                            tables.add(answer(h, b, off, len));
                        }
                    });
                    writeNow(tables); // whatever the mode
                    tableRequests.release(tables.size());
                    deliver(replies);
                    received.release(replies.size());
                }
            } catch (IOException | ProtocolException e) {
                // connection closed, or a frame this fake cannot read: drop the connection
            }
        }

        private synchronized void writeNow(List<byte[]> frames) throws IOException {
            write(frames);
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

    private byte[] answer(FrameHeader h, byte[] buf, int off, int len) {
        Response response;
        long epoch;
        synchronized (guard) {
            PartitionTable table = tables.get();
            epoch = table.epoch();
            try {
                Request request = RequestCodec.decode(h, new WireReader(buf, off + Wire.HEADER_BYTES, len - Wire.HEADER_BYTES));
                if (!(request instanceof Request.Table)) {
                    lastRequestEpoch = h.epoch();
                }
                response = serve(request, table);
            } catch (ProtocolException e) {
                response = new Response.Error(e.code(), e.getMessage());
            }
            answered.incrementAndGet(h.opcode() & 0xFF);
        }
        WireWriter w = new WireWriter();
        ResponseCodec.encode(w, h.opcode(), h.requestId(), epoch, response);
        return w.toByteArray();
    }

    /** Executes the request if this node owns every key it names; guard held. */
    private Response serve(Request request, PartitionTable table) {
        if (request instanceof Request.Table) {
            Response.Error failure = tableFailure;
            if (failure != null) {
                return failure;
            }
            PartitionTable lagging = tableAnswer;
            return new Response.Table(lagging != null ? lagging : table);
        }
        List<byte[]> keys = keysOf(request);
        if (alwaysWrongOwner && !keys.isEmpty()) {
            return new Response.Error(ErrorCode.WRONG_OWNER, nodeId + " answers WRONG_OWNER to everything");
        }
        if (request instanceof Request.Batch batch && wrongOwnerPerItem) {
            List<ErrorCode> statuses = new ArrayList<>();
            for (Request.BatchItem item : batch.items()) {
                ErrorCode owned = ownership(table, item.key());
                statuses.add(owned != ErrorCode.OK ? owned : store.applyItem(item));
            }
            return new Response.Statuses(statuses);
        }
        for (byte[] key : keys) {
            ErrorCode owned = ownership(table, key);
            if (owned != ErrorCode.OK) {
                return new Response.Error(owned, nodeId + ": " + owned + " for partition "
                        + table.partitionOf(key) + " at epoch " + table.epoch());
            }
        }
        return store.execute(request);
    }

    private ErrorCode ownership(PartitionTable table, byte[] key) {
        Member owner = table.ownerOf(key);
        return owner == null ? ErrorCode.PARTITION_LOST
                : owner.nodeId().equals(nodeId) ? ErrorCode.OK : ErrorCode.WRONG_OWNER;
    }

    private static List<byte[]> keysOf(Request request) {
        if (request instanceof Request.Get g) {
            return List.of(g.key());
        } else if (request instanceof Request.Put p) {
            return List.of(p.key());
        } else if (request instanceof Request.Delete d) {
            return List.of(d.key());
        } else if (request instanceof Request.GetVersion g) {
            return List.of(g.key());
        } else if (request instanceof Request.Cas c) {
            return List.of(c.key());
        } else if (request instanceof Request.MGet m) {
            return m.keys();
        } else if (request instanceof Request.Batch b) {
            return b.items().stream().map(Request.BatchItem::key).toList();
        }
        return List.of();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // test teardown
        }
    }
}
