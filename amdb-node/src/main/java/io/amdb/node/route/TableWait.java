package io.amdb.node.route;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/** Waiting, without blocking, for this node's partition table to catch up (built on {@link Parking}). */
final class TableWait {
    private TableWait() {}

    /**
     * Completes, on the caller's context, once this node's table has reached {@code epoch}, or, when
     * {@code epoch} is 0 (unknown), once anything changed since {@code versionSeen} was read; in any case after
     * {@link Exchange#MAX_WAIT_NANOS} at most. The caller then re-reads the table and decides.
     */
    static Future<Void> until(NodeStatus status, long epoch, long versionSeen) {
        Promise<Void> done = Promise.promise();
        step(status, epoch, versionSeen, System.nanoTime() + Exchange.MAX_WAIT_NANOS, done);
        return done.future();
    }

    private static void step(NodeStatus status, long epoch, long versionSeen, long deadline, Promise<Void> done) {
        long now = status.parkingVersion(); // before reading the table, so no install is missed
        boolean ready = epoch > 0 ? status.table().epoch() >= epoch : now > versionSeen;
        if (ready || System.nanoTime() > deadline) {
            done.complete();
            return;
        }
        status.park(epoch > 0 ? now : versionSeen, () -> step(status, epoch, versionSeen, deadline, done));
    }
}
