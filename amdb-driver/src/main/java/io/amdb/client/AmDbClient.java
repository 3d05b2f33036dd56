package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The native AmDb client: asynchronous, pipelined, partition-aware and thread-safe. Create one per cluster
 * and share it.
 *
 * <p><b>Cluster.</b> {@link #connect(List, ClientOptions)} tries the seed hosts in order, fetches the
 * partition table from the first that answers, and connects to every member of the table. Each key goes
 * straight to the member that owns its partition; {@link #mget} and {@link #batch} are split by owner and
 * the parts sent in parallel. Requests with no key (ping, info, scan) go to the seed, or to any member once
 * the seed is gone. Every request carries the epoch of the table it was routed with. A node that no longer
 * owns a key answers WRONG_OWNER: the client then refreshes its table (one fetch, shared by every request
 * that needs it) and resends the request, at most {@value Dispatcher#MAX_ATTEMPTS} sends in all. A response
 * whose header shows a newer table epoch makes the client refresh in the background.
 *
 * <p><b>Results.</b> Every operation returns a future. A failure completes it exceptionally with an
 * {@link AmDbException}: the node's error code and message, or CONNECTION_LOST / TIMEOUT raised by the
 * client, or PARTITION_LOST for a key whose partition the table still marks LOST after one refresh (a LOST
 * partition comes back when its owner returns with its data; nothing is sent to a LOST partition).
 * Null arguments throw NullPointerException at once. Key, value and list arguments must not be modified
 * until the future completes.
 *
 * <p><b>No automatic retry after CONNECTION_LOST or TIMEOUT.</b> Such a request may or may not have been
 * applied; only the caller knows whether repeating it is safe. WRONG_OWNER is retried because the node
 * guarantees it applied nothing.
 *
 * <p><b>Callbacks.</b> Futures complete on the client's I/O thread ({@code amdb-client-io}), so plain
 * callbacks ({@code thenApply}, {@code whenComplete}, …) run on it: keep them short and never block in
 * them (no {@code join()}, no blocking I/O); use the {@code *Async} variants with your own executor for
 * real work. A call that fails before it is sent (client closed, frame too large, LOST partition, owner
 * unreachable) completes on the calling thread. Sending a new request from a callback is cheap.
 *
 * <p><b>Ordering.</b> Every request on a key, single-key or part of an mget or batch, travels on the same
 * connection to the key's owner, so operations on one key from this client are applied in the order they
 * were made (where the calls themselves are ordered, e.g. made by one thread). One exception: a request
 * resent after WRONG_OWNER can be applied after a later request on the same key that was routed with the
 * newer table. Across a partition move, wait for a write to complete before the next write to its key if
 * their order matters.
 *
 * <p><b>Backpressure.</b> At most {@link ClientOptions#maxInFlight()} calls are outstanding (a split mget or
 * batch counts once). Beyond that a caller blocks until one completes, for at most the request timeout,
 * then fails with TIMEOUT; on the I/O thread, which must never block, such a call fails with TIMEOUT at once.
 *
 * <p><b>Failures.</b> If a connection to a node breaks, its calls fail with CONNECTION_LOST (or the node's
 * code when the node closed it with an error), and every later call routed to that node fails fast with
 * CONNECTION_LOST until a newer partition table names the node again, when the client reconnects to it.
 * Calls to other nodes are unaffected.
 */
public final class AmDbClient implements AutoCloseable {
    private static final Function<Response, Void> TO_VOID = r -> null;
    private static final Function<Response, byte[]> TO_VALUE = r -> ((Response.Value) r).value();
    private static final Function<Response, Response.Versioned> TO_VERSIONED = r -> (Response.Versioned) r;
    private static final Function<Response, Response.Swapped> TO_SWAPPED = r -> (Response.Swapped) r;
    private static final Function<Response, Boolean> TO_EXISTED = r -> ((Response.Deleted) r).existed();
    private static final Function<Response, Response.ScanPage> TO_PAGE = r -> (Response.ScanPage) r;
    private static final Function<Response, Map<String, String>> TO_INFO = r -> ((Response.Info) r).fields();
    private static final Function<Response, Response> IDENTITY = r -> r;

    private final ClientOptions options;
    private final IoLoop loop;
    private final Router router;
    private final TableRefresher refresher;
    private final Dispatcher dispatcher;
    private final Semaphore permits;
    private final long timeoutNanos;

    private AmDbClient(ClientOptions options, IoLoop loop) {
        this.options = options;
        this.loop = loop;
        this.router = new Router(loop, options, this::onResponseEpoch);
        this.refresher = new TableRefresher(router, loop);
        this.dispatcher = new Dispatcher(router, refresher, loop, options);
        this.permits = new Semaphore(options.maxInFlight());
        this.timeoutNanos = options.requestTimeout().toNanos();
    }

    /** Connects with {@link ClientOptions#DEFAULTS}; see {@link #connect(List, ClientOptions)}. */
    public static AmDbClient connect(String host, int port) {
        return connect(host, port, ClientOptions.DEFAULTS);
    }

    /**
     * Connects with one seed; see {@link #connect(List, ClientOptions)}.
     *
     * @throws AmDbException CONNECTION_LOST ("cannot connect to host:port: …") when the node does not answer
     */
    public static AmDbClient connect(String host, int port, ClientOptions options) {
        Objects.requireNonNull(host, "host");
        return open(List.of(new Seed(host, port)), options);
    }

    /**
     * Tries the seeds in order until one accepts every connection and answers TABLE, then connects to every
     * member of that table, and returns once each member's connections are up or have failed. An
     * unreachable member does not fail the connect: calls for its keys fail with CONNECTION_LOST.
     *
     * @param seeds {@code host:port} each, an IPv6 literal in brackets ({@code [::1]:7070}); a missing port
     *              is 7070
     * @throws IllegalArgumentException when the list is empty or a seed does not parse
     * @throws AmDbException CONNECTION_LOST ("cannot connect to any of [a:1, b:2]: a:1: why; b:2: why")
     *                       when no seed answers
     */
    public static AmDbClient connect(List<String> seeds, ClientOptions options) {
        return open(Seed.parseAll(seeds), options);
    }

    private static AmDbClient open(List<Seed> seeds, ClientOptions options) {
        Objects.requireNonNull(options, "options");
        IoLoop loop = IoLoop.start(options);
        AmDbClient client = new AmDbClient(options, loop);
        try {
            Bootstrap.run(seeds, client.router, loop, options);
            return client;
        } catch (RuntimeException | Error e) {
            loop.close();
            throw e;
        }
    }

    public ClientOptions options() {
        return options;
    }

    /** Reaches the seed node (or, once it is gone, any member). */
    public CompletableFuture<Void> ping() {
        return keyless(new Request.Ping(), TO_VOID);
    }

    /** The key's value, or null when it has none. */
    public CompletableFuture<byte[]> get(byte[] key) {
        return keyed(new Request.Get(Objects.requireNonNull(key, "key")), key, TO_VALUE);
    }

    /** Creates or replaces the key's value. */
    public CompletableFuture<Void> put(byte[] key, byte[] value) {
        Objects.requireNonNull(value, "value");
        return keyed(new Request.Put(Objects.requireNonNull(key, "key"), value), key, TO_VOID);
    }

    /** Removes the key; true when it had a value. */
    public CompletableFuture<Boolean> delete(byte[] key) {
        return keyed(new Request.Delete(Objects.requireNonNull(key, "key")), key, TO_EXISTED);
    }

    /** The key's value (null when it has none) and its version (0 when it has none): see {@link #compareAndSet}. */
    public CompletableFuture<Response.Versioned> getVersioned(byte[] key) {
        return keyed(new Request.GetVersion(Objects.requireNonNull(key, "key")), key, TO_VERSIONED);
    }

    /**
     * Writes {@code value} (null: deletes the key) only when the key's current state meets {@code expect}: its version
     * as {@link #getVersioned} returned it, its value, or {@link Request.Condition#absent()}. Atomic on the key's
     * primary. The result says whether it was applied, with the new version, or else the key's current version.
     * Like any write it is never resent after it may have reached the node: CONNECTION_LOST and TIMEOUT leave its
     * outcome unknown (a later {@link #getVersioned} tells).
     */
    public CompletableFuture<Response.Swapped> compareAndSet(byte[] key, Request.Condition expect, byte[] value) {
        Objects.requireNonNull(expect, "expect");
        return keyed(new Request.Cas(Objects.requireNonNull(key, "key"), expect, value), key, TO_SWAPPED);
    }

    /** Creates the key with {@code value} only when it has none; true when it did. */
    public CompletableFuture<Boolean> putIfAbsent(byte[] key, byte[] value) {
        Objects.requireNonNull(value, "value");
        return compareAndSet(key, Request.Condition.absent(), value).thenApply(Response.Swapped::applied);
    }

    /**
     * One value per key, in the order of {@code keys}; null where a key has none. Split by owner and sent
     * in parallel. All or nothing: if any part fails, the future fails with the first failure to arrive
     * (PARTITION_LOST or CONNECTION_LOST for a LOST partition or unreachable owner, before anything is sent).
     */
    public CompletableFuture<List<byte[]>> mget(List<byte[]> keys) {
        List<byte[]> copy = List.copyOf(keys); // the caller's list may change before the request is encoded
        return start(new Request.MGet(copy), op -> new MGetSplit(op, copy, router, dispatcher, loop).start());
    }

    /**
     * Applies puts and deletes (not atomically); one status per item, in order. Split by owner and sent in
     * parallel. Once split, the future does not fail: a failure of one owner's part becomes the status of
     * each of its items — OK, the item's own error (KEY_EMPTY, …), PARTITION_LOST, WRONG_OWNER (retries
     * used up), CONNECTION_LOST or TIMEOUT (outcome unknown: the item may or may not be applied), or an
     * error the node answered for the whole part. The future itself fails only for the whole call: client
     * closed, FRAME_TOO_LARGE, in-flight limit.
     */
    public CompletableFuture<List<ErrorCode>> batch(List<Request.BatchItem> items) {
        List<Request.BatchItem> copy = List.copyOf(items);
        return start(new Request.Batch(copy), op -> new BatchSplit(op, copy, router, dispatcher, loop).start());
    }

    /**
     * One page of the keys in {@code [start, end)} in unsigned byte order; an empty {@code start} or
     * {@code end} means unbounded. Continue from {@link Response.ScanPage#next()} while it is non-null.
     * Sent to the seed node (or any member once it is gone), which merges the whole key space.
     *
     * @param limit most entries on the page, at least 1 (the node may return fewer)
     */
    public CompletableFuture<Response.ScanPage> scan(byte[] start, byte[] end, int limit) {
        if (limit < 1) {
            return CompletableFuture.failedFuture(
                    new AmDbException(ErrorCode.INVALID_ARGUMENT, "scan limit must be at least 1: " + limit));
        }
        Request scan = new Request.Scan(Objects.requireNonNull(start, "start"), Objects.requireNonNull(end, "end"), limit);
        return keyless(scan, TO_PAGE);
    }

    /**
     * Every entry of {@code [start, end)} in key order (empty arrays mean unbounded), fetched in pages of at
     * most {@code pageSize} entries; the next page is requested while the caller reads the current one, and
     * only one page is held. Blocking: call it from an application thread, never from a callback on the
     * client's I/O thread. A failed page throws its {@link AmDbException} from {@code hasNext}.
     */
    public Iterator<Response.Entry> scanAll(byte[] start, byte[] end, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1: " + pageSize);
        }
        return new ScanIterator(this, Objects.requireNonNull(start, "start"), Objects.requireNonNull(end, "end"),
                pageSize, options().requestTimeout().toNanos());
    }

    /** The INFO fields of the seed node (or any member once it is gone), in the order it lists them. */
    public CompletableFuture<Map<String, String>> info() {
        return keyless(new Request.Info(), TO_INFO);
    }

    /**
     * The partition table this client routes with (no network call): which member owns each partition, at
     * which epoch. See {@link #refreshTable()} for the node's current one.
     */
    public CompletableFuture<PartitionTable> table() {
        AmDbException rejected = loop.rejection();
        return rejected != null ? CompletableFuture.failedFuture(rejected)
                : CompletableFuture.completedFuture(router.routing().table());
    }

    /**
     * Fetches the table from a live node now (or joins a fetch already in flight), adopts it if its epoch is
     * newer, and completes with the table the client routes with afterwards. Holds no in-flight permit.
     */
    public CompletableFuture<PartitionTable> refreshTable() {
        AmDbException rejected = loop.rejection();
        return rejected != null ? CompletableFuture.failedFuture(rejected) : refresher.refresh();
    }

    /**
     * Sends any request and returns the node's response, routed like the matching method (GET, PUT, DELETE
     * to the key's owner; MGET and BATCH split; the rest to any node, TABLE included, which here fetches
     * without adopting). An error response fails the future with an {@link AmDbException}, so a successful
     * future never holds a {@link Response.Error}.
     */
    public CompletableFuture<Response> send(Request request) {
        Request r = RequestCheck.frozen(request);
        return switch (r.opcode()) { // no default: a new opcode does not compile until its routing is decided
            case GET -> keyed(r, ((Request.Get) r).key(), IDENTITY);
            case PUT -> keyed(r, ((Request.Put) r).key(), IDENTITY);
            case DELETE -> keyed(r, ((Request.Delete) r).key(), IDENTITY);
            case GET_VERSION -> keyed(r, ((Request.GetVersion) r).key(), IDENTITY);
            case CAS -> keyed(r, ((Request.Cas) r).key(), IDENTITY);
            case MGET -> mget(((Request.MGet) r).keys()).thenApply(Response.Values::new);
            case BATCH -> batch(((Request.Batch) r).items()).thenApply(Response.Statuses::new);
            case PING, SCAN, INFO, TABLE -> keyless(r, IDENTITY);
        };
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

    private <T> CompletableFuture<T> keyed(Request request, byte[] key, Function<Response, T> mapper) {
        return start(request, op -> dispatcher.toOwner(op, request, key, mapper));
    }

    private <T> CompletableFuture<T> keyless(Request request, Function<Response, T> mapper) {
        return start(request, op -> dispatcher.toAny(op, request, mapper));
    }

    /**
     * Checks what can be checked on the caller's thread (client open, frame size, null arguments), takes an
     * in-flight permit, and hands the operation to {@code dispatch}. Failures up to here fail the returned
     * future without an operation; after, the operation owns the permit.
     */
    private <T> CompletableFuture<T> start(Request request, Consumer<Operation<T>> dispatch) {
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
        Operation<T> op = new Operation<>(permits, start);
        try {
            dispatch.accept(op);
        } catch (RuntimeException e) { // a bug: fail the call rather than leak its permit
            op.fail(new AmDbException(ErrorCode.INTERNAL_ERROR, "client failed to send " + request.opcode() + ": " + e, e));
        }
        return op.future;
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

    /** I/O thread: every response header's table epoch; a newer one than ours triggers a refresh. */
    private void onResponseEpoch(long epoch) {
        refresher.observe(epoch);
    }
}
