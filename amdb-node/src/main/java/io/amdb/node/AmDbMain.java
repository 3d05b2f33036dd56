package io.amdb.node;

import io.amdb.node.config.ConfigException;
import io.amdb.node.config.NodeConfig;
import io.amdb.node.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code amdb start}: runs one node until SIGTERM or Ctrl-C, then stops gracefully and exits 0.
 *
 * <p>Every option is also an {@code AMDB_*} environment variable and a config-file key; precedence is
 * flag &gt; environment &gt; file &gt; default ({@link Settings}). Exit codes: 0 stopped cleanly, 1 failed
 * to start, 2 bad usage or configuration.
 */
@Command(name = "amdb start", mixinStandardHelpOptions = true, versionProvider = AmDbMain.VersionProvider.class,
        description = "Runs an AmDb node. Each option may also be given as an AMDB_* environment variable "
                + "(e.g. AMDB_PORT) or a key in the --config properties file (e.g. port=7070).",
        sortOptions = false)
public final class AmDbMain implements Callable<Integer> {
    private static final long STOP_TIMEOUT_SECONDS = 10;
    /** How long SIGTERM waits for this node's partitions to move to the others before it stops anyway. */
    private static final long LEAVE_TIMEOUT_SECONDS = 120;
    static final String DEFAULT_CLUSTER = "amdb";
    /** Ports tried after the default protocol port when it is taken and no port was configured. */
    static final int PORT_FALLBACKS = 20;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (default 127.0.0.1).")
    String host;
    @Option(names = "--port", paramLabel = "PORT", description = "Protocol port (default 7070; 0 = any free port).")
    String port;
    @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP/WebSocket API and console port "
            + "(default 8080, or any free port when --port is 0; 0 = any free port; -1 = no HTTP).")
    String httpPort;
    @Option(names = "--auth-token", paramLabel = "TOKEN", description = "Require this bearer token on HTTP /v1 calls, "
            + "/metrics and WebSocket handshakes (default: none).")
    String authToken;
    @Option(names = "--http-allowed-origins", paramLabel = "ORIGIN,...", description = "Browser origins allowed to "
            + "use the API (default: the node's own, http://127.0.0.1:<http-port> and http://localhost:<http-port>).")
    String httpAllowedOrigins;
    @Option(names = "--shards", paramLabel = "N", description = "Shard verticles, one per event loop (default: cores).")
    String shards;
    @Option(names = "--partitions", paramLabel = "P", description = "Partitions, a power of two (default 1024).")
    String partitions;
    @Option(names = "--node-id", paramLabel = "ID", description = "This node's name (default: node-<random>).")
    String nodeId;
    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings (env AMDB_CONFIG).")
    String configFile;
    @Option(names = "--max-key-bytes", paramLabel = "N", description = "Longest key (default 16384).")
    String maxKeyBytes;
    @Option(names = "--max-value-bytes", paramLabel = "N", description = "Longest value (default 8388608).")
    String maxValueBytes;
    @Option(names = "--max-frame-bytes", paramLabel = "N", description = "Largest frame (default 67108864).")
    String maxFrameBytes;
    @Option(names = "--max-batch-items", paramLabel = "N", description = "Most items per BATCH/MGET (default 100000).")
    String maxBatchItems;
    @Option(names = "--max-scan-limit", paramLabel = "N", description = "Most entries per SCAN page (default 10000).")
    String maxScanLimit;
    @Option(names = "--max-connections", paramLabel = "N", description = "Most client connections (default 10000).")
    String maxConnections;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where this node keeps its data (default "
            + "amdb-data/node-<port> under the working directory; one directory per node).")
    String dataDir;
    @Option(names = "--durability", paramLabel = "MODE", description = "async (default): acknowledged once written to "
            + "the OS, fsynced every --fsync-interval-ms; sync: acknowledged after a group-commit fsync; none: memory "
            + "only, nothing survives a restart.")
    String durability;
    @Option(names = "--fsync-interval-ms", paramLabel = "MS", description = "In async mode, the longest a write waits "
            + "for an fsync: what a power loss can cost (default 20).")
    String fsyncIntervalMs;
    @Option(names = "--recover", paramLabel = "MODE", description = "strict (default): refuse to start on a corrupt "
            + "log; truncate: keep what precedes the corruption and drop the rest.")
    String recover;
    @Option(names = "--replication-factor", paramLabel = "R", description = "Copies of each partition a new cluster "
            + "keeps, its primary included, on distinct nodes (1-7, default 2; a cluster of fewer nodes keeps what it "
            + "can and says so). Taken from the founding node; a joining node follows the cluster's.")
    String replicationFactor;
    @Option(names = "--min-in-sync", paramLabel = "M", description = "A primary refuses writes while fewer than M "
            + "copies of the partition are in sync (1-R, default 1). Taken from the founding node.")
    String minInSync;
    @Option(names = "--rack", paramLabel = "NAME", description = "This node's rack or host group: copies of one "
            + "partition go to distinct racks when the members name enough of them (default: none).")
    String rack;
    @Option(names = "--replication-copy-mb-per-s", paramLabel = "MB", description = "Most MB/s (10^6 bytes) this node "
            + "spends copying partitions to new backups (0, the default: no limit). Writes streamed to backups are "
            + "never limited.")
    String replicationCopyMbPerS;
    @Option(names = "--replication-backlog-mb", paramLabel = "MB", description = "MB (10^6 bytes) of recent changes "
            + "this node keeps, split among its shards, to bring a backup that fell behind or restarted up to date "
            + "instead of copying its partitions anew (default 64).")
    String replicationBacklogMb;
    @Option(names = "--cluster-name", paramLabel = "NAME", description = "Join the AmDb cluster of this name "
            + "(default: " + DEFAULT_CLUSTER + "; nodes started on one machine find each other with no flags).")
    String clusterName;
    @Option(names = "--standalone", description = "Run alone: no cluster, no Hazelcast.")
    boolean standalone;
    @Option(names = "--cluster-port", paramLabel = "PORT", description = "First Hazelcast port to try (default 5701).")
    String clusterPort;
    @Option(names = "--join", paramLabel = "HOST:PORT,...", description = "Hazelcast members to contact "
            + "(default: 127.0.0.1:5701 to 127.0.0.1:5710).")
    String join;

    public static void main(String[] args) {
        Logging.quiet();
        int code = new CommandLine(new AmDbMain()).execute(args); // invalid usage exits 2
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        NodeConfig config;
        try {
            Settings settings = settings();
            config = NodeConfig.from(settings, standalone ? "" : DEFAULT_CLUSTER);
            // A second node on one machine needs no flags: unconfigured default ports that are taken fall back
            // to the next free ones (the ready line prints them).
            if (settings.get("port", "").source().equals("default")) {
                config = config.withPort(firstFreePort(config.host(), config.port()));
            }
            if (settings.get("http-port", "").source().equals("default") && config.http().port() > 0) {
                config = config.withHttp(config.http().withPort(firstFreePort(config.host(), config.http().port())));
            }
        } catch (ConfigException e) {
            System.err.println("amdb: " + e.getMessage());
            return 2;
        }
        AmDbNode node;
        try {
            node = AmDbNode.start(config).await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("amdb: node failed to start on " + config.host() + ":" + config.port() + ": " + e.getMessage());
            return 1;
        }
        config = node.config(); // the node id recorded in the data directory, if it was not configured
        node.onFatal(message -> {
            System.err.flush();
            Runtime.getRuntime().halt(1);
        });
        if (node.storage() != null) {
            System.out.println("AmDb node " + config.nodeId() + " " + node.storage().summary().describe());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopOnSignal(node, stopped), "amdb-shutdown"));
        String where = config.host() + ":" + node.port();
        // Formatted first and written in one piece: printf writes each piece on its own, and a log line written to
        // the same file (stderr, when both are redirected there) could land inside this one.
        System.out.println(String.format(
                "AmDb %s node %s ready on %s (jdbc:amdb://%s)%s, %d shards, %d partitions, %s%s", Version.VERSION,
                node.config().nodeId(), where, where,
                node.httpPort() < 0 ? "" : ", console http://" + config.host() + ":" + node.httpPort() + "/",
                config.shards(), config.partitions(), storageLine(node) + ", " + replicationLine(node.table()),
                config.clustered() ? ", cluster " + config.clusterName() + " (members=" + node.table().members().size()
                        + ", table epoch " + node.table().epoch() + ", " + consensusLine(node.table().members().size())
                        + ")" : ""));
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** "replication 2 (min in-sync 1)", and how many partitions lack copies when some do. */
    static String replicationLine(io.amdb.protocol.PartitionTable table) {
        String line = "replication " + table.replicationFactor() + " (min in-sync " + table.replicaSets().minInSync() + ")";
        int under = table.underReplicated();
        return under == 0 ? line : line + ", " + under + " of " + table.partitions() + " partitions under-replicated";
    }

    /** What the table log's quorum survives at this size (docs/CLUSTER.md, "Table consensus"). */
    static String consensusLine(int members) {
        int voters = io.amdb.node.consensus.VoterPlan.voterCount(members);
        if (voters == 1) {
            return "table log: 1 voter, no quorum of 3 (while it is down the table cannot change)";
        }
        return "table log: " + voters + " voters (survives " + (voters - 1) / 2 + " down)";
    }

    /** "durability async, data in DIR" or "durability none (memory only: a restart loses every key)". */
    private static String storageLine(AmDbNode node) {
        if (node.storage() == null) {
            return "durability none (memory only: a restart loses every key)";
        }
        return "durability " + node.storage().mode().label() + ", data in " + node.storage().dir().root().toAbsolutePath();
    }

    /**
     * Runs on SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close, and exit 0. The JVM
     * would report 143 for a signal; a clean, completed shutdown is a success, so the hook halts with 0.
     */
    private static void stopOnSignal(AmDbNode node, CountDownLatch stopped) {
        int status = 0;
        try {
            if (node.config().clustered()) {
                System.out.println("AmDb node " + node.config().nodeId() + " leaving: handing its partitions off");
                System.out.flush();
            }
            node.leave(TimeUnit.SECONDS.toMillis(LEAVE_TIMEOUT_SECONDS))
                    .await(LEAVE_TIMEOUT_SECONDS + STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            System.out.println("AmDb node " + node.config().nodeId() + " stopped");
        } catch (Exception e) {
            System.err.println("amdb: unclean stop: " + e);
            status = 1;
        }
        System.out.flush();
        stopped.countDown();
        Runtime.getRuntime().halt(status);
    }

    /**
     * {@code port} if it is free on {@code host}, else the next free one of the {@link #PORT_FALLBACKS} after
     * it (so a second node on one machine needs no flags); the ready line prints the port chosen.
     */
    private static int firstFreePort(String host, int port) {
        for (int p = port; p <= Math.min(65535, port + PORT_FALLBACKS); p++) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket(p, 1, java.net.InetAddress.getByName(host))) {
                return p;
            } catch (java.io.IOException taken) {
                // try the next one
            }
        }
        return port; // all taken: let the bind fail and say so
    }

    private Settings settings() throws ConfigException {
        Map<String, String> flags = new HashMap<>();
        for (OptionSpec option : spec.options()) {
            Object value = option.getValue();
            if (value instanceof String text && !option.longestName().equals("--config")) {
                flags.put(option.longestName().substring(2), text);
            }
        }
        String file = configFile != null ? configFile : System.getenv(Settings.envName("config"));
        return new Settings(NodeConfig.KNOWN, flags, System.getenv(), load(file), file);
    }

    private static Properties load(String file) throws ConfigException {
        Properties props = new Properties();
        if (file != null) {
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                props.load(in);
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + e);
            }
        }
        return props;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"AmDb " + Version.VERSION};
        }
    }
}
