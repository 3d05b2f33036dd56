package io.amdb.chaos;

import io.amdb.chaos.check.Anomalies;
import io.amdb.chaos.check.CheckResult;
import io.amdb.chaos.check.KeyResult;
import io.amdb.chaos.check.LinearizabilityChecker;
import io.amdb.chaos.check.Op;
import io.amdb.chaos.check.Verdict;
import io.amdb.client.AmDbClient;
import io.amdb.client.ClientOptions;
import io.amdb.protocol.Partitioner;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./amdb chaos}: Jepsen in miniature. Starts a cluster of node JVMs, runs the {@link Workload} against it
 * while the {@link Nemesis} injects faults, heals everything, reads every key once more, and checks the history:
 * per key linearizability ({@link LinearizabilityChecker}) and counts of lost acknowledged writes and stale reads
 * ({@link Anomalies}). Prints a report; exits 0 when the history is linearizable, 1 on any violation or anomaly,
 * 2 on bad flags, 3 when the harness itself failed (a node did not start, the cluster did not settle, the check
 * ran out of budget). See docs/REPLICATION.md, "Checking it".
 */
@Command(name = "amdb chaos", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs a cluster of AmDb node processes under faults with a read/write/CAS workload, then checks "
                + "that the history is linearizable and that no acknowledged write was lost.")
public final class ChaosMain implements Callable<Integer> {
    @Option(names = "--nodes", paramLabel = "N", description = "Nodes at the start (default ${DEFAULT-VALUE}).")
    int nodes = 3;

    @Option(names = "--seconds", paramLabel = "S", description = "How long faults and the workload run "
            + "(default ${DEFAULT-VALUE}).")
    int seconds = 60;

    @Option(names = "--faults", split = ",", paramLabel = "F,…", description = "Faults to inject, from kill, pause, "
            + "restart, join, leave, partition (default: all; partition runs the nodes in network namespaces, which "
            + "needs root, iproute2 and iptables).")
    List<String> faults = List.of("kill", "pause", "restart", "join", "leave", "partition");

    @Option(names = "--workers", paramLabel = "W", description = "Client threads (default ${DEFAULT-VALUE}).")
    int workers = 6;

