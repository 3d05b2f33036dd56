package io.amdb.client;

import io.amdb.protocol.ErrorCode;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client's single I/O thread: one Selector over all of its connections.
 *
 * <p>Each iteration: select (at most {@code sweep} long) → read and complete answered calls → fail
 * timed-out calls → for each connection, drain its submit queue, encode, and write what the socket takes.
 * All socket I/O, decoding and future completion happen here.
 *
 * <p>Wakeups: {@code awake} is false only while the thread is about to block in select. A submitter
 * wakes the selector only if it wins the CAS false→true, so a burst of submissions costs one wakeup.
 * No submission is lost: the thread clears {@code awake} <em>before</em> checking the queues, and a
 * submitter enqueues <em>before</em> reading {@code awake}.
 */
final class IoLoop {
    private static final long MAX_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final Selector selector;
    private final Connection[] connections;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    private final AtomicBoolean awake = new AtomicBoolean(true);
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private final long timeoutNanos;
    private final long sweepNanos;
    private final String timeoutMessage;
    private final Thread thread;
    private volatile boolean closing;
    private volatile String closedMessage = "client closed";
    /** The first connection loss; once set, new calls fail fast (there is no reconnect yet). */
    private volatile String lostMessage;

    /** Opens every connection (blocking, bounded by connectTimeout) and starts the I/O thread. */
    static IoLoop open(String host, int port, ClientOptions options) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        String peer = host + ":" + port;
        Selector selector = null;
        List<SocketChannel> channels = new ArrayList<>();
        try {
            if (address.isUnresolved()) {
                throw new UnknownHostException("unknown host " + host);
            }
            selector = Selector.open();
            int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
            for (int i = 0; i < options.connectionsPerNode(); i++) {
                SocketChannel channel = SocketChannel.open();
                channels.add(channel);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.socket().connect(address, timeoutMillis);
                channel.configureBlocking(false);
            }
            IoLoop loop = new IoLoop(selector, channels, peer, options);
            loop.thread.start();
            return loop;
        } catch (IOException | RuntimeException e) {
            channels.forEach(IoLoop::closeQuietly);
            closeQuietly(selector);
            throw new AmDbException(ErrorCode.CONNECTION_LOST, "cannot connect to " + peer + ": " + describe(e), e);
        }
    }

    private IoLoop(Selector selector, List<SocketChannel> channels, String peer, ClientOptions options)
            throws IOException {
        this.selector = selector;
        this.connections = new Connection[channels.size()];
        for (int i = 0; i < connections.length; i++) {
            Connection c = new Connection(this, channels.get(i), peer, options.maxFrameBytes());
            c.attach(channels.get(i).register(selector, SelectionKey.OP_READ, c));
            connections[i] = c;
        }
        this.timeoutNanos = options.requestTimeout().toNanos();
        this.sweepNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(MAX_SWEEP_NANOS, timeoutNanos / 4));
        this.timeoutMessage = "no response within " + options.requestTimeout().toMillis() + " ms";
        this.thread = new Thread(this::run, "amdb-client-io");
        this.thread.setDaemon(true);
    }

    Connection connection(int index) {
        return connections[index];
    }

    int connectionCount() {
        return connections.length;
    }

    boolean onIoThread() {
        return Thread.currentThread() == thread;
    }

    /** The failure a new call meets right away, or null while the client is usable. */
    AmDbException rejection() {
        if (closing) {
            return new AmDbException(ErrorCode.CONNECTION_LOST, closedMessage);
        }
        String lost = lostMessage;
        return lost == null ? null
                : new AmDbException(ErrorCode.CONNECTION_LOST, lost + " (this client does not reconnect)");
    }

    /**
     * Hands a call (which holds a permit) to its connection. On the I/O thread it is encoded directly;
     * elsewhere it is queued, and withdrawn again if the client failed meanwhile, so that no call is
     * stranded in a queue the I/O thread has already drained for the last time.
     */
    void submit(Connection connection, Call<?> call) {
        if (onIoThread()) {
            connection.sendNow(call);
            return;
        }
        connection.enqueue(call);
        AmDbException rejected = rejection();
        if (rejected != null) {
            if (connection.withdraw(call)) {
                call.fail(rejected);
            }
        } else if (!awake.get() && awake.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** I/O thread: records that a connection broke; later calls then fail fast. */
    void connectionLost(String message) {
        if (lostMessage == null) {
            lostMessage = message;
        }
    }

    /**
     * Stops the loop: it fails everything pending with CONNECTION_LOST and closes the sockets. Waits for
     * that, unless called on the I/O thread itself (from a callback), where it happens once the callback
     * returns. Idempotent.
     */
    void close() {
        if (closeRequested.compareAndSet(false, true)) {
            closing = true;
            selector.wakeup();
        }
        if (!onIoThread()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // shutdown still completes on the I/O thread
            }
        }
    }

    private void run() {
        Throwable fatal = null;
        try {
            long lastSweep = System.nanoTime();
            while (!closing) {
                awake.set(false);
                if (hasWork()) {
                    selector.selectNow(this::onSelected);
                } else {
                    selector.select(this::onSelected, TimeUnit.NANOSECONDS.toMillis(sweepNanos));
                }
                awake.set(true);
                long now = System.nanoTime();
                if (now - lastSweep >= sweepNanos) {
                    lastSweep = now;
                    for (Connection c : connections) {
                        c.expire(now, timeoutNanos, timeoutMessage);
                    }
                }
                for (Connection c : connections) {
                    c.pump();
                }
            }
        } catch (Throwable t) { // a bug or an Error: fail every caller rather than leave them hanging
            fatal = t;
        } finally {
            shutdown(fatal);
        }
    }

    private boolean hasWork() {
        for (Connection c : connections) {
            if (c.hasWork()) {
                return true;
            }
        }
        return false;
    }

    private void onSelected(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        if (key.isValid() && key.isReadable()) {
            c.onReadable(readBuffer);
        }
        if (key.isValid() && key.isWritable()) {
            c.pump();
        }
    }

    private void shutdown(Throwable fatal) {
        String message = fatal == null ? "client closed" : "client I/O thread failed: " + describe(fatal);
        closedMessage = message;
        closing = true; // before draining the queues: see submit()
        for (Connection c : connections) {
            try {
                c.close(ErrorCode.CONNECTION_LOST, message);
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
        closeQuietly(selector);
    }

    static String describe(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing useful to do: the resource is gone either way
            }
        }
    }
}
