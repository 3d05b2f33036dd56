package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.KeyHash;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The native AmDb client: asynchronous, pipelined and thread-safe. Create one per node and share it.
 *
 * <p><b>Results.</b> Every operation returns a future. A failure completes it exceptionally with an
 * {@link AmDbException}: the node's error code and message, or CONNECTION_LOST / TIMEOUT raised by the
 * client. Null arguments throw NullPointerException at once. Key, value and list arguments must not be
 * modified until the future completes.
 *
 * <p><b>Callbacks.</b> Futures complete on the client's I/O thread ({@code amdb-client-io}), so plain
 * callbacks ({@code thenApply}, {@code whenComplete}, …) run on it: keep them short and never block in
 * them (no {@code join()}, no blocking I/O); use the {@code *Async} variants with your own executor for
 * real work. A call that fails before it is sent (client closed, frame too large) completes on the
 * calling thread. Sending a new request from a callback is cheap: it skips the queue and the wakeup.
 *
 * <p><b>Ordering.</b> Single-key operations (get, put, delete) pick a connection by key hash, so operations
 * on one key from this client are applied in the order they were made (where the calls themselves are
 * ordered, e.g. made by one thread). Other operations round-robin over the connections.
 *
 * <p><b>Backpressure.</b> At most {@link ClientOptions#maxInFlight()} calls are outstanding. Beyond that a
 * caller blocks until one completes, for at most the request timeout, then fails with TIMEOUT; on the I/O
 * thread, which must never block, such a call fails with TIMEOUT at once.
 *
 * <p><b>Failures.</b> If a connection breaks, its calls fail with CONNECTION_LOST (or the node's code when
 * the node closed it with an error) and every later call fails fast with CONNECTION_LOST: this version
 * does not reconnect. Calls on other connections still complete.
 */
public final class AmDbClient implements AutoCloseable {
    private static final Function<Response, Void> TO_VOID = r -> null;
    private static final Function<Response, byte[]> TO_VALUE = r -> ((Response.Value) r).value();
    private static final Function<Response, Boolean> TO_EXISTED = r -> ((Response.Deleted) r).existed();
    private static final Function<Response, Response.ScanPage> TO_PAGE = r -> (Response.ScanPage) r;
    private static final Function<Response, Map<String, String>> TO_INFO = r -> ((Response.Info) r).fields();
    private static final Function<Response, PartitionTable> TO_TABLE = r -> ((Response.Table) r).table();
    private static final Function<Response, Response> IDENTITY = r -> r;

    private final ClientOptions options;
    private final IoLoop loop;
    private final Semaphore permits;
    private final long timeoutNanos;
    private final AtomicInteger roundRobin = new AtomicInteger();

    private AmDbClient(ClientOptions options, IoLoop loop) {
        this.options = options;
        this.loop = loop;
        this.permits = new Semaphore(options.maxInFlight());
        this.timeoutNanos = options.requestTimeout().toNanos();
    }

    /** Connects with {@link ClientOptions#DEFAULTS}; see {@link #connect(String, int, ClientOptions)}. */
    public static AmDbClient connect(String host, int port) {
        return connect(host, port, ClientOptions.DEFAULTS);
    }

    /**
     * Opens all connections to the node before returning.
     *
     * @throws AmDbException CONNECTION_LOST ("cannot connect to host:port: …") when any connection fails
     */
    public static AmDbClient connect(String host, int port, ClientOptions options) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        return new AmDbClient(options, IoLoop.open(host, port, options));
    }

    public ClientOptions options() {
        return options;
    }

    public CompletableFuture<Void> ping() {
        return submit(new Request.Ping(), TO_VOID);
    }

    /** The key's value, or null when it has none. */
    public CompletableFuture<byte[]> get(byte[] key) {
        return submit(new Request.Get(Objects.requireNonNull(key, "key")), TO_VALUE);
    }

    /** Creates or replaces the key's value. */
    public CompletableFuture<Void> put(byte[] key, byte[] value) {
        return submit(new Request.Put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value")), TO_VOID);
    }

    /** Removes the key; true when it had a value. */
    public CompletableFuture<Boolean> delete(byte[] key) {
        return submit(new Request.Delete(Objects.requireNonNull(key, "key")), TO_EXISTED);
    }

    /** One value per key, in the order of {@code keys}; null where a key has none. */
    public CompletableFuture<List<byte[]>> mget(List<byte[]> keys) {
        List<byte[]> copy = List.copyOf(keys); // the caller's list may change before the request is encoded
        return submit(new Request.MGet(copy), r -> sized(((Response.Values) r).values(), copy.size(), "values"));
    }

    /** Applies puts and deletes (not atomically); one status per item, in order: OK or that item's error. */
    public CompletableFuture<List<ErrorCode>> batch(List<Request.BatchItem> items) {
        List<Request.BatchItem> copy = List.copyOf(items);
        return submit(new Request.Batch(copy), r -> sized(((Response.Statuses) r).statuses(), copy.size(), "statuses"));
    }

    /**
     * One page of the keys in {@code [start, end)} in unsigned byte order; an empty {@code start} or
     * {@code end} means unbounded. Continue from {@link Response.ScanPage#next()} while it is non-null.
     *
     * @param limit most entries on the page, at least 1 (the node may return fewer)
     */
    public CompletableFuture<Response.ScanPage> scan(byte[] start, byte[] end, int limit) {
        if (limit < 1) {
            return CompletableFuture.failedFuture(
                    new AmDbException(ErrorCode.INVALID_ARGUMENT, "scan limit must be at least 1: " + limit));
        }
        return submit(new Request.Scan(Objects.requireNonNull(start, "start"), Objects.requireNonNull(end, "end"), limit),
                TO_PAGE);
    }

    /** The node's INFO fields, in the order it lists them. */
    public CompletableFuture<Map<String, String>> info() {
        return submit(new Request.Info(), TO_INFO);
    }

    /** The node's partition table: which member owns each partition, at which epoch. */
    public CompletableFuture<PartitionTable> table() {
        return submit(new Request.Table(), TO_TABLE);
    }

    /**
     * Sends any request and returns the node's response; an error response fails the future with an
     * {@link AmDbException}, so a successful future never holds a {@link Response.Error}.
     */
    public CompletableFuture<Response> send(Request request) {
        return submit(RequestCheck.frozen(request), IDENTITY);
    }

    /**
     * Fails every outstanding call with CONNECTION_LOST ("client closed"), closes the connections and
     * stops the I/O thread, waiting for it. From a callback on the I/O thread it cannot wait for itself:
     * shutdown then completes right after the callback returns. Idempotent.
     */
    @Override
    public void close() {
        loop.close();
    }

    private <T> CompletableFuture<T> submit(Request request, Function<Response, T> mapper) {
        long start = System.nanoTime();
        AmDbException rejected = loop.rejection();
        if (rejected == null) {
            rejected = RequestCheck.check(request, options.maxFrameBytes());
        }
        if (rejected == null) {
            rejected = acquirePermit(start);
        }
        if (rejected != null) {
            return CompletableFuture.failedFuture(rejected);
        }
        Call<T> call = new Call<>(request, mapper, permits, start);
        loop.submit(route(request), call);
        return call.future;
    }

    /** Returns null once a permit is held, else the TIMEOUT failure. Never blocks the I/O thread. */
    private AmDbException acquirePermit(long start) {
        if (permits.tryAcquire()) {
            return null;
        }
        String limit = "client in-flight limit reached (maxInFlight " + options.maxInFlight() + ")";
        if (loop.onIoThread()) {
            return new AmDbException(ErrorCode.TIMEOUT, limit);
        }
        try {
            long left = timeoutNanos - (System.nanoTime() - start);
            if (left > 0 && permits.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                return null;
            }
            return new AmDbException(ErrorCode.TIMEOUT, limit + " for " + options.requestTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AmDbException(ErrorCode.TIMEOUT, limit + "; interrupted while waiting for a permit");
        }
    }

    /** Same key, same connection (keeps per-key order); everything else round-robin. */
    private Connection route(Request request) {
        int n = loop.connectionCount();
        if (n == 1) {
            return loop.connection(0);
        }
        byte[] key = request instanceof Request.Get g ? g.key()
                : request instanceof Request.Put p ? p.key()
                : request instanceof Request.Delete d ? d.key()
                : null;
        long spread = key != null ? KeyHash.hash64(key) : roundRobin.getAndIncrement();
        return loop.connection((int) Long.remainderUnsigned(spread, n));
    }

    private static <E> List<E> sized(List<E> list, int expected, String what) {
        if (list.size() != expected) {
            throw new AmDbException(ErrorCode.INTERNAL_ERROR,
                    "node answered " + list.size() + " " + what + " for " + expected + " items");
        }
        return list;
    }
}
