package io.amdb.node;

import io.amdb.node.api.ProtocolContext;
import io.amdb.node.api.ProtocolVerticle;
import io.amdb.node.cluster.HazelcastConfigs;
import io.amdb.node.cluster.HazelcastMembership;
import io.amdb.node.cluster.CoordinatorRequests;
import io.amdb.node.cluster.TableService;
import io.amdb.node.consensus.TableGroup;
import io.amdb.node.config.NodeConfig;
import io.amdb.node.config.ReplicationConfig;
import io.amdb.node.http.HttpContext;
import io.amdb.node.http.HttpFrontEnd;
import io.amdb.node.http.NodeMetrics;
import io.amdb.node.ring.PlacementPolicy;
import io.amdb.node.ring.TablePlanner;
import io.amdb.node.migrate.MigrationService;
import io.amdb.node.migrate.MigrationStats;
import io.amdb.node.route.Exchange;
import io.amdb.node.route.Forwarder;
import io.amdb.node.route.PeerEndpoint;
import io.amdb.node.route.RouteContext;
import io.amdb.node.route.ShardDispatcher;
import io.amdb.node.table.NodeTable;
import io.amdb.node.table.VertxTimers;
import io.amdb.node.shard.LocalCodec;
import io.amdb.node.shard.ShardVerticle;
import io.amdb.node.config.StorageConfig;
import io.amdb.node.persist.DataDir;
import io.amdb.node.replicate.CopyStats;
import io.amdb.node.replicate.CopyThrottle;
import io.amdb.node.replicate.LeaseGrants;
import io.amdb.node.replicate.ReplicaEndpoint;
import io.amdb.node.replicate.Replication;
import io.amdb.node.replicate.RolesCache;
import io.amdb.node.persist.NodeStorage;
import io.amdb.node.persist.Snapshotter;
import io.amdb.node.persist.StorageInfo;
import io.amdb.node.shard.ShardStorage;
import io.amdb.node.storage.ShardStore;
import io.amdb.node.storage.WriteObserver;
import io.amdb.protocol.PartitionTableCodec;
import java.util.function.Consumer;
import java.util.logging.Logger;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Partitioner;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One running AmDb node: a Vert.x instance with one event loop per shard, a {@link ShardVerticle} on each,
 * and a {@link ProtocolVerticle} listener instance on each. Start with {@link #start(NodeConfig)}, stop
 * with {@link #stop()}; tests and embedders use this class, the command line goes through {@link AmDbMain}.
 */
public final class AmDbNode {
    /** How often a leaving node asks the coordinator again (see {@link #leave}). */
    static final long LEAVE_ASK_MS = 500;
    private final NodeConfig config;
    private final Vertx vertx;
    private final List<String> listenerDeployments = new ArrayList<>();
    private final Member self;
    private final AtomicInteger connections = new AtomicInteger();
    private final NodeStats stats;
    private final Promise<Void> firstTable = Promise.promise();
    private final List<ShardVerticle> shardVerticles = new ArrayList<>();
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(AmDbNode.class.getName());
    private final NodeTable table;
    private final RolesCache roles;
    /** Requests {@link #execute} has not answered yet. */
    private final java.util.Set<Future<Response>> executing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * How long a stopping node waits for the requests it is executing: a forwarded piece's bound (32 s) plus a
     * margin, so none is left without an answer.
     */
    static final long STOP_DRAIN_MS = 35_000;
    private final Replication replication;
    private final CopyStats copies;
    private final LeaseGrants grants;
    private final MigrationStats migrationStats = new MigrationStats(System::nanoTime);
    private final AtomicLong loopLagNanos = new AtomicLong();
    private final AtomicLong shardTaskNanos = new AtomicLong();
    private ShardDispatcher dispatcher;
    private RouteContext routes;
    private Forwarder forwarder; // null on a standalone node
    private TableService tableService; // null on a standalone node
    private Future<Void> stopped;
    private final NodeMetrics metrics;
    private final NodeStorage storage; // null: memory only
    private final PartitionTable remembered; // the table saved before the last stop, or null
    private final TableGroup tableLog; // this node's replica of the table log; null on a standalone node
    private final TableService.Relay relay;
    private final boolean[] recoveredPartitions;
    /** Saves, then installs, the tables of a durable clustered node, in order (see {@link #installTable}). */
    private final java.util.concurrent.ExecutorService tableSaver = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "amdb-table-saver");
        t.setDaemon(true);
        return t;
    });
    private volatile Consumer<String> fatalListener = message -> { };
    private HttpFrontEnd http;

    private AmDbNode(NodeConfig config, Vertx vertx, Member self, NodeMetrics metrics, NodeStorage storage,
            PartitionTable remembered, boolean[] recoveredPartitions, TableGroup tableLog, TableService.Relay relay) {
        this.config = config;
        this.tableLog = tableLog;
        this.relay = relay;
        this.remembered = remembered;
        this.recoveredPartitions = recoveredPartitions;
        this.storage = storage;
        this.vertx = vertx;
        this.self = self;
        this.table = new NodeTable(self, new VertxTimers(vertx));
        this.roles = new RolesCache(self);
        this.grants = new LeaseGrants(config.partitions());
        this.copies = new CopyStats(config.shards(), new CopyThrottle(
                config.replication().copyMbPerSecond() * 1_000_000L, System::nanoTime));
        this.replication = new Replication(self.nodeId(), config.shards(), table::current, roles, grants,
                table::handoffAborted, copies, config.replication().backlogBytesPerShard(config.shards()));
        this.metrics = metrics;
        this.stats = new NodeStats(table, config.shards(), config.partitions(), connections,
                System::currentTimeMillis, migrationStats, loopLagNanos, shardTaskNanos);
        stats.setLatencyRecorder(metrics::recordProtocol);
        stats.setStorageFields(() -> StorageInfo.fields(storage));
        stats.setCopyFields(copies::fields);
        if (!config.clustered()) {
            table.install(standaloneTable());
        }
    }

    /**
     * Starts a node; the future completes once it accepts connections, or fails with the cause. A clustered
     * node first joins through Hazelcast and waits for the coordinator's table, so it never answers for
     * partitions before it knows they are its own.
     */
    public static Future<AmDbNode> start(NodeConfig config) {
        // Port 0: hold a free port from now until the listeners bind it, so nothing started in between (the
        // cluster's sockets) can take it; the cluster must know the port before the listeners exist.
        ServerSocket reservation = null;
        int port = config.port();
        if (port == 0) {
            try {
                reservation = new ServerSocket(0, 1, InetAddress.getByName(config.host()));
                port = reservation.getLocalPort();
            } catch (IOException e) {
                return Future.failedFuture(e);
            }
        }
        ServerSocket held = reservation;
        NodeStorage storage;
        try {
            storage = openStorage(config, port);
        } catch (IOException e) {
            closeQuietly(held);
            return Future.failedFuture(e);
        }
        NodeConfig cfg = storage == null ? config : config.withNodeId(storage.dir().identity().nodeId());
        return start(cfg, port, held, storage);
    }

    /**
     * Opens and recovers the data directory of a durable node ({@code null} for a memory-only one). A node
     * whose id was not configured takes the id its directory records.
     */
    private static NodeStorage openStorage(NodeConfig config, int port) throws IOException {
        StorageConfig sc = config.storage();
        if (!sc.durability().persistent()) {
            return null;
        }
        DataDir.Identity identity = new DataDir.Identity(config.nodeId(), config.clusterName(), config.partitions(),
                config.shards());
        Logger log = Logger.getLogger(AmDbNode.class.getName());
        return NodeStorage.open(sc.dataDirFor(port), identity, !sc.nodeIdGiven(), sc.durability(), sc.recoverTruncate(),
                System.nanoTime(), message -> log.warning(message));
    }

    private static Future<AmDbNode> start(NodeConfig config, int port, ServerSocket held, NodeStorage storage) {
        Member self = new Member(config.nodeId(), config.host(), port);
        PartitionTable remembered = rememberedTable(storage);
        boolean[] recovered = recoveredPartitions(storage, config);
        TableService.Relay relay = new TableService.Relay();
        TableGroup tableLog;
        try {
            tableLog = config.clustered() ? startTableLog(config, storage, relay) : null;
        } catch (IOException | RuntimeException e) {
            closeQuietly(held);
            closeStorage(storage);
            return Future.failedFuture(new IOException("cannot start the table log: " + e.getMessage(), e));
        }
        NodeMetrics metrics = new NodeMetrics();
        VertxOptions options = new VertxOptions().setEventLoopPoolSize(config.shards()).setPreferNativeTransport(false)
                .setMetricsOptions(metrics.vertxOptions());
        Future<Vertx> built;
        if (config.clustered()) {
            options.setEventBusOptions(new EventBusOptions().setHost(config.host()).setPort(0)
                    .setClusterNodeMetadata(HazelcastMembership.metadata(self,
                            claims(remembered, self, recovered), replicaOf(tableLog), config.replication().rack())));
            built = Vertx.builder().with(options).withMetrics(metrics.vertxFactory()).withClusterManager(new HazelcastClusterManager(
                    HazelcastConfigs.create(config.clusterName(), config.host(), config.clusterPort(), config.join())))
                    .buildClustered();
        } else {
            built = Future.succeededFuture(Vertx.builder().with(options).withMetrics(metrics.vertxFactory()).build());
        }
        return built.compose(vertx -> {
            AmDbNode node = new AmDbNode(config, vertx, self, metrics, storage, remembered, recovered, tableLog, relay);
            return node.deployShards()
                    .compose(v -> node.joinCluster())
                    .compose(v -> {
                        closeQuietly(held);
                        return node.deployListeners();
                    })
                    .compose(v -> node.deployHttp())
                    .map(v -> node)
                    .recover(e -> vertx.close().transform(ignored -> Future.failedFuture(e)));
        }).onFailure(e -> {
            closeQuietly(held);
            closeTableLog(tableLog);
            closeStorage(storage);
        });
    }

    /**
     * Starts this node's replica of the table log before Vert.x, so the cluster metadata can say where it listens.
     * A durable node keeps the log in its data directory under the replica id recorded there (new with the
     * directory); a memory-only node's log is temporary and its replica id new for every process (a replica that
     * forgot its votes must not vote again under the same id).
     */
    private static TableGroup startTableLog(NodeConfig config, NodeStorage storage, TableService.Relay relay)
            throws IOException {
        if (storage != null) {
            java.nio.file.Path raft = storage.dir().root().resolve("raft");
            return TableGroup.start(TableGroup.durablePeerId(raft, config.nodeId()), config.host(), 0, raft, relay);
        }
        return TableGroup.start(TableGroup.newPeerId(config.nodeId()), config.host(), 0, null, relay);
    }

    private static HazelcastMembership.Replica replicaOf(TableGroup log) {
        if (log == null) {
            return null;
        }
        org.apache.ratis.protocol.RaftGroupId group = log.groupId();
        return new HazelcastMembership.Replica(log.self().getId().toString(), log.self().getAddress(),
                group == null ? null : group.getUuid().toString());
    }

    private static void closeTableLog(TableGroup log) {
        if (log != null) {
            try {
                log.close();
            } catch (RuntimeException e) {
                Logger.getLogger(AmDbNode.class.getName()).warning("closing the table log: " + e);
            }
        }
    }

    /** The partitions recovery found data for, or null on a memory-only node. Before the shards run. */
    private static boolean[] recoveredPartitions(NodeStorage storage, NodeConfig config) {
        if (storage == null) {
            return null;
        }
        boolean[] held = new boolean[config.partitions()];
        for (int p = 0; p < held.length; p++) {
            held[p] = storage.store(p % config.shards()).holds(p);
        }
        return held;
    }

    /** The partition table a durable clustered node saved before it stopped, or null. */
    private static PartitionTable rememberedTable(NodeStorage storage) {
        if (storage == null) {
            return null;
        }
        try {
            byte[] saved = storage.dir().readTable();
            return saved == null ? null : PartitionTableCodec.decode(saved);
        } catch (IOException | io.amdb.protocol.ProtocolException e) {
            Logger.getLogger(AmDbNode.class.getName()).warning("ignoring the saved partition table: " + e.getMessage()
                    + "; this node claims none of its old partitions");
            return null;
        }
    }

    /**
     * The partitions a restarted durable node claims back: those its saved table gave it, and those it holds
     * data for (it may have received a partition and died before it saved the table that made it the owner;
     * a partition it handed off was dropped, so it holds nothing of it). The coordinator honours a claim only
     * for a partition LOST with this very node, so claiming more than it owned changes nothing.
     */
    private static java.util.BitSet claims(PartitionTable remembered, Member self, boolean[] recovered) {
        java.util.BitSet claimed = new java.util.BitSet();
        if (remembered != null) {
            for (int p : remembered.partitionsOf(self.nodeId())) {
                claimed.set(p);
            }
        }
        for (int p = 0; recovered != null && p < recovered.length; p++) {
            if (recovered[p]) {
                claimed.set(p);
            }
        }
        return claimed;
    }

    private static void closeStorage(NodeStorage storage) {
        if (storage != null) {
            try {
                storage.close();
            } catch (IOException e) {
                Logger.getLogger(AmDbNode.class.getName()).warning("closing the data directory: " + e);
            }
        }
    }

    /** The node's storage (data directory, recovery summary, log counters), or null when memory-only. */
    public NodeStorage storage() {
        return storage;
    }

    /**
     * Sets who is told when the node stops on a fatal storage error (an fsync failed): the command line exits
     * with status 1. The node has already begun to stop.
     */
    public void onFatal(Consumer<String> listener) {
        this.fatalListener = listener;
    }

    /** A shard's log cannot go on: stop serving at once, and say why. */
    private void fatal(String message) {
        Logger.getLogger(AmDbNode.class.getName()).severe(message);
        System.err.println("amdb: FATAL: " + message);
        stop();
        fatalListener.accept(message);
    }

    /** Takes a snapshot of every shard now; completes when all are published. For tests and operators. */
    public Future<Void> snapshot() {
        List<Future<Boolean>> all = new ArrayList<>();
        for (ShardVerticle shard : shardVerticles) {
            all.add(shard.snapshot());
        }
        return Future.all(all).mapEmpty();
    }

    public NodeConfig config() {
        return config;
    }

    /** The protocol port actually bound. */
    public int port() {
        return self.port();
    }

    /** The shards' dispatcher, for tests that look inside a node. */
    ShardDispatcher dispatcher() {
        return dispatcher;
    }

    /** The HTTP/WebSocket port actually bound, or -1 when HTTP is disabled. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    public Vertx vertx() {
        return vertx;
    }

    /** This node's backup copies: running, done, and how backups were brought up to date (INFO's replication fields). */
    public CopyStats copies() {
        return copies;
    }

    /** This node's migrations: running, done, aborted, resumed from their target's copy (INFO's migration fields). */
    public MigrationStats migrations() {
        return migrationStats;
    }

    /** The partition table this node fences requests with. */
    public PartitionTable table() {
        return table.current();
    }

    /**
     * Installs a newer partition table (the cluster layer calls this when the coordinator publishes one).
     * Requests for partitions the table gives to another node are answered WRONG_OWNER from then on, and
     * requests for LOST partitions PARTITION_LOST. Tables with an epoch not above the current are ignored.
     */
    public void installTable(PartitionTable table) {
        if (table.partitions() != config.partitions()) {
            throw new IllegalArgumentException("table has " + table.partitions() + " partitions, node " + config.partitions());
        }
        if (storage == null || !config.clustered()) {
            install(table);
            return;
        }
        // A durable node saves a table before it acts on it: it serves a partition it was given, or drops one it
        // handed off, only once a restart would find that table (a whole cluster killed right after a cutover
        // must not come back with the old owner). One thread, so tables are saved and installed in order.
        tableSaver.execute(() -> {
            if (refusesFirst(table)) {
                // The cluster is younger than this node's own history: it was started without the members that
                // held the data. Joining would drop this node's data, so it refuses, its directory untouched.
                firstTable.tryFail("the cluster's table (epoch " + table.epoch() + ") is older than the one this "
                        + "node saved (epoch " + remembered.epoch() + "): the cluster was started without its previous "
                        + "members. Stop it and start first a node that has a data directory of this cluster");
            } else if (saveTable(table)) {
                install(table);
            }
        });
    }

    /** True for a first table older than the one this node saved, unless it is a restoring cluster's (all LOST). */
    private boolean refusesFirst(PartitionTable first) {
        boolean waiting = first.lostPartitions() == first.partitions(); // a restoring cluster: it will catch up
        return table.current() == null && remembered != null && first.epoch() < remembered.epoch() && !waiting;
    }

    /** Installs through the {@link NodeTable}, whose listeners are the forwarder, migrations and a leave. */
    private void install(PartitionTable newer) {
        if (table.install(newer)) {
            firstTable.tryComplete();
        }
    }

    /**
     * Saves a table in the data directory (tmp, fsync, rename) before it is installed. A table in which every
     * partition is LOST (a whole cluster waiting for its members) says nothing about who owns what and is not
     * saved, so the table saved before it stays what this node claims from and advertises. Returns false when
     * the save failed: the node then stops, since it could no longer say what it owns after a restart.
     */
    private boolean saveTable(PartitionTable table) {
        if (table.lostPartitions() == table.partitions()) {
            return true;
        }
        try {
            storage.dir().writeTable(PartitionTableCodec.encode(table));
            return true;
        } catch (IOException e) {
            fatal("cannot save the partition table in " + storage.dir().root() + ": " + e);
            return false;
        }
    }

    /**
     * Runs one request on the forwarding path, as if it had arrived over the protocol with epoch 0: the
     * entry point for the node's own front ends (HTTP, WebSocket). Same limits and error codes as the
     * protocol; an error is a {@link Response.Error} value, not a failed future. Must be called on a Vert.x
     * context of this node; the future completes on that context.
     */
    public Future<Response> execute(Request request) {
        Promise<Response> done = Promise.promise();
        Future<Response> answered = done.future();
        executing.add(answered);
        answered.onComplete(ar -> executing.remove(answered));
        try {
            Exchange exchange = new Exchange(routes, forwarder);
            exchange.add(0, request);
            exchange.seal(() -> {
                stats.countAnswered(request.opcode().code()); // front-end requests count in INFO like protocol ones
                done.complete(exchange.replies().get(0).response());
            });
        } catch (RuntimeException e) { // a bug must answer INTERNAL_ERROR, not leave the caller waiting forever
            done.tryComplete(new Response.Error(ErrorCode.INTERNAL_ERROR, "request failed on " + self.nodeId() + ": " + e));
        }
        return done.future();
    }

    /** Calls {@code listener} with every table this node installs from now on, on the installing thread. */
    public void observeTables(Consumer<PartitionTable> listener) {
        table.addListener(listener);
    }

    /** Sets (or clears, with null) the observer every shard reports client writes to. */
    public void observeWrites(WriteObserver observer) {
        for (ShardVerticle shard : shardVerticles) {
            shard.setObserver(observer);
        }
    }

    /**
     * <b>Loses data on purpose</b>: an operator accepts that the LOST partitions' writes are gone; the
     * coordinator gives each, empty, to a live member. Completes with how many were LOST (0 on a standalone
     * node, which never loses partitions).
     */
    public Future<Integer> acceptLoss() {
        return tableService == null ? Future.succeededFuture(0) : tableService.requests().acceptLoss();
    }

    /**
     * Leaves the cluster gracefully, then stops: asks the coordinator to move every partition this node owns
     * to the other members, waits until the table shows it owns none (and receives none), then
     * {@link #stop()}s. Bounded by {@code timeoutMs}; after it (or when the coordinator cannot be reached) the
     * node stops anyway and whatever it still owned becomes LOST. A standalone node, or the only member, just
     * stops: there is nobody to hand off to, and so does every leaver once every member is leaving.
     *
     * <p>The request is asked again every {@link #LEAVE_ASK_MS} while the node waits: the answer "some member
     * stays" can stop being true when the others ask to leave after this node did (SIGTERM of a whole cluster),
     * and a coordinator that takes over does not know who was leaving. Asking again is idempotent.
     */
    public Future<Void> leave(long timeoutMs) {
        PartitionTable now = table();
        if (tableService == null || now == null || now.members().size() <= 1) {
            return stop();
        }
        Promise<Void> drained = Promise.promise();
        Runnable check = () -> {
            if (table().members().size() <= 1) {
                drained.tryComplete(); // the others went first: nobody is left to take anything
            }
        };
        Consumer<PartitionTable> watcher = newer -> check.run();
        table.addListener(watcher);
        long timer = vertx.setTimer(timeoutMs, id -> drained.tryFail("not drained after " + timeoutMs + " ms"));
        askToLeave(drained, check).onFailure(drained::tryFail);
        long again = vertx.setPeriodic(LEAVE_ASK_MS, id -> askToLeave(drained, check)); // a failure: ask again
        return drained.future().transform(ar -> {
            table.removeListener(watcher);
            vertx.cancelTimer(timer);
            vertx.cancelTimer(again);
            if (ar.failed()) {
                java.util.logging.Logger.getLogger(AmDbNode.class.getName()).warning(
                        "leaving without a full handoff: " + ar.cause().getMessage());
            }
            return stop();
        });
    }

    /** Asks the coordinator to plan this node's leave; fails {@code drained} when every member is leaving. */
    private Future<CoordinatorRequests.LeaveAnswer> askToLeave(Promise<Void> drained, Runnable check) {
        if (tableService.alone()) {
            drained.tryComplete(); // the others went first: nobody is left to take anything
            return Future.succeededFuture(CoordinatorRequests.LeaveAnswer.STOP);
        }
        return tableService.requests().leave().onSuccess(answer -> {
            switch (answer) {
                case STOP -> drained.tryComplete(); // drained, and out of the table log's configuration
                case WAIT -> check.run();
                case NOWHERE -> drained.tryFail("every member is leaving: nowhere to hand the partitions off");
            }
        });
    }

    /**
     * Stops gracefully: listeners stop accepting and connections answer what they already read (bounded by
     * a grace period), then shards and Vert.x close. Idempotent.
     */
    public synchronized Future<Void> stop() {
        if (stopped == null) {
            List<Future<?>> undeploys = new ArrayList<>();
            for (String id : listenerDeployments) {
                undeploys.add(vertx.undeploy(id));
            }
            // Requests this node is executing (HTTP, WebSocket, in-process) are answered before Vert.x closes.
            Future<?> answered = Future.join(new ArrayList<>(executing)).timeout(STOP_DRAIN_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            stopped = Future.join(undeploys).transform(ar -> answered).transform(ar -> vertx.close()).andThen(ar -> {
                closeTableLog(tableLog);
                tableSaver.shutdown();
                closeStorage(storage);
            });
        }
        return stopped;
    }

    private Future<Void> deployShards() {
        vertx.eventBus().registerCodec(new LocalCodec());
        dispatcher = new ShardDispatcher(vertx.eventBus(), new Partitioner(config.partitions()), config.shards());
        routes = new RouteContext(dispatcher, config.limits(), table, stats, grants);
        long seed = System.nanoTime();
        Future<?> chain = Future.succeededFuture();
        for (int i = 0; i < config.shards(); i++) {
            ShardVerticle shard = storage == null
                    ? new ShardVerticle(i, new ShardStore(config.partitions(), seed + i), null, shardTaskNanos, replication)
                    : new ShardVerticle(i, storage.store(i), shardStorage(i), shardTaskNanos, replication);
            shardVerticles.add(shard);
            chain = chain.compose(v -> vertx.deployVerticle(shard));
        }
        return chain.compose(v -> vertx.deployVerticle(() -> new LoopProbe(loopLagNanos),
                new io.vertx.core.DeploymentOptions().setInstances(config.shards()))).mapEmpty();
    }

    private ShardStorage shardStorage(int i) {
        Logger log = Logger.getLogger(AmDbNode.class.getName());
        return new ShardStorage(storage.dir().shardDir(i), storage.nextSegment(i), storage.replayedBytes(i), storage.mode(),
                config.storage().fsyncIntervalMs(), Snapshotter.MIN_LOG_BYTES, storage.io(), storage.stats(),
                this::fatal, log::warning);
    }

    /** Starts a new measuring window for INFO's loop_lag_max_ms and shard_task_max_ms (the demo uses it). */
    void resetLoopStats() {
        loopLagNanos.set(0);
        shardTaskNanos.set(0);
    }

    /**
     * One listener per event loop, all on one port: Vert.x binds the socket once and spreads connections
     * over the instances. Vert.x shares a port by its number, so port 0 was resolved to a free one in start().
     */
    private Future<Void> deployListeners() {
        ProtocolContext context = new ProtocolContext(routes, forwarder, connections, config.maxConnections());
        Future<?> chain = Future.succeededFuture();
        for (int i = 0; i < config.shards(); i++) {
            chain = chain.compose(v -> deployListener(context, self.port()));
        }
        return chain.mapEmpty();
    }

    /** The HTTP/WebSocket front end, after the protocol listeners; undeployed with them at stop. */
    private Future<Void> deployHttp() {
        if (!config.http().enabled()) {
            return Future.succeededFuture();
        }
        HttpContext context = new HttpContext(config, vertx, table, this::execute, this::acceptLoss, this::observeWrites);
        return HttpFrontEnd.deploy(context, metrics).map(fe -> {
            http = fe;
            listenerDeployments.addAll(fe.deploymentIds());
            return null;
        });
    }

    /**
     * A node that runs alone is the only member and owns every partition, at epoch 1; with a replication factor
     * above 1 every partition is under-replicated, and the table says so.
     */
    private PartitionTable standaloneTable() {
        ReplicationConfig r = config.replication();
        return new TablePlanner(PlacementPolicy.DEFAULT).initial(config.partitions(), List.of(self),
                new TablePlanner.Replication(r.factor(), r.minInSync(), Map.of(self.nodeId(), r.rack())));
    }

    /** Clustered: deploys the table service and waits for the first table the coordinator publishes. */
    private Future<Void> joinCluster() {
        if (!config.clustered()) {
            return Future.succeededFuture();
        }
        TableService service = new TableService(self, config.partitions(), config.replication(),
                new TablePlanner(PlacementPolicy.DEFAULT),
                tableLog, relay, this::installTable, why -> firstTable.tryFail(why));
        tableService = service;
        stats.setTableLogFields(service::infoFields);
        MigrationService moves = new MigrationService(self, dispatcher, migrationStats, table,
                (m, startedAt) -> service.requests().cutover(m, startedAt), recoveredPartitions);
        forwarder = new Forwarder(vertx.eventBus(), table, config.limits(), dispatcher.partitioner(), System::nanoTime,
                service::reachable);
        service.onMemberGone(forwarder::memberGone);
        table.addListener(forwarder::tableInstalled);
        replication.setInSyncRequests(changes -> service.requests().changeInSync(changes)
                .onFailure(e -> LOG.fine(() -> "in-sync changes " + changes + " not answered: " + e.getMessage())));
        return vertx.deployVerticle(new PeerEndpoint(routes))
                .compose(id -> vertx.deployVerticle(new ReplicaEndpoint(self, table, dispatcher, roles, grants)))
                .compose(id -> vertx.deployVerticle(moves)).compose(id -> {
            table.addListener(moves::tableInstalled); // deployed: it has a context to take tables on
            return vertx.deployVerticle(service);
        }).compose(id -> firstTable.future());
    }

    private static void closeQuietly(ServerSocket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a never-used listening socket: nothing to recover
            }
        }
    }

    private Future<ProtocolVerticle> deployListener(ProtocolContext context, int listenPort) {
        ProtocolVerticle listener = new ProtocolVerticle(context, config.host(), listenPort);
        return vertx.deployVerticle(listener).map(id -> {
            listenerDeployments.add(id);
            return listener;
        });
    }
}
