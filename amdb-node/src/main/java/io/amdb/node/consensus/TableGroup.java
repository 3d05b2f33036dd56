package io.amdb.node.consensus;

import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * This node's replica of the table log: an Apache Ratis server with one group whose state machine holds the
 * committed partition table (docs/CLUSTER.md, "Table consensus"). A fresh node's server has no group until the
 * leader adds it ({@link #joinEmpty}), or until it founds one ({@link #found}); a durable node's server finds
 * its group again in its storage.
 *
 * <p>Thread safety: every method may be called from any thread; the futures complete on Ratis's threads.
 */
public final class TableGroup implements AutoCloseable {
    /** Election timeouts: above a loaded machine's GC pauses, below Hazelcast's failure detection. */
    static final TimeDuration ELECTION_MIN = TimeDuration.valueOf(1_000, java.util.concurrent.TimeUnit.MILLISECONDS);
    static final TimeDuration ELECTION_MAX = TimeDuration.valueOf(2_000, java.util.concurrent.TimeUnit.MILLISECONDS);
    /** A snapshot every this many entries bounds the log (a table entry is a few KB). */
    static final long SNAPSHOT_EVERY = 256;

    private final RaftServer server;
    private final RaftPeer self;
    private final Machines machines;
    private final Path storage;
    private final boolean temporary;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private CompletableFuture<Void> joining = CompletableFuture.completedFuture(null); // the last join; guarded by this

    /** The state machine of this replica's group; a new one each time the group is (re)created here. */
    private static final class Machines {
        private final TableEvents events;
        private volatile TableStateMachine current;

        Machines(TableEvents events) {
            this.events = events;
        }

        TableStateMachine create() {
            current = new TableStateMachine(events);
            return current;
        }
    }

    private TableGroup(RaftServer server, RaftPeer self, Machines machines, Path storage, boolean temporary) {
        this.server = server;
        this.self = self;
        this.machines = machines;
        this.storage = storage;
        this.temporary = temporary;
    }

    /**
     * Starts this node's replica.
     *
     * @param peerId  this replica's id in the group: a durable node's recorded one ({@link #durablePeerId}: the
     *                same while it keeps its log), a new id per process for a memory-only one (a replica that
     *                forgot its log must never vote as the one that had it)
     * @param port    0: a durable node reuses the port it used before (recorded in {@code dir}), else a free one
     * @param dir     where the log lives; null: a temporary directory removed by {@link #close}
     */
    public static TableGroup start(String peerId, String host, int port, Path dir, TableEvents events)
            throws IOException {
        boolean temporary = dir == null;
        Path root = temporary ? Files.createTempDirectory("amdb-table-log-") : dir;
        Files.createDirectories(root);
        int bound = port != 0 ? port : recordedOrFreePort(root, host, temporary);
        RaftPeer self = RaftPeer.newBuilder().setId(peerId).setAddress(host + ":" + bound).build();
        Machines machines = new Machines(events);
        RaftServer server = RaftServer.newBuilder().setServerId(self.getId())
                .setProperties(properties(root.resolve("log"), host, bound))
                .setStateMachineRegistry(gid -> machines.create()).build();
        server.start();
        int groups = 0;
        for (RaftGroupId ignored : server.getGroupIds()) {
            groups++;
        }
        if (groups > 1) {
            server.close();
            throw new IOException(root + " holds " + groups + " table groups; expected one");
        }
        return new TableGroup(server, self, machines, root, temporary);
    }

    private static RaftProperties properties(Path logDir, String host, int port) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(logDir.toFile()));
        GrpcConfigKeys.Server.setHost(p, host);
        GrpcConfigKeys.Server.setPort(p, port);
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, ELECTION_MIN);
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, ELECTION_MAX);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, SNAPSHOT_EVERY);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("64KB"));
        return p;
    }

    /**
     * The replica id of a durable node whose table log lives in {@code dir}: the id recorded there. A directory
     * that holds a log from before ids were recorded keeps the node id; a new one takes the node id and a new
     * incarnation ({@code node~hex}). Recorded durably before the log starts. A node that lost its data directory (a
     * replaced disk) and starts again under its node id so joins as a new replica: the configuration may still list
     * its old one, whose votes and entries it forgot, and a replica that forgot them must never vote as the one
     * that had them.
     */
    public static String durablePeerId(Path dir, String nodeId) throws IOException {
        Path file = dir.resolve("peer-id");
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!id.equals(nodeId) && !id.startsWith(nodeId + "~")) {
                throw new IOException(file + " names replica " + id + ", not one of node " + nodeId);
            }
            return id;
        }
        String id = Files.isDirectory(dir.resolve("log")) ? nodeId : newPeerId(nodeId);
        Files.createDirectories(dir);
        io.amdb.node.persist.Fsync.replace(file, id.getBytes(StandardCharsets.UTF_8));
        return id;
    }

    /** A replica id never used before for node {@code nodeId}: the node id with a random incarnation. */
    public static String newPeerId(String nodeId) {
        return nodeId + "~" + Long.toHexString(new java.security.SecureRandom().nextLong() & 0xffffffL);
    }

    /** A durable node keeps its table-log address across restarts: the others' configuration names it. */
    private static int recordedOrFreePort(Path root, String host, boolean temporary) throws IOException {
        Path file = root.resolve("port");
        if (!temporary && Files.exists(file)) {
            return Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).trim());
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            port = s.getLocalPort();
        }
        if (!temporary) {
            Path tmp = root.resolve("port.tmp");
            Files.writeString(tmp, Integer.toString(port), StandardCharsets.US_ASCII);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return port;
    }

    /** This replica's peer id and address. */
    public RaftPeer self() {
        return self;
    }

    /** The group this replica belongs to, or null before it joined or founded one. */
    public RaftGroupId groupId() {
        try {
            for (RaftGroupId id : server.getGroupIds()) {
                return id;
            }
            return null;
        } catch (RuntimeException e) {
            return null; // closed
        }
    }

    /** Founds a new group with this replica as its only voter (a new cluster's first node). */
    public CompletableFuture<Void> found() {
        RaftGroup group = RaftGroup.valueOf(RaftGroupId.randomId(), self);
        return admin(() -> server.groupManagementAsync(GroupManagementRequest.newAdd(clientId, self.getId(),
                callIds.incrementAndGet(), group, true)));
    }

    /**
     * Creates the group {@code id} here with no configuration, so its leader can add this replica. The leader asks
     * only replicas its configuration does not list: one it removed (a listener about to vote, or a member that
     * was away) is created anew, its old copy of the log deleted, so it rejoins as the new member it is.
     *
     * <p>Joins run one at a time, and asking again is harmless: a leader whose earlier ask timed out asks again
     * while this replica may still be removing or adding the group, and a remove racing an add could leave the
     * group's directory behind with no group (every later add then fails). So a replica that holds the group
     * empty (no configuration yet: the leader has not added it) keeps it, and a directory left behind by a join
     * that failed half-way is deleted before the group is added.
     */
    public CompletableFuture<Void> joinEmpty(RaftGroupId id) {
        synchronized (this) {
            CompletableFuture<Void> next = joining.handle((v, e) -> null).thenCompose(v -> joinNow(id));
            joining = next;
            return next;
        }
    }

    private CompletableFuture<Void> joinNow(RaftGroupId id) {
        RaftGroupId held = groupId();
        if (id.equals(held)) {
            VoterPlan.Conf conf = conf();
            if (conf.voters().isEmpty() && conf.listeners().isEmpty()) {
                return CompletableFuture.completedFuture(null); // joined already, not yet added: the ask was resent
            }
            return admin(() -> server.groupManagementAsync(GroupManagementRequest.newRemove(clientId, self.getId(),
                    callIds.incrementAndGet(), id, true, false))).thenCompose(v -> addFresh(id));
        }
        if (held != null) {
            // This node's log belongs to another cluster history: joining would give it two tables.
            return CompletableFuture.failedFuture(new IllegalStateException("this node belongs to table group "
                    + held.getUuid() + ", not " + id.getUuid() + ": the cluster was started without the members "
                    + "this node was with; start one of them first"));
        }
        return addFresh(id);
    }

    /**
     * Reopens this replica from its own storage when Ratis closed it. Ratis closes a replica whose election is
     * answered that the leader's configuration does not list it (it was removed while frozen or cut off), or whose
     * own configuration does not; the group then stays here, closed, for good, and the node would apply no table
     * again even once a configuration lists it. Reopening is a restart of the replica, as at a node's start: it keeps
     * its log, term and vote, so it is safe whatever the configuration says. A replica the configuration still does
     * not list closes again at its next election, until the leader adds it anew ({@link #joinEmpty}). Runs in turn
     * with joins; completes with false when the replica was not closed (a join had re-created it, or it runs).
     */
    public CompletableFuture<Boolean> reopenIfClosed() {
        synchronized (this) {
            CompletableFuture<Boolean> next = joining.handle((v, e) -> null).thenCompose(v -> reopenNow());
            joining = next.thenApply(reopened -> null);
            return next;
        }
    }

    /** Whether this replica runs: false before it joined a group, and while Ratis holds it closed. */
    public boolean replicaRunning() {
        RaftServer.Division d = division();
        return d != null && !closed(d);
    }

    private static boolean closed(RaftServer.Division d) {
        return d.getInfo().getLifeCycleState() == org.apache.ratis.util.LifeCycle.State.CLOSED;
    }

    private CompletableFuture<Boolean> reopenNow() {
        RaftServer.Division d = division();
        if (d == null || !closed(d)) {
            return CompletableFuture.completedFuture(false);
        }
        RaftGroup group = d.getGroup(); // its last configuration: the log it recovers may end before one
        return admin(() -> server.groupManagementAsync(GroupManagementRequest.newRemove(clientId, self.getId(),
                callIds.incrementAndGet(), group.getGroupId(), false, false)))
                .thenCompose(v -> admin(() -> server.groupManagementAsync(GroupManagementRequest.newAdd(clientId,
                        self.getId(), callIds.incrementAndGet(), group, false))))
                .thenApply(v -> true);
    }

    /** Adds the group empty, deleting first what a join that failed half-way may have left of its directory. */
    private CompletableFuture<Void> addFresh(RaftGroupId id) {
        try {
            deleteTree(storage.resolve("log").resolve(id.getUuid().toString()));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return add(id);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private CompletableFuture<Void> add(RaftGroupId id) {
        return admin(() -> server.groupManagementAsync(GroupManagementRequest.newAdd(clientId, self.getId(),
                callIds.incrementAndGet(), RaftGroup.valueOf(id), true)));
    }

    /** Proposes the next table; completes with what the state machine did, or fails when not leader. */
    public CompletableFuture<TableEntry.Outcome> propose(long base, PartitionTable table) {
        RaftGroupId gid = groupId();
        if (gid == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not in a table group"));
        }
        RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(clientId).setServerId(self.getId())
                .setGroupId(gid).setCallId(callIds.incrementAndGet())
                .setMessage(Message.valueOf(ByteString.copyFrom(TableEntry.encode(new TableEntry.Proposal(base, table)))))
                .setType(RaftClientRequest.writeRequestType()).build();
        try {
            return server.submitClientRequestAsync(request).thenApply(reply -> {
                if (!reply.isSuccess()) {
                    throw new IllegalStateException("table proposal not committed: " + reply.getException());
                }
                try {
                    return TableEntry.decodeOutcome(reply.getMessage().getContent().toByteArray());
                } catch (ProtocolException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Sets the voters and listeners (the leader only); completes once the new configuration is committed. */
    public CompletableFuture<Void> configure(Collection<RaftPeer> voters, Collection<RaftPeer> listeners) {
        RaftGroupId gid = groupId();
        SetConfigurationRequest request = new SetConfigurationRequest(clientId, self.getId(), gid,
                callIds.incrementAndGet(), new ArrayList<>(voters), new ArrayList<>(listeners));
        try {
            return admin(server.setConfigurationAsync(request));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The leader steps down (a new election follows). Used when Ratis refuses a configuration because its leader
     * state still holds a sender for a replica that a configuration committed at an election removed (seen with
     * Ratis 3.2.0): a new term starts that state afresh.
     */
    public CompletableFuture<Void> stepDown() {
        RaftGroupId gid = groupId();
        if (gid == null) {
            return CompletableFuture.completedFuture(null);
        }
        return admin(() -> server.transferLeadershipAsync(new org.apache.ratis.protocol.TransferLeadershipRequest(
                clientId, self.getId(), gid, callIds.incrementAndGet(), null, ELECTION_MAX.toLong(
                        java.util.concurrent.TimeUnit.MILLISECONDS))));
    }

    private static CompletableFuture<Void> admin(CompletableFuture<RaftClientReply> call) {
        return call.thenApply(reply -> {
            if (!reply.isSuccess()) {
                throw new IllegalStateException(String.valueOf(reply.getException()));
            }
            return null;
        });
    }

    private CompletableFuture<Void> admin(CheckedCall call) {
        try {
            return admin(call.get());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @FunctionalInterface
    private interface CheckedCall {
        CompletableFuture<RaftClientReply> get() throws IOException;
    }

    /** The committed configuration by role, or empty maps before this replica is in a group. */
    public VoterPlan.Conf conf() {
        RaftConfiguration conf = division() == null ? null : division().getRaftConf();
        if (conf == null) {
            return new VoterPlan.Conf(java.util.Set.of(), java.util.Set.of());
        }
        return new VoterPlan.Conf(ids(conf.getCurrentPeers(RaftPeerRole.FOLLOWER)),
                ids(conf.getCurrentPeers(RaftPeerRole.LISTENER)));
    }

    private static java.util.Set<String> ids(Collection<RaftPeer> peers) {
        return peers.stream().map(p -> p.getId().toString()).collect(Collectors.toSet());
    }

    /** The leader this replica knows of, or null. */
    public RaftPeerId leader() {
        RaftServer.Division d = division();
        return d == null ? null : d.getInfo().getLeaderId();
    }

    /** True when this replica leads the group and has applied every earlier entry. */
    public boolean isReadyLeader() {
        RaftServer.Division d = division();
        return d != null && d.getInfo().isLeader() && d.getInfo().isLeaderReady();
    }

    /**
     * The log's commit index, as this replica knows it, when it leads the group and has applied every earlier
     * entry; -1 otherwise. A replica that applied up to this index holds every table committed before it was read.
     */
    public long leaderCommitIndex() {
        RaftServer.Division d = division();
        return d != null && d.getInfo().isLeader() && d.getInfo().isLeaderReady()
                ? d.getRaftLog().getLastCommittedIndex() : -1;
    }

    /** The index of the last entry this replica applied (0: none), or -1 before it is in a group. */
    public long appliedIndex() {
        RaftServer.Division d = division();
        return d == null ? -1 : d.getInfo().getLastAppliedIndex();
    }

    /** The newest committed table this replica applied, or null. */
    public PartitionTable table() {
        TableStateMachine m = machines.current;
        return m == null ? null : m.table();
    }

    private RaftServer.Division division() {
        RaftGroupId gid = groupId();
        if (gid == null) {
            return null;
        }
        try {
            return server.getDivision(gid);
        } catch (IOException e) {
            return null;
        }
    }

    /** How long {@link #close} waits for the group's replica to finish closing (Ratis closes it asynchronously). */
    static final long CLOSE_WAIT_MS = 10_000;

    /**
     * Stops the replica and waits (bounded) until its group has closed and released its storage, so a node
     * restarted at once on the same data directory finds it free.
     */
    @Override
    public void close() {
        RaftServer.Division d = division();
        try {
            server.close();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
            while (d != null && !closed(d) && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // Ratis gives no close future to wait on
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (temporary) {
                deleteQuietly(storage);
            }
        }
    }

    private static void deleteQuietly(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: the OS cleans it eventually
        }
    }
}
