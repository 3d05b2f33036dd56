package io.amdb.node.config;

import io.amdb.node.cluster.HazelcastConfigs;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Partitioner;
import io.amdb.protocol.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A node's effective configuration. Build it with {@link #from(Settings)}; every value is validated there,
 * so a bad one stops the node at start with a message naming the setting and its source.
 */
public record NodeConfig(String host, int port, HttpConfig http, int shards, int partitions, String nodeId,
                         Limits limits, int maxConnections, String clusterName, int clusterPort, List<String> join,
                         StorageConfig storage, ReplicationConfig replication) {

    public static final List<String> NAMES = List.of("host", "port", "http-port", "shards", "partitions",
            "node-id", "max-key-bytes", "max-value-bytes", "max-frame-bytes", "max-batch-items", "max-scan-limit",
            "max-connections", "cluster-name", "cluster-port", "join", "auth-token", "http-allowed-origins",
            "data-dir", "durability", "fsync-interval-ms", "recover", "replication-factor", "min-in-sync", "rack",
            "replication-copy-mb-per-s", "replication-backlog-mb");
    public static final Set<String> KNOWN = Set.copyOf(NAMES);

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_HTTP_PORT = HttpConfig.DEFAULT_PORT;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int MAX_SHARDS = 256;

    public static NodeConfig from(Settings s) throws ConfigException {
        return from(s, "");
    }

    /**
     * As {@link #from(Settings)}, with {@code defaultClusterName} when no cluster name is configured (the
     * command line defaults to a cluster, so two nodes started on one machine find each other; "" = alone).
     */
    public static NodeConfig from(Settings s, String defaultClusterName) throws ConfigException {
        Limits d = Limits.DEFAULTS;
        int shards = s.integer("shards", defaultShards(), 1, MAX_SHARDS);
        int partitions = s.integer("partitions", Partitioner.DEFAULT_PARTITIONS, 1, Partitioner.MAX_PARTITIONS);
        if (Integer.bitCount(partitions) != 1) {
            throw new ConfigException("partitions = " + partitions + " (from " + s.get("partitions", "").source()
                    + ") must be a power of two");
        }
        String nodeId = s.string("node-id", "node-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
        if (!nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException("node-id = '" + nodeId + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        String host = s.string("host", DEFAULT_HOST);
        if (host.isEmpty()) {
            throw new ConfigException("host must not be empty");
        }
        Limits limits;
        try {
            limits = new Limits(
                    s.integer("max-key-bytes", d.maxKeyBytes(), 1, Integer.MAX_VALUE - 64),
                    s.integer("max-value-bytes", d.maxValueBytes(), 1, Integer.MAX_VALUE - 64),
                    s.integer("max-frame-bytes", d.maxFrameBytes(), Wire.MIN_LENGTH, Integer.MAX_VALUE - 64),
                    s.integer("max-batch-items", d.maxBatchItems(), 1, Integer.MAX_VALUE),
                    s.integer("max-scan-limit", d.maxScanLimit(), 1, 1 << 24));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("limits do not fit together: " + e.getMessage());
        }
        String clusterName = s.string("cluster-name", defaultClusterName);
        String join = s.string("join", "");
        int port = s.integer("port", Wire.DEFAULT_PORT, 0, 65535);
        StorageConfig storage = StorageConfig.from(s);
        long largestRecord = (long) limits.maxKeyBytes() + limits.maxValueBytes() + 64;
        if (storage.durability().persistent() && largestRecord > io.amdb.node.persist.LogFormat.MAX_PAYLOAD) {
            throw new ConfigException("max-key-bytes + max-value-bytes = " + (largestRecord - 64) + " do not fit in one "
                    + "log record (at most " + (io.amdb.node.persist.LogFormat.MAX_PAYLOAD - 64) + " bytes) with --durability "
                    + storage.durability().label() + "; lower max-value-bytes or run with --durability none");
        }
        return new NodeConfig(host, port, http(s, port),
                shards, partitions, nodeId, limits,
                s.integer("max-connections", DEFAULT_MAX_CONNECTIONS, 1, Integer.MAX_VALUE),
                clusterName.isEmpty() ? null : clusterName,
                s.integer("cluster-port", HazelcastConfigs.DEFAULT_PORT, 1, 65535),
                join.isEmpty() ? HazelcastConfigs.defaultMembers(host) : List.of(join.split(",")),
                storage, ReplicationConfig.from(s));
    }

    /**
     * HTTP settings. The port defaults to 8080, or to 0 (any free port) when the protocol port is 0, so that
     * several nodes started with {@code --port 0} never contend for 8080; -1 disables HTTP.
     */
    private static HttpConfig http(Settings s, int port) throws ConfigException {
        int httpPort = s.integer("http-port", port == 0 ? 0 : DEFAULT_HTTP_PORT, HttpConfig.DISABLED, 65535);
        String origins = s.string("http-allowed-origins", "");
        List<String> allowed = new ArrayList<>();
        for (String origin : origins.split(",")) {
            String o = origin.trim();
            if (o.isEmpty()) {
                continue;
            }
            if (!o.matches("https?://[^/\\s]+")) {
                throw new ConfigException("http-allowed-origins: '" + o + "' (from "
                        + s.get("http-allowed-origins", "").source() + ") is not an origin like http://host:port");
            }
            allowed.add(o);
        }
        return new HttpConfig(httpPort, s.string("auth-token", ""), allowed);
    }

    /** The HTTP port (-1 when HTTP is disabled). */
    public int httpPort() {
        return http.port();
    }

    /** True when the node joins a cluster (a cluster name is set); otherwise it runs alone. */
    public boolean clustered() {
        return clusterName != null;
    }

    /** One shard per core: each shard verticle gets an event loop of its own. */
    public static int defaultShards() {
        return Math.max(1, Math.min(MAX_SHARDS, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * The built-in defaults of an embedded node: as if nothing were configured, but memory-only
     * ({@link StorageConfig#MEMORY}), as in-process clusters and tests run; the command line defaults to
     * {@code --durability async} in {@code amdb-data/}.
     */
    public static NodeConfig defaults() {
        try {
            return from(new Settings(KNOWN, java.util.Map.of(), java.util.Map.of(), new java.util.Properties(), null))
                    .withStorage(StorageConfig.MEMORY);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This config on protocol port {@code newPort}; port 0 also moves HTTP to any free port, as in {@link #from}. */
    public NodeConfig withPort(int newPort) {
        return new NodeConfig(host, newPort, newPort == 0 && http.enabled() ? http.withPort(0) : http, shards, partitions, nodeId, limits, maxConnections, clusterName, clusterPort, join, storage, replication);
    }

    public NodeConfig withShards(int newShards) {
        return new NodeConfig(host, port, http, newShards, partitions, nodeId, limits, maxConnections, clusterName, clusterPort, join, storage, replication);
    }

    public NodeConfig withLimits(Limits newLimits) {
        return new NodeConfig(host, port, http, shards, partitions, nodeId, newLimits, maxConnections, clusterName, clusterPort, join, storage, replication);
    }

    /** This config joining cluster {@code name}: Hazelcast on {@code clusterPort}, contacting {@code join}. */
    public NodeConfig withCluster(String name, String newNodeId, int newClusterPort, List<String> newJoin) {
        return new NodeConfig(host, port, http, shards, partitions, newNodeId, limits, maxConnections, name,
                newClusterPort, List.copyOf(newJoin), storage, replication);
    }

    public NodeConfig withHttp(HttpConfig newHttp) {
        return new NodeConfig(host, port, newHttp, shards, partitions, nodeId, limits, maxConnections, clusterName, clusterPort, join, storage, replication);
    }

    public NodeConfig withStorage(StorageConfig newStorage) {
        return new NodeConfig(host, port, http, shards, partitions, nodeId, limits, maxConnections, clusterName, clusterPort,
                join, newStorage, replication);
    }

    /** This config under node id {@code id} (a node on an existing data directory takes the id recorded there). */
    public NodeConfig withNodeId(String id) {
        return new NodeConfig(host, port, http, shards, partitions, id, limits, maxConnections, clusterName, clusterPort,
                join, storage, replication);
    }

    public NodeConfig withReplication(ReplicationConfig newReplication) {
        return new NodeConfig(host, port, http, shards, partitions, nodeId, limits, maxConnections, clusterName,
                clusterPort, join, storage, newReplication);
    }

    public NodeConfig withMaxConnections(int n) {
        return new NodeConfig(host, port, http, shards, partitions, nodeId, limits, n, clusterName, clusterPort, join, storage, replication);
    }
}
