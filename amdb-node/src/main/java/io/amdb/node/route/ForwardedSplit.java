package io.amdb.node.route;

import io.amdb.node.table.NodeTable;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A keyed request on the forwarding path, as rounds: split the items still open by owner in this node's
 * table ({@link OwnerSplit}), send one piece per owner, record a result per item, and send again only the
 * items whose owner answered that they moved, once the table moved on, while {@link Forwarder#mayRetry}
 * allows. What a LOST partition or an answer means is the subclass's business: {@link #single} (GET, PUT,
 * DELETE), {@link #mget} (all or nothing) and {@link #batch} (a status per item). (The driver's
 * {@code SplitRequest} is the same shape on the client side.) Used on one Vert.x context.
 */
abstract class ForwardedSplit {
    private final Forwarder forwarder;
    private final int size;
    private final long started;

    ForwardedSplit(Forwarder forwarder, int size) {
        this.forwarder = forwarder;
        this.size = size;
        this.started = forwarder.nanoTime();
    }

    /** The key of item {@code item} (request order). */
    abstract byte[] key(int item);

    /** The piece for these items, ascending. */
    abstract Request piece(List<Integer> items);

    /** Items whose partition is LOST in {@code table}: returns the response that ends the request, or null. */
    abstract Response lost(List<Integer> items, int firstLostPartition, PartitionTable table);

    /**
     * One owner's answer for its items: records each item's result, or hands it to {@code again} when it
     * moved; returns the response that ends the whole request, or null to go on.
     */
    abstract Response answered(List<Integer> items, Forwarder.Piece piece, Again again);

    /** The response once every item has its result. */
    abstract Response result();

    final Future<Response> run() {
        return round(null, 1);
    }

    /** Sends the items numbered {@code which} (null: all) to their owners, then what moved again. */
    private Future<Response> round(int[] which, int attempt) {
        NodeTable nodeTable = forwarder.table();
        long seen = nodeTable.version(); // before reading the table, so no install is missed
        PartitionTable table = nodeTable.current();
        OwnerSplit split = OwnerSplit.of(table, forwarder.partitioner(), size, which, this::key);
        Response end = split.lost.isEmpty() ? null : lost(split.lost, split.firstLostPartition, table);
        if (end != null) {
            return Future.succeededFuture(end);
        }
        List<List<Integer>> groups = new ArrayList<>();
        List<Future<Forwarder.Piece>> pieces = new ArrayList<>();
        for (Map.Entry<Member, List<Integer>> group : split.byOwner.entrySet()) {
            groups.add(group.getValue());
            pieces.add(forwarder.send(group.getKey(), PeerMessages.request(table.epoch(), piece(group.getValue()),
                    forwarder.deadline())));
        }
        return Future.join(pieces).compose(all -> {
            Again again = new Again(forwarder.mayRetry(attempt, started));
            for (int g = 0; g < pieces.size(); g++) {
                Response ended = answered(groups.get(g), pieces.get(g).result(), again);
                if (ended != null) {
                    return Future.succeededFuture(ended);
                }
            }
            if (again.items.isEmpty()) {
                return Future.succeededFuture(result());
            }
            int[] next = again.items.stream().mapToInt(Integer::intValue).toArray();
            return nodeTable.untilNewer(again.newestEpoch, seen).compose(v -> round(next, attempt + 1));
        });
    }

    /** The items of one round to send again, and the newest epoch their owners answered at. */
    static final class Again {
        private final boolean allowed;
        private final List<Integer> items = new ArrayList<>();
        private long newestEpoch;

        Again(boolean allowed) {
            this.allowed = allowed;
        }

        /** Takes {@code item} for the next round if the piece says it moved and rounds remain; false otherwise. */
        boolean offer(int item, Forwarder.Piece piece, boolean moved) {
            if (!allowed || !moved) {
                return false;
            }
            items.add(item);
            newestEpoch = Math.max(newestEpoch, piece.epoch());
            return true;
        }
    }

    /**
     * GET, PUT, DELETE, GET_VERSION or CAS: the owner's answer is the answer. A write whose owner may have run it before
     * leaving is not sent again: TIMEOUT (see {@link Forwarder.Piece#asWrites}).
     */
    static ForwardedSplit single(Forwarder forwarder, Request request, byte[] key) {
        return new ForwardedSplit(forwarder, 1) {
            private Response response;

            @Override
            byte[] key(int item) {
                return key;
            }

            @Override
            Request piece(List<Integer> items) {
                return request;
            }

            @Override
            Response lost(List<Integer> items, int firstLostPartition, PartitionTable table) {
                return Forwarder.lost(firstLostPartition, table);
            }

            @Override
            Response answered(List<Integer> items, Forwarder.Piece reply, Again again) {
                Forwarder.Piece piece = reply.asWrites(Forwarder.writes(request));
                if (!again.offer(items.get(0), piece, piece.moved())) {
                    response = piece.response();
                }
                return null;
            }

            @Override
            Response result() {
                return response;
            }
        };
    }

    /** MGET, all or nothing: a LOST partition or any failed piece fails the whole request. */
    static ForwardedSplit mget(Forwarder forwarder, Request.MGet mget) {
        byte[][] values = new byte[mget.keys().size()][];
        return new ForwardedSplit(forwarder, values.length) {
            @Override
            byte[] key(int item) {
                return mget.keys().get(item);
            }

            @Override
            Request piece(List<Integer> items) {
                return new Request.MGet(items.stream().map(mget.keys()::get).toList());
            }

            @Override
            Response lost(List<Integer> items, int firstLostPartition, PartitionTable table) {
                return Forwarder.lost(firstLostPartition, table);
            }

            @Override
            Response answered(List<Integer> items, Forwarder.Piece piece, Again again) {
                if (piece.response() instanceof Response.Values v) {
                    for (int j = 0; j < v.values().size(); j++) {
                        values[items.get(j)] = v.values().get(j);
                    }
                    return null;
                }
                boolean moved = piece.moved();
                for (int item : items) {
                    if (!again.offer(item, piece, moved)) {
                        return piece.response();
                    }
                }
                return null;
            }

            @Override
            Response result() {
                return Replies.values(Arrays.asList(values), forwarder.limits());
            }
        };
    }

    /** BATCH: a status per item; items in LOST partitions answer PARTITION_LOST, the others go on. */
    static ForwardedSplit batch(Forwarder forwarder, Request.Batch batch) {
        ErrorCode[] statuses = new ErrorCode[batch.items().size()];
        return new ForwardedSplit(forwarder, statuses.length) {
            @Override
            byte[] key(int item) {
                return batch.items().get(item).key();
            }

            @Override
            Request piece(List<Integer> items) {
                return new Request.Batch(items.stream().map(batch.items()::get).toList());
            }

            @Override
            Response lost(List<Integer> items, int firstLostPartition, PartitionTable table) {
                items.forEach(k -> statuses[k] = ErrorCode.PARTITION_LOST);
                return null;
            }

            @Override
            Response answered(List<Integer> items, Forwarder.Piece reply, Again again) {
                Forwarder.Piece piece = reply.asWrites(true);
                Response r = piece.response();
                for (int j = 0; j < items.size(); j++) {
                    ErrorCode code = r instanceof Response.Statuses s ? s.statuses().get(j)
                            : r instanceof Response.Error e ? e.code() : ErrorCode.INTERNAL_ERROR;
                    statuses[items.get(j)] = code;
                    again.offer(items.get(j), piece, code.retryable());
                }
                return null;
            }

            @Override
            Response result() {
                return new Response.Statuses(List.of(statuses));
            }
        };
    }
}
