package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.KeyHash;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Sends requests that go to one node, and owns the retry policy.
 *
 * <p><b>Routing.</b> A single-key request (GET, PUT, DELETE) goes to the owner of its key's partition in
 * the cached table, on the connection {@link Peer#connectionFor} picks for the key. A partition the cached
 * table marks LOST is looked up once more in a refreshed table (a LOST partition comes back when its owner
 * returns with its data, or an operator accepts the loss), then fails with PARTITION_LOST; a lost owner fails
 * once no newer table names another owner within the request timeout (a failover names the partition's new
 * primary; nothing was sent, so routing it there is safe), with CONNECTION_LOST. Requests with no key (PING, INFO,
 * SCAN, TABLE) go to any live node, the seed first.
 *
 * <p><b>Retry.</b> Only WRONG_OWNER is retried: the node did not apply the request, so sending it again is
 * safe. The table is refreshed first (coalesced, see {@link TableRefresher}), then the request is routed
 * again, at most {@link #MAX_ATTEMPTS} sends in all, within the request timeout counted from the original
 * call. CONNECTION_LOST and TIMEOUT are never retried: the request may or may not have been applied, and
 * only the caller can tell whether repeating it is safe.
 */
final class Dispatcher {
    /**
     * Most sends of one request (or one item of a split request). During a rebalance a node answers
     * WRONG_OWNER for a partition in its cutover once the new owner is known, and a node whose table is
     * still behind the client's answers it at once; a few resends, spaced when the refresh brought nothing
     * newer ({@link #backoffMillis}), ride both out.
     */
    static final int MAX_ATTEMPTS = 6;

    private final Router router;
    private final TableRefresher refresher;
    private final IoLoop loop;
    private final long timeoutNanos;

    Dispatcher(Router router, TableRefresher refresher, IoLoop loop, ClientOptions options) {
        this.router = router;
        this.refresher = refresher;
        this.loop = loop;
        this.timeoutNanos = options.requestTimeout().toNanos();
    }

    /** Sends a single-key request to the key's owner. */
    <T> void toOwner(Operation<T> op, Request request, byte[] key, Function<Response, T> mapper) {
        attempt(op, request, key, mapper, 1, false);
    }

    /** Sends a request with no key to any live node. */
    <T> void toAny(Operation<T> op, Request request, Function<Response, T> mapper) {
        attempt(op, request, null, mapper, 1, false);
    }

    /**
     * A partition the table of {@code epoch} marks LOST may have come back since: runs {@code again} once the table
     * is refreshed (coalesced with any refresh in flight), or {@code stillLost} when the refresh failed.
     */
    void afterLost(long epoch, Runnable again, Runnable stillLost) {
        refresher.afterRefresh(epoch, failure -> {
            if (failure == null) {
                again.run();
            } else {
                stillLost.run();
            }
        });
    }

    /**
     * After a WRONG_OWNER on a send routed at {@code epoch}, the {@code attempt}-th: refreshes the table and
     * runs {@code resend}, or hands {@code giveUp} the final failure — WRONG_OWNER once the attempts are
     * used up or the refresh failed, TIMEOUT once the operation is out of time.
     */
    void afterWrongOwner(long startNanos, long epoch, int attempt, AmDbException wrongOwner, Runnable resend,
                         Consumer<AmDbException> giveUp) {
        if (attempt >= MAX_ATTEMPTS) {
            giveUp.accept(new AmDbException(ErrorCode.WRONG_OWNER, wrongOwner.getMessage() + " (still after "
                    + attempt + " attempts; client table epoch " + router.epoch() + ")", wrongOwner));
            return;
        }
        refresher.afterRefresh(epoch, refreshFailure -> {
            if (refreshFailure != null) {
                giveUp.accept(new AmDbException(ErrorCode.WRONG_OWNER, wrongOwner.getMessage()
                        + "; refreshing the partition table failed: " + refreshFailure.getMessage(), refreshFailure));
            } else if (System.nanoTime() - startNanos >= timeoutNanos) {
                giveUp.accept(new AmDbException(ErrorCode.TIMEOUT, loop.timeoutMessage()));
            } else if (router.epoch() > epoch) {
                resend.run(); // routed with a newer table now
            } else {
                // Nothing newer to route with: the owner may not have installed the table the client has, or the
                // cutover is not published yet. Resend a little later rather than at once.
                CompletableFuture.delayedExecutor(backoffMillis(attempt), TimeUnit.MILLISECONDS, Runnable::run)
                        .execute(resend);
            }
        });
    }

    /**
     * The owner the table of {@code epoch} names is lost (its connection broke; nothing was sent to it): refreshes
     * the table and runs {@code again} once the client routes with a newer one (a failover names the partition's
     * new primary), asking again every {@link #OWNER_LOST_RETRY_MS} ms; runs {@code giveUp} once the operation is out
     * of time. Sending again is safe: the request never left.
     */
    void afterOwnerLost(long startNanos, long epoch, Runnable again, Runnable giveUp) {
        refresher.afterRefresh(epoch, refreshFailure -> {
            if (router.epoch() > epoch) {
                again.run();
            } else if (System.nanoTime() - startNanos + TimeUnit.MILLISECONDS.toNanos(OWNER_LOST_RETRY_MS) >= timeoutNanos) {
                giveUp.run();
            } else {
                CompletableFuture.delayedExecutor(OWNER_LOST_RETRY_MS, TimeUnit.MILLISECONDS, Runnable::run)
                        .execute(() -> afterOwnerLost(startNanos, epoch, again, giveUp));
            }
        });
    }

    /** How often a request whose owner is lost asks for a newer table while it waits for a failover. */
    static final long OWNER_LOST_RETRY_MS = 100;

    /** 5, 10, 20, 40, 80 ms: short next to a request timeout, long next to a table publication. */
    static long backoffMillis(int attempt) {
        return Math.min(80, 5L << Math.max(0, attempt - 1));
    }

    /** Whether a failure is worth resending after a table refresh: {@link ErrorCode#retryable()} decides. */
    static boolean retryable(Throwable failure) {
        return failure instanceof AmDbException e && e.code().retryable();
    }

    /** PARTITION_LOST for a key whose partition has no owner in the table routed with. */
    static AmDbException partitionLost(Router.Routing routing, int partition) {
        return new AmDbException(ErrorCode.PARTITION_LOST, "partition " + partition + " is LOST in table epoch "
                + routing.epoch() + ": its owner died before handing it off; requests on it fail until an "
                + "operator reassigns it");
    }

    /** {@code key} null: any live node. */
    private <T> void attempt(Operation<T> op, Request request, byte[] key, Function<Response, T> mapper, int attempt,
            boolean lostChecked) {
        Router.Routing routing = router.routing();
        Connection target;
        if (key != null) {
            long hash = KeyHash.hash64(key); // once per request: it picks the partition and the connection
            int partition = routing.table().partitionOfHash(hash);
            Peer owner = routing.ownerOf(partition);
            if (owner == null) {
                if (lostChecked) {
                    op.fail(partitionLost(routing, partition));
                } else {
                    afterLost(routing.epoch(), () -> attempt(op, request, key, mapper, attempt, true),
                            () -> op.fail(partitionLost(routing, partition)));
                }
                return;
            }
            AmDbException refused = owner.rejection();
            if (refused != null) { // nothing sent: wait for a table that names another owner (a failover)
                afterOwnerLost(op.startNanos, routing.epoch(), () -> attempt(op, request, key, mapper, attempt, lostChecked),
                        () -> op.fail(refused));
                return;
            }
            target = owner.connectionFor(hash);
        } else {
            Peer any = router.anyLive();
            if (any == null) {
                op.fail(router.noLivePeer());
                return;
            }
            target = any.anyConnection();
        }
        long epoch = routing.epoch();
        Call call = new Call(request, op.startNanos, epoch);
        call.future.whenComplete((response, failure) -> {
            if (failure == null) {
                op.completeWith(response, mapper);
            } else if (retryable(failure)) {
                afterWrongOwner(op.startNanos, epoch, attempt, (AmDbException) failure,
                        () -> attempt(op, request, key, mapper, attempt + 1, lostChecked), op::fail);
            } else {
                op.fail(failure);
            }
        });
        loop.submit(target, call);
    }
}
