package io.amdb.node.route;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The coordinator path (DESIGN §4.2): answers a request whose keys may live on other nodes by splitting it
 * per owner, sending the pieces in parallel over the clustered event bus as binary Buffers
 * ({@link PeerMessages}: one message per owner, however many keys), and gathering a result per item.
 * Pieces carry this node's table epoch; an owner that no longer owns a key answers WRONG_OWNER and the piece
 * waits for a newer table and is routed again, for up to {@link #RETRY_NANOS}; only the moved items are sent again. SCAN is
 * {@link ClusterScan}. Stateless between requests and thread-safe; call on a Vert.x context, the futures
 * complete on it.
 */
public final class Coordinator {
    /**
     * Moved items are sent again while the request is younger than {@link #RETRY_NANOS}, at most this many
     * times: each resend follows a real table change, and during a rebalance an MGET spread over many
     * partitions can meet a different partition's cutover on every round (up to one round per partition it
     * touches). 30 s matches the piece timeout: a slow machine's rebalance must not fail requests.
     */
    static final int ATTEMPTS = 1_000;
    static final long RETRY_NANOS = 30_000_000_000L;
    static final long PIECE_TIMEOUT_MS = 30_000;

    private final EventBus bus;
    private final NodeStatus status;
    private final Limits limits;
    private final Partitioner partitioner;
    private final ConcurrentHashMap<String, Set<Outstanding>> outstanding = new ConcurrentHashMap<>();

    public Coordinator(EventBus bus, NodeStatus status, Limits limits, Partitioner partitioner) {
        this.bus = bus;
        this.status = status;
        this.limits = limits;
        this.partitioner = partitioner;
    }

    /** Requests addressed by key (routed to the key's owner). */
    static boolean isKeyed(Request request) {
        return request instanceof Request.Get || request instanceof Request.Put || request instanceof Request.Delete
                || request instanceof Request.MGet || request instanceof Request.Batch;
    }

    /** Whether a request arriving with {@code epoch} goes through the coordinator (when the node owns less than all). */
    public static boolean coordinates(Request request, long epoch) {
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

    private Future<Response> route(Request request) {
        if (request instanceof Request.Get get) {
            return single(request, get.key(), 1, System.nanoTime());
        } else if (request instanceof Request.Put put) {
            return single(request, put.key(), 1, System.nanoTime());
        } else if (request instanceof Request.Delete delete) {
            return single(request, delete.key(), 1, System.nanoTime());
        } else if (request instanceof Request.MGet mget) {
            return tooMany(mget.keys().size()) ? Future.succeededFuture(batchTooLarge(mget.keys().size())) : mget(mget.keys());
        } else if (request instanceof Request.Batch batch) {
            return tooMany(batch.items().size()) ? Future.succeededFuture(batchTooLarge(batch.items().size())) : batch(batch);
        } else if (request instanceof Request.Scan scan) {
            return new ClusterScan(this, scan).run();
        }
        throw new IllegalArgumentException(request.opcode() + " is answered by the node itself");
    }

    NodeStatus status() {
        return status;
    }

    Limits limits() {
        return limits;
    }

    /** An owner's reply to one piece, with the table epoch the owner answered at. */
    record Piece(Response response, long epoch) {
        boolean moved() {
            return response instanceof Response.Error e && e.code() == ErrorCode.WRONG_OWNER;
        }
    }

    private Future<Response> single(Request request, byte[] key, int attempt, long started) {
        long seen = status.parkingVersion();
        PartitionTable table = status.table();
        int partition = partitioner.partition(key);
        Member owner = table.owner(partition);
        if (owner == null) {
            return Future.succeededFuture(lost(partition, table));
        }
        return send(owner, PeerMessages.request(table.epoch(), request))
                .compose(piece -> retryIfMoved(piece, seen, attempt, () -> single(request, key, attempt + 1, started), started));
    }

    private Future<Response> mget(List<byte[]> keys) {
        byte[][] values = new byte[keys.size()][];
        return mgetRound(keys, null, values, 1, System.nanoTime())
                .map(error -> error != null ? error : Replies.values(java.util.Arrays.asList(values), limits));
    }

    /** Reads the keys numbered {@code which} (null: all) from their owners; asks again for the moved ones. */
    private Future<Response> mgetRound(List<byte[]> keys, int[] which, byte[][] values, int attempt, long started) {
        long seen = status.parkingVersion();
        PartitionTable table = status.table();
        OwnerSplit split = OwnerSplit.of(table, partitioner, keys.size(), which, keys::get);
        if (!split.lost.isEmpty()) {
            return Future.succeededFuture(lost(split.firstLostPartition, table));
        }
        List<List<Integer>> groups = new ArrayList<>(split.byOwner.values());
        List<Future<Piece>> pieces = new ArrayList<>();
        for (Map.Entry<Member, List<Integer>> group : split.byOwner.entrySet()) {
            List<byte[]> sub = group.getValue().stream().map(keys::get).toList();
            pieces.add(send(group.getKey(), PeerMessages.request(table.epoch(), new Request.MGet(sub))));
        }
        return Future.join(pieces).compose(all -> {
            List<Integer> again = new ArrayList<>();
            long newest = 0;
            for (int g = 0; g < pieces.size(); g++) {
                Piece piece = pieces.get(g).result();
                if (piece.response() instanceof Response.Values v) {
                    for (int j = 0; j < v.values().size(); j++) {
                        values[groups.get(g).get(j)] = v.values().get(j);
                    }
                } else if (piece.moved() && again(attempt, started)) {
                    again.addAll(groups.get(g));
                    newest = Math.max(newest, piece.epoch());
                } else {
                    return Future.succeededFuture(piece.response()); // MGET is all or nothing
                }
            }
            if (again.isEmpty()) {
                return Future.succeededFuture((Response) null);
            }
            int[] next = again.stream().mapToInt(Integer::intValue).toArray();
            return untilNewer(newest, seen).compose(v -> mgetRound(keys, next, values, attempt + 1, started));
        });
    }

    private Future<Response> batch(Request.Batch batch) {
        ErrorCode[] statuses = new ErrorCode[batch.items().size()];
        return batchRound(batch.items(), null, statuses, 1, System.nanoTime()).map(v -> new Response.Statuses(List.of(statuses)));
    }

    /** Sends the items numbered {@code which} (null: all) to their owners; resends the moved ones. */
    private Future<Void> batchRound(List<Request.BatchItem> items, int[] which, ErrorCode[] statuses, int attempt,
            long started) {
        long seen = status.parkingVersion();
        PartitionTable table = status.table();
        OwnerSplit split = OwnerSplit.of(table, partitioner, items.size(), which, k -> items.get(k).key());
        split.lost.forEach(k -> statuses[k] = ErrorCode.PARTITION_LOST);
        List<List<Integer>> groups = new ArrayList<>(split.byOwner.values());
        List<Future<Piece>> pieces = new ArrayList<>();
        for (Map.Entry<Member, List<Integer>> group : split.byOwner.entrySet()) {
            List<Request.BatchItem> sub = group.getValue().stream().map(items::get).toList();
            pieces.add(send(group.getKey(), PeerMessages.request(table.epoch(), new Request.Batch(sub))));
        }
        return Future.join(pieces).compose(all -> {
            List<Integer> again = new ArrayList<>();
            long newest = 0;
            for (int g = 0; g < pieces.size(); g++) {
                Piece piece = pieces.get(g).result();
                Response r = piece.response();
                List<Integer> group = groups.get(g);
                for (int j = 0; j < group.size(); j++) {
                    ErrorCode code = r instanceof Response.Statuses s ? s.statuses().get(j)
                            : r instanceof Response.Error e ? e.code() : ErrorCode.INTERNAL_ERROR;
                    statuses[group.get(j)] = code;
                    if (code == ErrorCode.WRONG_OWNER && again(attempt, started)) {
                        again.add(group.get(j));
                        newest = Math.max(newest, piece.epoch());
                    }
                }
            }
            if (again.isEmpty()) {
                return Future.succeededFuture();
            }
            int[] next = again.stream().mapToInt(Integer::intValue).toArray();
            return untilNewer(newest, seen).compose(v -> batchRound(items, next, statuses, attempt + 1, started));
        });
    }

    /** The piece's response, or when it says the key moved and sends remain, {@code retry} once the table caught up. */
    Future<Response> retryIfMoved(Piece piece, long versionSeen, int attempt, Supplier<Future<Response>> retry,
            long started) {
        if (again(attempt, started) && piece.moved()) {
            return untilNewer(piece.epoch(), versionSeen).compose(v -> retry.get());
        }
        return Future.succeededFuture(piece.response());
    }

    /** Whether moved items may be sent again: see {@link #RETRY_NANOS}. */
    static boolean again(int attempt, long started) {
        return attempt < ATTEMPTS && System.nanoTime() - started < RETRY_NANOS;
    }

    /** See {@link TableWait#until}: once the table reached {@code epoch}, or (0) anything changed. */
    private Future<Void> untilNewer(long epoch, long versionSeen) {
        return TableWait.until(status, epoch, versionSeen);
    }

    /**
     * Sends one piece and decodes the owner's reply. Never fails: an owner that cannot be reached, or that
     * leaves the table while the piece is out (a crash: its reply will never come), answers WRONG_OWNER
     * (retryable: the table has moved its partitions or marked them LOST); a slow one TIMEOUT.
     */
    Future<Piece> send(Member owner, Buffer message) {
        Promise<Piece> result = Promise.promise();
        bus.<Buffer>request(PeerMessages.address(owner.nodeId()), message,
                new DeliveryOptions().setSendTimeout(PIECE_TIMEOUT_MS)).onComplete(ar -> {
                    if (ar.succeeded()) {
                        try {
                            result.tryComplete(PeerMessages.decodeReply(ar.result().body()));
                        } catch (ProtocolException e) {
                            result.tryComplete(new Piece(new Response.Error(ErrorCode.INTERNAL_ERROR, "bad reply from "
                                    + owner.nodeId() + ": " + e.getMessage()), 0));
                        }
                    } else {
                        boolean timeout = ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT;
                        result.tryComplete(new Piece(new Response.Error(timeout ? ErrorCode.TIMEOUT : ErrorCode.WRONG_OWNER,
                                "owner " + owner.nodeId() + " did not answer: " + ar.cause().getMessage()), 0));
                    }
                });
        Outstanding entry = new Outstanding(Vertx.currentContext(), result);
        Set<Outstanding> toOwner = outstanding.computeIfAbsent(owner.nodeId(), id -> ConcurrentHashMap.newKeySet());
        toOwner.add(entry);
        result.future().onComplete(ar -> toOwner.remove(entry));
        if (status.table().member(owner.nodeId()) == null) { // it left before we registered
            ownerLeft(owner.nodeId(), entry);
        }
        return result.future();
    }

    /** A piece in flight and the context its sender runs on (where it must be completed). */
    private record Outstanding(Context context, Promise<Piece> piece) {}

    /**
     * The node installed a newer table (thread-safe): pieces out to owners no longer in it are answered
     * WRONG_OWNER at once, on their senders' contexts, since a crashed owner never replies.
     */
    public void tableInstalled(PartitionTable table) {
        for (Map.Entry<String, Set<Outstanding>> e : outstanding.entrySet()) {
            if (table.member(e.getKey()) == null) {
                for (Outstanding o : e.getValue()) {
                    ownerLeft(e.getKey(), o);
                }
            }
        }
    }

    private void ownerLeft(String ownerId, Outstanding o) {
        Response.Error left = new Response.Error(ErrorCode.WRONG_OWNER, "owner " + ownerId
                + " left the cluster before answering");
        Piece answer = new Piece(left, status.table().epoch());
        if (o.context() == null) {
            o.piece().tryComplete(answer);
        } else {
            o.context().runOnContext(v -> o.piece().tryComplete(answer));
        }
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
