package io.amdb.node.replicate;

import io.amdb.node.ring.InSyncAnswer;
import io.amdb.node.ring.InSyncChange;
import io.amdb.node.shard.ShardReplication;
import io.amdb.node.storage.Journal;
import io.amdb.node.storage.ShardStore;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.PartitionTable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A node's replication: makes each shard's {@link Replicator}, carrying its stream over the clustered event bus
 * to {@link ReplicaEndpoint}s and its in-sync changes to the table coordinator. Thread-safe.
 */
public final class Replication implements ShardReplication.Factory {
    private static final Logger LOG = Logger.getLogger(Replication.class.getName());
    /** A backup that has not answered a message in this long is sent it again (twice), then given up. */
    public static final long SEND_TIMEOUT_MS = 3_000;

    private final String self;
    private final Supplier<PartitionTable> table;
    private final RolesCache roles;
    private final LeaseGrants grants;
    private final Runnable wake;
    private final CopyStats copies;
    private final int shards;
    private final long backlogBytesPerShard;
    private volatile Function<List<InSyncChange>, Future<InSyncAnswer>> inSync =
            changes -> Future.failedFuture("not clustered");

    /**
     * @param grants this node's lease grants as a backup (its {@link ReplicaEndpoint} records them)
     * @param wake   called when a promoted partition starts being served, so requests that waited look again
     * @param copies the node's copy progress and rate limit, shared by its shards
     * @param backlogBytesPerShard the recent changes each shard keeps to catch copies up ({@code --replication-backlog-mb})
     */
    public Replication(String self, int shards, Supplier<PartitionTable> table, RolesCache roles, LeaseGrants grants,
            Runnable wake, CopyStats copies, long backlogBytesPerShard) {
        this.shards = shards;
        this.backlogBytesPerShard = backlogBytesPerShard;
        this.copies = copies;
        this.self = self;
        this.table = table;
        this.roles = roles;
        this.grants = grants;
        this.wake = wake;
    }

    /** Where in-sync changes go (the coordinator requests of a clustered node); until set, they fail. */
    public void setInSyncRequests(Function<List<InSyncChange>, Future<InSyncAnswer>> requests) {
        this.inSync = requests;
    }

    @Override
    public ShardReplication create(int shard, ShardStore store, Journal log, Vertx vertx, Context context) {
        return new Replicator(self, shard, p -> io.amdb.node.route.ShardDispatcher.shardOf(p, shards) == shard, store,
                log, transport(vertx, context), table, roles, grants, wake, System::nanoTime, copies,
                backlogBytesPerShard);
    }

    private Replicator.Transport transport(Vertx vertx, Context context) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MS);
        return new Replicator.Transport() {
            @Override
            public void send(String node, byte[] body, java.util.function.BiConsumer<List<StreamFormat.Refusal>, Throwable> done) {
                vertx.eventBus().<Buffer>request(ReplicaEndpoint.address(node), Buffer.buffer(body), options)
                        .onComplete(ar -> {
                            if (ar.failed()) {
                                done.accept(null, ar.cause());
                                return;
                            }
                            try {
                                done.accept(StreamFormat.decodeReply(ar.result().body().getBytes()), null);
                            } catch (ProtocolException e) {
                                done.accept(null, e);
                            }
                        });
            }

            @Override
            public void changeInSync(List<InSyncChange> changes,
                    java.util.function.BiConsumer<InSyncAnswer, Throwable> answered) {
                LOG.fine(() -> self + " asks the coordinator for in-sync changes " + changes);
                inSync.apply(changes).onComplete(ar -> context.runOnContext(v -> answered.accept(ar.result(), ar.cause())));
            }

            @Override
            public boolean transient_(Throwable failure) {
                return failure instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT;
            }

            @Override
            public void later(long ms, Runnable task) {
                vertx.setTimer(Math.max(1, ms), id -> task.run());
            }
        };
    }
}
