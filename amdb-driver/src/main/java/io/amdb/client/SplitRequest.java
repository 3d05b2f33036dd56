package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.KeyHash;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A multi-key request (MGET, BATCH) split by owner, sent in parallel, and re-assembled in the caller's order.
 *
 * <p><b>Parts.</b> Items are grouped by the connection their key routes to (the owner's {@link Peer}, then
 * {@link Peer#connectionFor}), one frame per group. So every request on one key, single-key or part of a
 * split, travels on one connection and keeps its order; and within a part, items keep the caller's
 * relative order, so items on one key in one call apply in order.
 *
 * <p><b>Failures.</b> Items whose partition the cached table marks LOST are routed once more with a refreshed
 * table ({@link Dispatcher#afterLost}: it may have come back), then fail; items whose owner is lost fail at once;
 * neither is sent; a part that fails fails its items. What a failed item means is the subclass's business: a status
 * for BATCH, the whole future for MGET. A part answered WRONG_OWNER is routed again with the refreshed
 * table (its items may now belong to several owners), under {@link Dispatcher#afterWrongOwner}.
 *
 * <p><b>Completion.</b> Every item is resolved exactly once; when the last one is, the subclass's
 * {@link #result()} completes the operation. The atomic countdown of {@code remaining} also publishes the
 * result slots written before it to the thread that completes.
 */
abstract class SplitRequest<T> {
    final Operation<T> op;
    private final Router router;
    private final Dispatcher dispatcher;
    private final IoLoop loop;
    private final int size;
    private final AtomicInteger remaining;

    SplitRequest(Operation<T> op, int size, Router router, Dispatcher dispatcher, IoLoop loop) {
        this.op = op;
        this.size = size;
        this.router = router;
        this.dispatcher = dispatcher;
        this.loop = loop;
        this.remaining = new AtomicInteger(size);
    }

    /** The key of item {@code index} (caller's order). */
    abstract byte[] key(int index);

    /** The request for these items, ascending; {@code all} when they are every item. */
    abstract Request part(int[] indices, boolean all);

    /** A part's OK response: records or retries each item, calling {@link #resolved} for those it settled. */
    abstract void answered(int[] indices, Response response, long epoch, int attempt);

    /** These items failed; calls {@link #resolved} unless the whole operation fails. */
    abstract void failed(int[] indices, AmDbException failure);

    /** The assembled value, once every item is resolved. */
    abstract T result();

    /** Routes every item. */
    final void start() {
        if (size == 0) {
            op.complete(result());
            return;
        }
        int[] all = new int[size];
        Arrays.setAll(all, i -> i);
        send(all, 1, false);
    }

    final void resolved(int count) {
        if (count > 0 && remaining.addAndGet(-count) == 0) {
            op.complete(result());
        }
    }

    /** Sends these items again once the table is refreshed, or fails them (see Dispatcher). */
    final void retry(int[] indices, long epoch, int attempt, AmDbException wrongOwner) {
        dispatcher.afterWrongOwner(op.startNanos, epoch, attempt, wrongOwner,
                () -> send(indices, attempt + 1, false), giveUp -> failed(indices, giveUp));
    }

    private void send(int[] indices, int attempt, boolean lostChecked) {
        if (op.isDone()) {
            return; // an MGET that already failed: nothing left to gather
        }
        Router.Routing routing = router.routing();
        Map<Connection, Indices> parts = new LinkedHashMap<>();
        Map<Peer, Indices> refused = new LinkedHashMap<>();
        Indices lost = new Indices();
        AmDbException lostFailure = null;
        for (int i : indices) {
            long hash = KeyHash.hash64(key(i));
            int partition = routing.table().partitionOfHash(hash);
            Peer owner = routing.ownerOf(partition);
            if (owner == null) {
                lostFailure = lostFailure != null ? lostFailure : Dispatcher.partitionLost(routing, partition);
                lost.add(i);
            } else if (owner.isLost()) {
                refused.computeIfAbsent(owner, p -> new Indices()).add(i);
            } else {
                parts.computeIfAbsent(owner.connectionFor(hash), c -> new Indices()).add(i);
            }
        }
        if (lostFailure != null && !lostChecked) {
            // The partition may have come back: route every item again with a refreshed table before sending any,
            // so an MGET that will fail sends nothing (and a BATCH's items go out once, in one routing).
            Runnable again = () -> send(indices, attempt, true);
            dispatcher.afterLost(routing.epoch(), again, again);
            return;
        }
        if (lostFailure != null) {
            failed(lost.toArray(), lostFailure);
        }
        refused.forEach((peer, items) -> { // nothing sent: wait for a table that names another owner (a failover)
            int[] waiting = items.toArray();
            dispatcher.afterOwnerLost(op.startNanos, routing.epoch(), () -> send(waiting, attempt, lostChecked),
                    () -> failed(waiting, peer.rejection()));
        });
        boolean all = indices.length == size && parts.size() == 1 && lost.size() == 0 && refused.isEmpty();
        parts.forEach((connection, items) -> {
            if (!op.isDone()) {
                sendPart(connection, items.toArray(), all, routing.epoch(), attempt);
            }
        });
    }

    private void sendPart(Connection connection, int[] indices, boolean all, long epoch, int attempt) {
        Call call = new Call(part(indices, all), op.startNanos, epoch);
        call.future.whenComplete((response, failure) -> {
            if (failure == null) {
                answered(indices, response, epoch, attempt);
            } else if (Dispatcher.retryable(failure)) {
                retry(indices, epoch, attempt, (AmDbException) failure);
            } else {
                failed(indices, failure instanceof AmDbException e ? e
                        : new AmDbException(ErrorCode.INTERNAL_ERROR, String.valueOf(failure), failure));
            }
        });
        loop.submit(connection, call);
    }

    /** A growable list of item indexes, ascending as added. */
    static final class Indices {
        private int[] items = new int[8];
        private int size;

        void add(int i) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = i;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(items, size);
        }
    }
}
