package io.amdb.client;

import io.amdb.protocol.ErrorCode;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client's single I/O thread: one Selector over the connections to every node.
 *
 * <p>Each iteration: register connections added since ({@link #add}) and close retired ones → select (at
 * most {@code sweep} long) → finish connects, read and complete answered calls → fail timed-out calls and
 * connect attempts → for each connection, drain its submit queue, encode, and write what the socket takes
 * → forget closed connections. All socket I/O, decoding and future completion happen here.
 *
 * <p>Wakeups: {@code awake} is false only while the thread is about to block in select. A submitter
 * wakes the selector only if it wins the CAS false→true, so a burst of submissions costs one wakeup.
 * No submission is lost: the thread clears {@code awake} <em>before</em> checking the queues, and a
 * submitter enqueues <em>before</em> reading {@code awake}.
 *
 * <p>Stranding: a thread that queues something (a call, a new connection) and then sees the client or the
 * connection closed takes it back and fails it itself, because the I/O thread sets the closed flag before
 * it drains those queues for the last time. Whoever takes an item out of a queue owns it.
 */
final class IoLoop {
    private static final long MAX_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final Selector selector;
    private final List<Connection> connections = new ArrayList<>(); // I/O thread only
    private final ConcurrentLinkedQueue<Connection> joining = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Retired> retiring = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    private final AtomicBoolean awake = new AtomicBoolean(true);
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private final long timeoutNanos;
    private final long connectTimeoutNanos;
    private final long sweepNanos;
    private final String timeoutMessage;
    private final Thread thread;
    private volatile boolean closing;
    private volatile String closedMessage = "client closed";

    private record Retired(Connection connection, String why) {}

    /** Starts the I/O thread, with no connections yet. */
    static IoLoop start(ClientOptions options) {
        try {
            IoLoop loop = new IoLoop(Selector.open(), options);
            loop.thread.start();
            return loop;
        } catch (IOException e) {
            throw new AmDbException(ErrorCode.CONNECTION_LOST, "cannot open a selector: " + describe(e), e);
        }
    }

    private IoLoop(Selector selector, ClientOptions options) {
        this.selector = selector;
        this.timeoutNanos = options.requestTimeout().toNanos();
        this.connectTimeoutNanos = options.connectTimeout().toNanos();
        this.sweepNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                Math.min(MAX_SWEEP_NANOS, Math.min(timeoutNanos, connectTimeoutNanos) / 4));
        this.timeoutMessage = "no response within " + options.requestTimeout().toMillis() + " ms";
        this.thread = new Thread(this::run, "amdb-client-io");
        this.thread.setDaemon(true);
    }

    boolean onIoThread() {
        return Thread.currentThread() == thread;
    }

    /** The message of a call that ran out of time. */
    String timeoutMessage() {
        return timeoutMessage;
    }

    /** The failure a new call meets right away, or null while the client is usable. */
    AmDbException rejection() {
        return closing ? new AmDbException(ErrorCode.CONNECTION_LOST, closedMessage) : null;
    }

    /** Any thread: hands a new (connecting) connection to the I/O thread, which registers it. */
    void add(Connection connection) {
        joining.offer(connection);
        if (closing) {
            if (joining.remove(connection)) {
                connection.close(ErrorCode.CONNECTION_LOST, closedMessage);
            }
        } else {
            wake();
        }
    }

    /** Any thread: closes a connection on the I/O thread, failing its calls with CONNECTION_LOST. */
    void retire(Connection connection, String why) {
        retiring.offer(new Retired(connection, why));
        wake(); // if the loop is closing instead, shutdown closes every connection anyway
    }

    /**
     * Hands a call to its connection. On the I/O thread it is encoded directly; elsewhere it is queued, and
     * withdrawn again if the client or the connection closed meanwhile (see the class comment).
     */
    void submit(Connection connection, Call call) {
        if (onIoThread()) {
            connection.sendNow(call);
            return;
        }
        connection.enqueue(call);
        AmDbException rejected = rejection();
        if (rejected == null && connection.isClosed()) {
            rejected = new AmDbException(ErrorCode.CONNECTION_LOST, "connection to " + connection + " is closed");
        }
        if (rejected != null) {
            if (connection.withdraw(call)) {
                call.fail(rejected);
            }
        } else {
            wake();
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

    private void wake() {
        if (!awake.get() && awake.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    private void run() {
        Throwable fatal = null;
        try {
            long lastSweep = System.nanoTime();
            while (!closing) {
                awake.set(false);
                admitConnections();
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
                        c.expireConnect(now, connectTimeoutNanos);
                    }
                }
                for (Connection c : connections) {
                    c.pump();
                }
                connections.removeIf(Connection::isClosed); // pump has failed their stragglers
            }
        } catch (Throwable t) { // a bug or an Error: fail every caller rather than leave them hanging
            fatal = t;
        } finally {
            shutdown(fatal);
        }
    }

    private void admitConnections() {
        for (Connection c; (c = joining.poll()) != null; ) {
            try {
                c.register(selector);
                connections.add(c);
            } catch (IOException e) {
                c.close(ErrorCode.CONNECTION_LOST, "cannot register connection to " + c + ": " + describe(e));
            }
        }
        for (Retired r; (r = retiring.poll()) != null; ) {
            r.connection().close(ErrorCode.CONNECTION_LOST, r.why());
        }
    }

    private boolean hasWork() {
        if (!joining.isEmpty() || !retiring.isEmpty()) {
            return true;
        }
        for (Connection c : connections) {
            if (c.hasWork()) {
                return true;
            }
        }
        return false;
    }

    private void onSelected(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        if (key.isValid() && key.isConnectable()) {
            c.onConnectable();
        }
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
        closing = true; // before draining the queues: see submit() and add()
        List<Connection> all = new ArrayList<>(connections);
        for (Connection c; (c = joining.poll()) != null; ) {
            all.add(c);
        }
        for (Connection c : all) {
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