    @Option(names = "--replication-factor", paramLabel = "R", description = "Copies of each partition "
            + "(default ${DEFAULT-VALUE}).")
    int replicationFactor = 2;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the workload and the nemesis (default: "
            + "random, printed).")
    Long seed;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the nodes' data and output go (default: "
            + "a new temporary directory, deleted after a clean run).")
    Path workDir;

    @Option(names = "--keep", description = "Keep the work directory (node output, data) even after a clean run.")
    boolean keep;

    @Option(names = "--request-timeout-ms", paramLabel = "MS", description = "The workload's request timeout "
            + "(default ${DEFAULT-VALUE}).")
    long requestTimeoutMs = 10_000;

    @Option(names = "--max-steps-per-key", paramLabel = "N", description = "The checker's search budget per key "
            + "(default ${DEFAULT-VALUE}).")
    long maxStepsPerKey = 50_000_000;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChaosMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (String f : faults) {
            if (!Nemesis.FAULTS.contains(f)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown fault '" + f + "'; known: "
                        + Nemesis.FAULTS);
            }
        }
        if (nodes < replicationFactor || nodes < 2 || seconds < 1 || workers < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "need --nodes ≥ 2 and ≥ --replication-factor, --seconds ≥ 1, --workers ≥ 1");
        }
        long runSeed = seed != null ? seed : System.nanoTime();
        Path root = Path.of(System.getProperty("amdb.root", ".")).toAbsolutePath().normalize();
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("amdb-chaos-");
        out.printf("chaos: seed %d (replay with --seed %d), %d nodes, R=%d, %d s, faults %s, %d workers, work dir %s%n",
                runSeed, runSeed, nodes, replicationFactor, seconds, faults, workers, work);
        int slots = nodes + 2;
        NetNamespaces net;
        try {
            net = faults.contains("partition") ? NetNamespaces.create(slots) : null;
        } catch (AssertionError e) {
            out.println("chaos: the partition fault needs network namespaces: " + e.getMessage()
                    + "; run as root, or leave partition out of --faults");
            return 3;
        }
        NodeSet set = new NodeSet(root, work, "amdb-chaos-" + UUID.randomUUID(), replicationFactor, freePorts(slots), net,
                slots);
        boolean clean = false;
        // Killed or interrupted (SIGTERM, Ctrl-C, a CI timeout): the nodes and namespaces still go, the data stays.
        Thread onExit = new Thread(() -> {
            try {
                set.close(true);
            } catch (Exception e) {
                out.println("chaos: cleaning up on exit failed: " + e);
            }
        }, "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(onExit);
        try {
            clean = run(set, runSeed);
            return clean ? 0 : 1;
        } catch (Exception e) {
            out.println("chaos: HARNESS FAILURE: " + e);
            for (NodeSet.Node n : set.nodes()) {
                out.println("--- " + n + " (last output) ---\n" + NodeSet.tail(n));
            }
            for (NodeSet.Node n : set.nodes()) {
                out.println("--- " + n + " state: " + (n.running() ? NodeSet.state(n) : "not running"));
            }
            return 3;
        } finally {
            set.close(keep || !clean);
            if (keep || !clean) {
                out.println("chaos: node output and data kept in " + work);
            }
        }
    }

    /** A failed check quotes the partition trace of this many of its keys, this many lines per node process. */
    private static final int MAX_KEYS_TRACED = 3;
    private static final int TRACE_LINES_PER_PROCESS = 80;
    /** Operations of a failed key listed in the report, the latest ones. */
    private static final int MAX_OPS_LISTED = 300;

    private boolean run(NodeSet set, long runSeed) throws Exception {
        for (int i = 0; i < nodes; i++) {
            set.add();
        }
        ClientOptions options = ClientOptions.builder().requestTimeout(Duration.ofMillis(requestTimeoutMs)).build();
        long t0 = System.nanoTime();
        // Operations carry this process's nanoTime; the nodes' trace carries wall-clock time.
        out.printf("chaos: clock: nanoTime %d is %s%n", t0, java.time.LocalDateTime.now());
        try (AmDbClient client = AmDbClient.connect(set.seeds(), options)) {
            Workload workload = new Workload(client, workers, runSeed, requestTimeoutMs);
            Nemesis nemesis = new Nemesis(set, client, workload, faults, runSeed + 1, nodes, out, t0);
            nemesis.settle();
            workload.start();
            try {
                nemesis.run(t0 + TimeUnit.SECONDS.toNanos(seconds));
            } finally {
                workload.stop();
            }
            nemesis.settle();
            List<Op> history = new ArrayList<>(workload.history());
            List<String> keys = workload.keys();
            int unread = finalReads(workload, keys, history);
            if (unread > 0) {
                throw new IllegalStateException(unread + " keys could not be read after healing");
            }
            return report(set, history, keys.size(), nemesis.injected().size(), (System.nanoTime() - t0) / 1e9);
        }
    }

    /** Reads every key once more (retrying refusals, bounded); returns how many could not be read. */
    private int finalReads(Workload workload, List<String> keys, List<Op> history) throws InterruptedException {
        int unread = 0;
        for (String key : keys) {
            Op read = null;
            for (int attempt = 0; attempt < 20 && (read == null || read.outcome() != Op.Outcome.OK); attempt++) {
                if (read != null) {
                    TimeUnit.MILLISECONDS.sleep(250); // a refused read is asked again, bounded
                }
                read = workload.finalRead(key);
            }
            if (read.outcome() == Op.Outcome.OK) {
                history.add(read);
            } else {
                unread++;
            }
        }
        return unread;
    }

    private boolean report(NodeSet set, List<Op> history, int keys, int faultsInjected, double seconds) {
        Map<String, Long> counts = history.stream().collect(Collectors.groupingBy(
                op -> op.kind() + " " + op.outcome(), TreeMap::new, Collectors.counting()));
        out.printf("chaos: %d operations on %d keys in %.0f s, %d faults; %s%n", history.size(), keys, seconds,
                faultsInjected, counts);
        long checkStart = System.nanoTime();
        CheckResult result = new LinearizabilityChecker(maxStepsPerKey).check(history);
        Anomalies anomalies = Anomalies.find(history);
        out.printf("chaos: checked %d keys in %.1f s: %s%n", result.keys().size(), (System.nanoTime() - checkStart) / 1e9,
                result.verdict());
        for (KeyResult k : result.keysWith(Verdict.VIOLATION)) {
            out.println("chaos: VIOLATION " + k);
        }
        for (KeyResult k : result.keysWith(Verdict.UNKNOWN)) {
            out.println("chaos: NOT DECIDED (search budget) " + k);
        }
        anomalies.lostWrites().forEach(op -> out.println("chaos: LOST WRITE " + op));
        anomalies.staleReads().forEach(op -> out.println("chaos: STALE READ " + op));
        anomalies.unwrittenReads().forEach(op -> out.println("chaos: READ OF A VALUE NEVER WRITTEN " + op));
        java.util.Set<String> failed = new java.util.TreeSet<>();
        result.keysWith(Verdict.VIOLATION).forEach(k -> failed.add(k.key()));
        java.util.stream.Stream.of(anomalies.lostWrites(), anomalies.staleReads(), anomalies.unwrittenReads())
                .flatMap(List::stream).forEach(op -> failed.add(op.key()));
        Partitioner partitioner = new Partitioner(Partitioner.DEFAULT_PARTITIONS);
        for (String key : failed.stream().limit(MAX_KEYS_TRACED).toList()) {
            int partition = partitioner.partition(Workload.bytes(key));
            List<Op> ops = history.stream().filter(op -> op.key().equals(key))
                    .sorted(java.util.Comparator.comparingLong(Op::invokeNanos)).toList();
            out.println("chaos: key " + key + ": its " + ops.size() + " operations by invocation"
                    + (ops.size() > MAX_OPS_LISTED ? ", the last " + MAX_OPS_LISTED : "") + ":");
            ops.subList(Math.max(0, ops.size() - MAX_OPS_LISTED), ops.size()).forEach(op -> out.println("  " + op));
            out.println("chaos: key " + key + " is in partition " + partition + "; what the nodes did with it:");
            set.trace(partition, TRACE_LINES_PER_PROCESS).forEach(line -> out.println("  " + line));
        }
        out.printf("chaos: RESULT %s: %d linearizability violations, %d lost acknowledged writes, %d stale reads, "
                        + "%d undecided keys%n",
                result.verdict() == Verdict.OK && anomalies.total() == 0 ? "PASS" : "FAIL",
                result.keysWith(Verdict.VIOLATION).size(), anomalies.lostWrites().size(),
                anomalies.staleReads().size(), result.keysWith(Verdict.UNKNOWN).size());
        if (result.verdict() == Verdict.UNKNOWN && anomalies.total() == 0) {
            throw new IllegalStateException("the checker ran out of budget on "
                    + result.keysWith(Verdict.UNKNOWN).size() + " keys; raise --max-steps-per-key");
        }
        return result.verdict() == Verdict.OK && anomalies.total() == 0;
    }

    /** {@code n} distinct free ports (bound once to find them, then released). */
    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }
}
