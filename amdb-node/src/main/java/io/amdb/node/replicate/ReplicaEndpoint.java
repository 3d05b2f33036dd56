package io.amdb.node.replicate;

import io.amdb.node.PartitionTrace;
import io.amdb.node.cluster.PeerFailure;
import io.amdb.node.replicate.StreamFormat.Refusal;
import io.amdb.node.replicate.StreamFormat.Section;
import io.amdb.node.route.ShardDispatcher;
import io.amdb.node.shard.ReplicaTask;
import io.amdb.node.table.NodeTable;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A backup node's end of the replication stream: takes the messages primaries' shards send to
 * {@code amdb.replica.<id>}, checks each section against this node's table, hands the sections to the shards of
 * their partitions ({@link ReplicaTask}), and replies once every shard applied its part and its log acknowledged
 * it (by this node's durability mode), naming the partitions it did not take. Contract: docs/PEERS.md,
 * "Replication stream".
 *
 * <p>State: none of its own; it reads the node's table on its context.
 */
public final class ReplicaEndpoint extends VerticleBase {
    private final Member self;
    private final NodeTable table;
    private final ShardDispatcher shards;
    private final RolesCache roles;

    private final LeaseGrants grants;
    private final Resends resends = new Resends();

    public ReplicaEndpoint(Member self, NodeTable table, ShardDispatcher shards, RolesCache roles, LeaseGrants grants) {
        this.self = self;
        this.table = table;
        this.shards = shards;
        this.roles = roles;
        this.grants = grants;
    }

    public static String address(String nodeId) {
        return "amdb.replica." + nodeId;
    }

    /** Where the table coordinator asks where this node's copies stand (docs/PEERS.md, "Copy positions"). */
    public static String positionsAddress(String nodeId) {
        return "amdb.replica.positions." + nodeId;
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().<Buffer>consumer(positionsAddress(self.nodeId()), this::positions);
        return vertx.eventBus().<Buffer>consumer(address(self.nodeId()), this::receive).completion();
    }

    /** Answers {@code u32 n, n x u32 partition} with {@code n x (i64 term, i64 sequence)}, in the order asked. */
    private void positions(Message<Buffer> message) {
        PartitionTable current = table.current();
        int[] asked;
        try {
            io.amdb.protocol.WireReader r = new io.amdb.protocol.WireReader(message.body().getBytes(), 0,
                    message.body().length());
            asked = new int[r.count(4)];
            for (int i = 0; i < asked.length; i++) {
                asked[i] = r.u32();
                if (current == null || asked[i] < 0 || asked[i] >= current.partitions()) {
                    throw new ProtocolException(io.amdb.protocol.ErrorCode.MALFORMED_FRAME, "partition "
                            + (asked[i] & 0xFFFFFFFFL) + (current == null ? " before any table" : " of "
                            + current.partitions()));
                }
            }
            r.expectEnd();
        } catch (ProtocolException e) {
            PeerFailure.MALFORMED.fail(message, "malformed positions request: " + e.getMessage());
            return;
        }
        @SuppressWarnings("unchecked")
        List<Integer>[] byShard = new List[shards.shards()];
        for (int p : asked) {
            int shard = shards.shardOf(p);
            if (byShard[shard] == null) {
                byShard[shard] = new ArrayList<>();
            }
            byShard[shard].add(p);
        }
        List<Future<io.amdb.node.shard.PositionsTask>> parts = new ArrayList<>();
        for (int shard = 0; shard < byShard.length; shard++) {
            if (byShard[shard] != null) {
                int[] ps = byShard[shard].stream().mapToInt(Integer::intValue).toArray();
                parts.add(shards.send(shard, new io.amdb.node.shard.PositionsTask(ps)));
            }
        }
        Future.all(parts).onComplete(ar -> {
            if (ar.failed()) {
                PeerFailure.FAILED.fail(message, "reading positions: " + ar.cause().getMessage());
                return;
            }
            java.util.Map<Integer, long[]> at = new java.util.HashMap<>();
            for (Future<io.amdb.node.shard.PositionsTask> f : parts) {
                io.amdb.node.shard.PositionsTask t = f.result();
                for (int i = 0; i < t.partitions().length; i++) {
                    at.put(t.partitions()[i], new long[] {t.term(i), t.sequence(i)});
                }
            }
            io.amdb.protocol.WireWriter w = new io.amdb.protocol.WireWriter(16 * asked.length);
            for (int p : asked) {
                w.i64(at.get(p)[0]).i64(at.get(p)[1]);
            }
            message.reply(Buffer.buffer(w.toByteArray()));
        });
    }

    private void receive(Message<Buffer> message) {
        PartitionTable current = table.current();
        if (current == null) {
            PeerFailure.NOT_READY.fail(message, self.nodeId() + " has no table yet");
            return;
        }
        StreamFormat.Message m;
        try {
            m = StreamFormat.decode(message.body().getBytes(), current.partitions());
        } catch (ProtocolException e) {
            PeerFailure.MALFORMED.fail(message, "malformed replication message: " + e.getMessage());
            return;
        }
        resends.offer(m.from(), m.shard(), m.stream(), m.seq(), () -> {
            // A message sent with a table this node has not installed yet waits for it (about 5 s at most): its
            // sections may rest on a listing of this node as a backup that this node's table does not show yet, and
            // applying them first could let a table this node installs later drop what they brought.
            io.vertx.core.Promise<byte[]> reply = io.vertx.core.Promise.promise();
            table.await(() -> table.current().epoch() >= m.epoch() && behind(m).isEmpty(), () -> apply(m, reply));
            return reply.future();
        }).onComplete(ar -> {
            if (ar.succeeded()) {
                message.reply(Buffer.buffer(ar.result()));
            } else {
                PeerFailure.FAILED.fail(message, ar.cause().getMessage());
            }
        });
    }

    /** The partitions whose sections carry a term above this node's table. */
    private Set<Integer> behind(StreamFormat.Message m) {
        PartitionTable t = table.current();
        Set<Integer> out = new HashSet<>();
        for (Section s : m.sections()) {
            if (t.term(s.partition()) < s.term()) {
                out.add(s.partition());
            }
        }
        return out;
    }

    private void apply(StreamFormat.Message m, io.vertx.core.Promise<byte[]> reply) {
        for (Section s : m.sections()) {
            grants.granted(s.partition()); // before the table is read: see LeaseGrants
        }
        PartitionTable t = table.current();
        boolean tableBehind = t.epoch() < m.epoch(); // waited in vain: take nothing
        Roles mine = roles.of(t);
        List<Refusal> refusals = new ArrayList<>();
        Set<Integer> stale = new HashSet<>();
        @SuppressWarnings("unchecked")
        List<Section>[] byShard = new List[shards.shards()];
        for (Section s : m.sections()) {
            int p = s.partition();
            boolean follows = !tableBehind && m.from().equals(mine.primaryOf(p)) && t.term(p) == s.term();
            if (!follows) {
                if (stale.add(p)) {
                    PartitionTrace.log(p, () -> "refused " + m.from() + "'s stream at term " + s.term() + " (epoch "
                            + m.epoch() + "): table epoch " + t.epoch() + " names " + mine.primaryOf(p) + " at term "
                            + t.term(p));
                    refusals.add(new Refusal(p, StreamFormat.STALE, -1, -1));
                }
                continue;
            }
            if (s.kind() == StreamFormat.LEASE) {
                continue; // checked: granted, nothing to apply
            }
            int shard = shards.shardOf(p);
            if (byShard[shard] == null) {
                byShard[shard] = new ArrayList<>();
            }
            byShard[shard].add(s);
        }
        List<Future<ReplicaTask>> parts = new ArrayList<>();
        for (int shard = 0; shard < byShard.length; shard++) {
            if (byShard[shard] != null) {
                parts.add(shards.send(shard, new ReplicaTask(byShard[shard])));
            }
        }
        Future.all(parts).onComplete(ar -> {
            if (ar.failed()) {
                reply.fail("applying replication from " + m.from() + ": " + ar.cause().getMessage());
                return;
            }
            for (Future<ReplicaTask> f : parts) {
                refusals.addAll(f.result().refusals());
            }
            reply.complete(StreamFormat.encodeReply(refusals));
        });
    }
}
