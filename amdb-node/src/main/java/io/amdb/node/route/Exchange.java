package io.amdb.node.route;

import io.amdb.node.shard.PointBatch;
import io.amdb.node.table.NodeTable;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests decoded from one network read, routed to shards and gathered into one reply.
 *
 * <p>Each request takes one of three paths: the local one ({@link LocalRoutes}: point operations appended to
 * one {@link PointBatch} per shard, so a pipelined burst costs one event-bus message per shard; SCAN and INFO
 * first send the batches built so far, keeping per-connection order), the forwarding one ({@link Forwarder}:
 * unrouted keyed requests, and SCAN when this node owns less than everything), or, for a request routed with
 * a newer table than this node has, the local one once the table catches up ({@link Reply.Deferred}). When
 * every part has answered, the callback given to {@link #seal} runs once, on the connection's context, and
 * the replies are read in request order with {@link #replies()}.
 *
 * <p>Phases, in order (a phase may be skipped): {@link Phase#ROUTING} while requests are added;
 * {@link Phase#WAITING_FOR_TABLE} from {@link #seal} while deferred requests wait for the table;
 * {@link Phase#AT_SHARDS} until every shard task and forwarded request answered;
 * {@link Phase#WAITING_FOR_CUTOVER} when a shard refused operations because their partition is in its cutover,
 * until the table moved on (so the replies name the new owner); {@link Phase#DONE}. Both waits are the
 * {@link NodeTable}'s, with its bound.
 *
 * <p>Not thread-safe: used only on the owning connection's event loop.
 */
public final class Exchange {
    enum Phase { ROUTING, WAITING_FOR_TABLE, AT_SHARDS, WAITING_FOR_CUTOVER, DONE }

    private final RouteContext node;
    private final NodeTable table;
    private final Forwarder forwarder;
    private final ShardParts parts;
    private final LocalRoutes routes;
    private final List<Reply> replies = new ArrayList<>();
    private final long versionAtStart;
    private Phase phase = Phase.ROUTING;
    private int forwarding; // forwarded requests not answered yet
    private int firstDeferred = -1; // index in replies of the first deferred request
    private long deferUntil; // the newest epoch a deferred request was routed with
    private Promise<Void> routed; // created when someone asks for routed() while deferring
    private Runnable onComplete;

    /** An exchange that serves only what this node owns: for forwarded pieces, and standalone nodes. */
    public Exchange(RouteContext node) {
        this(node, null);
    }

    /**
     * @param forwarder where requests go that this node cannot answer alone: SCAN when it does not own every
     *                  partition, and keyed requests that arrive unrouted (epoch 0); null: answer them here
     */
    public Exchange(RouteContext node, Forwarder forwarder) {
        this.node = node;
        this.table = node.table();
        this.forwarder = forwarder;
        this.parts = new ShardParts(node.shards(), this::maybeDone);
        this.routes = new LocalRoutes(parts, node, new Fence(table, node.shards().partitioner()));
        this.versionAtStart = table.version(); // before any routing: no table change can be missed
    }

    public int size() {
        return replies.size();
    }

    public List<Reply> replies() {
        return replies;
    }

    public void addError(int requestId, int opcode, ErrorCode code, String message) {
        replies.add(new Reply(requestId, opcode, new Reply.Known(new Response.Error(code, message))));
    }

    /** Routes one decoded request that came unrouted (epoch 0). */
    public void add(int requestId, Request request) {
        add(requestId, 0, request);
    }

    /**
     * Routes one decoded request. {@code epoch} is the table epoch the client routed it with, 0 for none: a
     * routed request is fenced here (WRONG_OWNER for keys this node does not own), an unrouted one is
     * forwarded to the owners. SCAN spans every owner, so it is always forwarded.
     *
     * <p>A keyed request routed with a newer table than this node's (a cutover published a moment ago, not
     * installed here yet) would be answered WRONG_OWNER for a partition this node is about to own: it is
     * deferred until the table catches up, and so is every request after it in this exchange, to keep their
     * order.
     */
    public void add(int requestId, long epoch, Request request) {
        assert phase == Phase.ROUTING;
        int opcode = request.opcode().code();
        if (firstDeferred >= 0 || (epoch > table.current().epoch() && Forwarder.isKeyed(request))) {
            firstDeferred = firstDeferred >= 0 ? firstDeferred : replies.size();
            deferUntil = Math.max(deferUntil, epoch);
            replies.add(new Reply(requestId, opcode, new Reply.Deferred(request)));
        } else if (forwarder != null && Forwarder.forwards(request, epoch) && mayMove()) {
            forwarding++;
            Future<Response> pending = forwarder.execute(request);
            pending.onComplete(ar -> {
                forwarding--;
                maybeDone();
            });
            replies.add(new Reply(requestId, opcode, new Reply.Forwarded(pending)));
        } else {
            replies.add(new Reply(requestId, opcode, routeHere(request)));
        }
    }

    /**
     * Whether a partition may be elsewhere or move: true unless this node owns everything in a one-member
     * table. Even a node that owns every partition must forward unrouted requests once others have joined:
     * its partitions are about to move, and only the forwarding path follows them.
     */
    private boolean mayMove() {
        return !table.ownsAll() || table.current().members().size() > 1;
    }

    private Reply.Answer routeHere(Request request) {
        try {
            return new Reply.Built(routes.route(request));
        } catch (Rejected e) {
            return new Reply.Known(new Response.Error(e.code, e.getMessage()));
        }
    }

    /**
     * A local SCAN of exactly the partitions {@code only} marks (a forwarder's piece of a cluster-wide
     * SCAN; the caller checked this node owns them).
     */
    public void addScan(int requestId, Request.Scan scan, boolean[] only) {
        try {
            replies.add(new Reply(requestId, scan.opcode().code(), new Reply.Built(routes.localScan(scan, only))));
        } catch (Rejected e) {
            addError(requestId, scan.opcode().code(), e.code, e.getMessage());
        }
    }

    /**
     * Ends the exchange: sends what is still buffered. {@code onComplete} runs once every part has answered
     * (at once if nothing went to a shard), on the caller's context.
     */
    public void seal(Runnable onComplete) {
        this.onComplete = onComplete;
        parts.flush();
        if (firstDeferred < 0) {
            phase = Phase.AT_SHARDS;
            maybeDone();
            return;
        }
        phase = Phase.WAITING_FOR_TABLE;
        node.counters().waitingForTable(1);
        table.await(() -> table.current().epoch() >= deferUntil, this::routeDeferred);
    }

    /** True from {@link #seal} until the deferred requests are routed. */
    public boolean deferring() {
        return phase == Phase.WAITING_FOR_TABLE;
    }

    /** Completes once every request has been routed (at once unless {@link #deferring()}), on this context. */
    public Future<Void> routed() {
        if (!deferring()) {
            return Future.succeededFuture();
        }
        if (routed == null) {
            routed = Promise.promise();
        }
        return routed.future();
    }

    private void routeDeferred() {
        node.counters().waitingForTable(-1);
        for (int i = firstDeferred; i < replies.size(); i++) {
            Reply reply = replies.get(i);
            if (reply.answer() instanceof Reply.Deferred d) {
                reply.answer(routeHere(d.request()));
            }
        }
        parts.flush();
        phase = Phase.AT_SHARDS;
        if (routed != null) {
            routed.complete();
        }
        maybeDone();
    }

    /**
     * Once at the shards and every part has answered: done, unless a shard refused operations because their
     * partition is in its cutover; then waits for the table to change and to no longer give this node such a
     * partition (so the replies can name the new owner), within the table's bound. A partition refused because
     * its promotion still waits out the old primary's lease is waited for until that wait ends (the replies then
     * say to retry here).
     */
    private void maybeDone() {
        if (phase != Phase.AT_SHARDS || forwarding > 0 || parts.outstanding() > 0) {
            return;
        }
        if (parts.anyFenced()) {
            phase = Phase.WAITING_FOR_CUTOVER;
            table.await(() -> table.version() > versionAtStart && !parts.fencedStillHere(table, node.grants()),
                    this::done);
        } else {
            done();
        }
    }

    private void done() {
        phase = Phase.DONE;
        onComplete.run();
    }
}
