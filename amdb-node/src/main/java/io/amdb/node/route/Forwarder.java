package io.amdb.node.route;

import io.amdb.node.table.NodeTable;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Partitioner;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The forwarding path (DESIGN §4.2): answers a request whose keys may live on other nodes by splitting it
 * per owner, sending the pieces in parallel over the clustered event bus as binary Buffers
 * ({@link PeerMessages}: one message per owner, however many keys), and gathering a result per item
 * ({@link ForwardedSplit}). Pieces carry this node's table epoch; an owner that no longer owns a key answers
 * WRONG_OWNER and the moved items are sent again once the table moved on (see {@link #mayRetry}). An owner that
 * Hazelcast reported gone here (a network split, or a death the table does not show yet) is not sent anything:
 * its items fail OWNER_UNREACHABLE at once; pieces out to an owner when it goes fail TIMEOUT at once (they may
 * have been applied). SCAN is {@link ClusterScan}. Stateless between requests and thread-safe; call on a Vert.x
 * context, the futures complete on it. (Not the table coordinator: that is the cluster layer's.)
 */
public final class Forwarder {
    /**
     * Moved items are sent again while the request is younger than {@link #RETRY_NANOS}, at most this many
     * times: each resend follows a real table change, and during a rebalance an MGET spread over many
     * partitions can meet a different partition's cutover on every round (up to one round per partition it
     * touches). 30 s matches the piece timeout: a slow machine's rebalance must not fail requests.
     */
    static final int ATTEMPTS = 1_000;
    static final long RETRY_NANOS = 30_000_000_000L;
    static final long PIECE_TIMEOUT_MS = 30_000;
    /**
     * The owner refuses a piece after its deadline, {@link #PIECE_TIMEOUT_MS} after it was sent; the sender waits
     * this much longer before it answers TIMEOUT, so a piece is never run after its sender gave up, as long as
     * the two nodes' clocks differ by less than this.
     */
    static final long DEADLINE_MARGIN_MS = 2_000;

    private final EventBus bus;
    private final NodeTable table;
    private final Limits limits;
    private final Partitioner partitioner;
    private final LongSupplier nanoClock;
    private final Predicate<String> live;
    private final ConcurrentHashMap<String, Set<Outstanding>> outstanding = new ConcurrentHashMap<>();

    /**
     * @param live whether this node can reach a node id: false from when Hazelcast reports it gone until it is back
     *             (thread-safe)
     */
    public Forwarder(EventBus bus, NodeTable table, Limits limits, Partitioner partitioner, LongSupplier nanoClock,
            Predicate<String> live) {
        this.bus = bus;
        this.table = table;
        this.limits = limits;
        this.partitioner = partitioner;
        this.nanoClock = nanoClock;
        this.live = live;
    }

    /** Requests addressed by key (routed to the key's owner). */
    static boolean isKeyed(Request request) {
        return switch (request.opcode()) {
            case GET, PUT, DELETE, GET_VERSION, CAS, MGET, BATCH -> true;
            case PING, SCAN, INFO, TABLE -> false;
        };
    }

    /** Whether a request arriving with {@code epoch} is forwarded (when the node owns less than all). */
    public static boolean forwards(Request request, long epoch) {
        return request instanceof Request.Scan || (epoch == 0 && isKeyed(request));
    }

    /** Never throws: a bug surfaces as a failed future, which the caller answers INTERNAL_ERROR. */
    public Future<Response> execute(Request request) {
        try {
            return route(request);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /** One case per opcode and no default: a new opcode does not compile until it is decided here. */
    private Future<Response> route(Request request) {
        return switch (request.opcode()) {
            case GET -> ForwardedSplit.single(this, request, ((Request.Get) request).key()).run();
            case PUT -> ForwardedSplit.single(this, request, ((Request.Put) request).key()).run();
            case DELETE -> ForwardedSplit.single(this, request, ((Request.Delete) request).key()).run();
            case GET_VERSION -> ForwardedSplit.single(this, request, ((Request.GetVersion) request).key()).run();
            case CAS -> ForwardedSplit.single(this, request, ((Request.Cas) request).key()).run();
            case MGET -> {
                int n = ((Request.MGet) request).keys().size();
                yield tooMany(n) ? Future.succeededFuture(batchTooLarge(n))
                        : ForwardedSplit.mget(this, (Request.MGet) request).run();
            }
            case BATCH -> {
                int n = ((Request.Batch) request).items().size();
                yield tooMany(n) ? Future.succeededFuture(batchTooLarge(n))
                        : ForwardedSplit.batch(this, (Request.Batch) request).run();
            }
            case SCAN -> new ClusterScan(this, (Request.Scan) request).run();
            case PING, INFO, TABLE -> throw new IllegalArgumentException(request.opcode() + " is answered by the node itself");
        };
    }

    NodeTable table() {
        return table;
    }

    Limits limits() {
        return limits;
    }

    Partitioner partitioner() {
        return partitioner;
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    /**
     * An owner's reply to one piece, with the table epoch the owner answered at. {@code mayHaveRun}: no reply came,
     * and the owner may have run the piece before it left or failed (the answer is then WRONG_OWNER, which is safe to
     * resend only for reads).
     */
    record Piece(Response response, long epoch, boolean mayHaveRun) {
        Piece(Response response, long epoch) {
            this(response, epoch, false);
        }

        /** The owner no longer serves (some of) the piece's keys: {@link ErrorCode#retryable()}. */
        boolean moved() {
            return response instanceof Response.Error e && e.code().retryable();
        }

        /**
         * This piece as a piece of {@code writes}: when it moved but may have run, a write's outcome is unknown (sending
         * it again could apply it twice, or make a CAS report its own write as a failed condition): TIMEOUT.
         */
        Piece asWrites(boolean writes) {
            if (!writes || !mayHaveRun || !moved()) {
                return this;
            }
            return new Piece(new Response.Error(ErrorCode.TIMEOUT, ((Response.Error) response).message()
                    + "; the write may or may not have been applied"), epoch, true);
        }
    }

    /** Whether a keyed request changes data (then a piece that may have run is never sent again). */
    static boolean writes(Request request) {
        return switch (request.opcode()) {
            case PUT, DELETE, CAS, BATCH -> true;
            case GET, GET_VERSION, MGET, PING, SCAN, INFO, TABLE -> false;
        };
    }

    /** Whether moved items may be sent again on round {@code attempt} of a request started at {@code started}. */
    boolean mayRetry(int attempt, long started) {
        return attempt < ATTEMPTS && nanoTime() - started < RETRY_NANOS;
    }

    /** The piece's response, or when it says the key moved and sends remain, {@code retry} once the table caught up. */
    Future<Response> retryIfMoved(Piece piece, long versionSeen, int attempt, Supplier<Future<Response>> retry,
            long started) {
        if (mayRetry(attempt, started) && piece.moved()) {
            return table.untilNewer(piece.epoch(), versionSeen).compose(v -> retry.get());
        }
        return Future.succeededFuture(piece.response());
    }

    /** The wall-clock deadline of a piece sent now (see {@link #DEADLINE_MARGIN_MS}). */
    long deadline() {
        return System.currentTimeMillis() + PIECE_TIMEOUT_MS;
    }

    /**
     * Sends one piece and decodes the owner's reply. Never fails. An owner that is not a live member here is not
     * sent anything: OWNER_UNREACHABLE. An owner that has no handler (NO_HANDLERS: still starting, or gone from
     * the event bus) answers WRONG_OWNER (retryable: the table moves its partitions or marks them LOST), or
     * OWNER_UNREACHABLE once it is not live; one that leaves the table while the piece is out (a crash: its reply
     * will never come), or fails it otherwise, WRONG_OWNER marked {@link Piece#mayHaveRun} (reads are sent again,
     * writes answer TIMEOUT); one that stops being live while the piece is out TIMEOUT at once (it may have run the
     * piece); a slow one TIMEOUT.
     */
    Future<Piece> send(Member owner, Buffer message) {
        Promise<Piece> result = Promise.promise();
        if (!live.test(owner.nodeId())) {
            result.complete(unreachable(owner.nodeId()));
            return result.future();
        }
        bus.<Buffer>request(PeerMessages.address(owner.nodeId()), message,
                new DeliveryOptions().setSendTimeout(PIECE_TIMEOUT_MS + DEADLINE_MARGIN_MS)).onComplete(ar -> {
                    if (ar.succeeded()) {
                        try {
                            result.tryComplete(PeerMessages.decodeReply(ar.result().body()));
                        } catch (ProtocolException e) {
                            result.tryComplete(new Piece(new Response.Error(ErrorCode.INTERNAL_ERROR, "bad reply from "
                                    + owner.nodeId() + ": " + e.getMessage()), 0));
                        }
                    } else if (ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) {
                        result.tryComplete(new Piece(new Response.Error(ErrorCode.TIMEOUT,
                                "owner " + owner.nodeId() + " did not answer: " + ar.cause().getMessage()), 0));
                    } else if (!live.test(owner.nodeId())) {
                        result.tryComplete(unreachable(owner.nodeId()));
                    } else {
                        // NO_HANDLERS: never delivered. Anything else (the handler failed, the connection broke):
                        // the owner may have run it.
                        boolean delivered = !(ar.cause() instanceof ReplyException r
                                && r.failureType() == ReplyFailure.NO_HANDLERS);
                        result.tryComplete(new Piece(new Response.Error(ErrorCode.WRONG_OWNER,
                                "owner " + owner.nodeId() + " did not answer: " + ar.cause().getMessage()), 0, delivered));
                    }
                });
        Outstanding entry = new Outstanding(Vertx.currentContext(), result);
        Set<Outstanding> toOwner = outstanding.computeIfAbsent(owner.nodeId(), id -> ConcurrentHashMap.newKeySet());
        toOwner.add(entry);
        result.future().onComplete(ar -> toOwner.remove(entry));
        if (departed(table.current(), owner.nodeId())) { // it left before we registered
            ownerLeft(owner.nodeId(), entry);
        } else if (!live.test(owner.nodeId())) { // it stopped being live before we registered
            complete(entry, cutOff(owner.nodeId()));
        }
        return result.future();
    }

    private Piece unreachable(String ownerId) {
        PartitionTable current = table.current();
        return new Piece(new Response.Error(ErrorCode.OWNER_UNREACHABLE, "owner " + ownerId + " is not reachable from "
                + table.selfId() + " (not a live member as " + table.selfId() + " sees the cluster: a network split, "
                + "or a death the table does not show yet); nothing was sent, retry later"), current.epoch());
    }

    private Piece cutOff(String ownerId) {
        return new Piece(new Response.Error(ErrorCode.TIMEOUT, "owner " + ownerId + " stopped being reachable from "
                + table.selfId() + " before it answered; the piece may or may not have been applied"),
                table.current().epoch());
    }

    /**
     * Tells the forwarder that {@code nodeId} is no longer a live member here (thread-safe): pieces out to it are
     * answered TIMEOUT at once, on their senders' contexts, rather than after {@link #PIECE_TIMEOUT_MS}.
     */
    public void memberGone(String nodeId) {
        Set<Outstanding> out = outstanding.get(nodeId);
        if (out != null) {
            Piece answer = cutOff(nodeId);
            for (Outstanding o : out) {
                complete(o, answer);
            }
        }
    }

    private static void complete(Outstanding o, Piece answer) {
        if (o.context() == null) {
            o.piece().tryComplete(answer);
        } else {
            o.context().runOnContext(v -> o.piece().tryComplete(answer));
        }
    }

    /** A piece in flight and the context its sender runs on (where it must be completed). */
    private record Outstanding(Context context, Promise<Piece> piece) {}

    /**
     * A {@link NodeTable} listener (thread-safe): pieces out to owners no longer in the newer table are
     * answered WRONG_OWNER at once, on their senders' contexts, since a crashed owner never replies.
     */
    public void tableInstalled(PartitionTable newer) {
        for (Map.Entry<String, Set<Outstanding>> e : outstanding.entrySet()) {
            if (departed(newer, e.getKey())) {
                for (Outstanding o : e.getValue()) {
                    ownerLeft(e.getKey(), o);
                }
            }
        }
    }

    /**
     * True when {@code ownerId} is not a member of {@code table}: a piece out to it is answered WRONG_OWNER at once
     * instead of waiting out {@link #PIECE_TIMEOUT_MS}, since a crashed owner never replies.
     */
    public static boolean departed(PartitionTable table, String ownerId) {
        return table.member(ownerId) == null;
    }

    private void ownerLeft(String ownerId, Outstanding o) {
        Response.Error left = new Response.Error(ErrorCode.WRONG_OWNER, "owner " + ownerId
                + " left the cluster before answering");
        complete(o, new Piece(left, table.current().epoch(), true));
    }

    static Response.Error lost(int partition, PartitionTable table) {
        String owner = table.lostFrom(partition);
        return new Response.Error(ErrorCode.PARTITION_LOST, "partition " + partition + " was lost with its owner"
                + (owner == null ? "" : " " + owner) + " (table epoch " + table.epoch() + "); it comes back when that "
                + "node restarts on its data directory, or an operator accepts the loss with "
                + "POST /v1/cluster/accept-loss");
    }

    private boolean tooMany(int n) {
        return n > limits.maxBatchItems();
    }

    private Response batchTooLarge(int n) {
        return new Response.Error(ErrorCode.BATCH_TOO_LARGE, n + " items exceed the limit of " + limits.maxBatchItems());
    }
}
