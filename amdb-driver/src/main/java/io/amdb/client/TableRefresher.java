package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Keeps the {@link Router}'s table fresh: fetches TABLE from a live node and adopts the answer if it is newer.
 *
 * <p><b>Coalescing.</b> At most one fetch is in flight. Whoever needs a newer table than the one it routed
 * with ({@link #afterRefresh}) either finds it already cached, joins the fetch in flight, or starts one.
 * Waiters run in the order they joined, so requests retried after WRONG_OWNER are resent in the order
 * their failures arrived.
 *
 * <p><b>Triggers.</b> A WRONG_OWNER answer (the {@link Dispatcher} calls {@link #afterRefresh}); a response
 * header carrying a newer epoch than the cached table's ({@link #observe}, one background fetch per newer
 * epoch seen, so an inconsistent node cannot make the client fetch in a loop); {@link AmDbClient#refreshTable()}.
 *
 * <p><b>Where from.</b> The live peers, the seed's first, tried in turn until one answers with a table at least as
 * new as the one the fetch is for (the epoch a header showed, or one past the epoch a WRONG_OWNER was routed
 * with); a node with an older table (one cut off from the others, or catching up) is passed over, its table
 * adopted only when newer than the cached one. Fetches hold no in-flight permit and time out like any request.
 */
final class TableRefresher {
    /** Most nodes asked for the table in one fetch. */
    private static final int MAX_SOURCES = 3;

    private final Router router;
    private final IoLoop loop;
    private final AtomicLong newestObserved = new AtomicLong();
    private List<Consumer<AmDbException>> waiters; // non-null while a fetch is in flight; guarded by this
    private long wanted; // the epoch the fetch in flight looks for; guarded by this

    TableRefresher(Router router, IoLoop loop) {
        this.router = router;
        this.loop = loop;
    }

    /**
     * Runs {@code then} once the cached table is newer than {@code staleEpoch}, or once a fetch finished:
     * with null when the fetch got a table (adopted, or not newer after all), else with its failure. Runs
     * it at once, on this thread, when the cached table is already newer.
     */
    void afterRefresh(long staleEpoch, Consumer<AmDbException> then) {
        boolean fresh;
        boolean start = false;
        synchronized (this) {
            fresh = router.epoch() > staleEpoch;
            if (!fresh) {
                start = waiters == null; // else join the fetch in flight
                if (start) {
                    waiters = new ArrayList<>();
                    wanted = 0;
                }
                wanted = Math.max(wanted, Math.max(staleEpoch + 1, newestObserved.get()));
                waiters.add(then);
            }
        }
        if (fresh) {
            then.accept(null);
        } else if (start) {
            fetch(router.liveCandidates(MAX_SOURCES), 0, null, false);
        }
    }

    /** A fetch now (or the one in flight); completes with the cached table after it, or with its failure. */
    CompletableFuture<PartitionTable> refresh() {
        CompletableFuture<PartitionTable> result = new CompletableFuture<>();
        afterRefresh(router.epoch(), failure -> {
            if (failure == null) {
                result.complete(router.routing().table());
            } else {
                result.completeExceptionally(failure);
            }
        });
        return result;
    }

    /** I/O thread: a response header carried {@code epoch}; fetch in the background if it is newer. */
    void observe(long epoch) {
        long cached = router.epoch();
        if (epoch <= cached || cached == 0) {
            return; // the common case: one volatile read. 0: connecting, the bootstrap fetch adopts
        }
        long seen = newestObserved.get();
        if (epoch > seen && newestObserved.compareAndSet(seen, epoch)) {
            afterRefresh(cached, failure -> { }); // a failure here is retried by the next WRONG_OWNER
        }
    }

    /**
     * Asks {@code sources[next]}, then the next ones while the table is not the one wanted; {@code answered}: an
     * earlier one answered (with an older table). A fetch that got a table completes without failure even when a
     * later source fails: nothing newer was to be had from the ones that answered.
     */
    private void fetch(List<Peer> sources, int next, AmDbException lastFailure, boolean answered) {
        if (next >= sources.size() && answered) {
            finish(null);
            return;
        }
        if (next >= sources.size()) {
            String why = lastFailure != null ? lastFailure.getMessage() : "no node is connected";
            finish(new AmDbException(ErrorCode.CONNECTION_LOST, "cannot fetch the partition table: " + why,
                    lastFailure));
            return;
        }
        Call call = new Call(new Request.Table(), System.nanoTime(), router.epoch());
        call.future.whenComplete((response, failure) -> {
            if (failure == null) {
                router.adopt(((Response.Table) response).table());
                if (router.epoch() < wanted() && next + 1 < sources.size()) {
                    fetch(sources, next + 1, lastFailure, true); // that node's table is older than one seen: ask another
                } else {
                    finish(null);
                }
            } else {
                fetch(sources, next + 1, failure instanceof AmDbException e ? e
                        : new AmDbException(ErrorCode.INTERNAL_ERROR, String.valueOf(failure), failure), answered);
            }
        });
        Peer source = sources.get(next);
        AmDbException refused = source.rejection();
        if (refused != null) {
            call.fail(refused);
        } else {
            loop.submit(source.anyConnection(), call);
        }
    }

    private synchronized long wanted() {
        return wanted;
    }

    private void finish(AmDbException failure) {
        List<Consumer<AmDbException>> run;
        synchronized (this) {
            run = waiters;
            waiters = null;
        }
        for (Consumer<AmDbException> w : run) {
            w.accept(failure);
        }
    }
}
