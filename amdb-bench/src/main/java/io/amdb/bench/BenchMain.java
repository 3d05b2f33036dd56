package io.amdb.bench;

import io.amdb.client.AmDbClient;
import io.amdb.client.ClientOptions;
import io.amdb.protocol.Wire;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./amdb bench}: PUT then GET over random keys against a running node through the native client (or
 * the JDBC driver, {@code --via jdbc}: see {@link JdbcPhase}), then the in-process storage baseline. Summary
 * lines on stdout, one per phase, in a fixed form that scripts parse:
 * {@code PUT ops/s=<n> p50_us=<n> p99_us=<n> p999_us=<n>}.
 */
@Command(name = "amdb bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Loads a running AmDb node with PUT then GET over random keys and prints ops/s and "
                + "latency percentiles, then an in-process baseline (AmDb's skip list vs the JDK's "
                + "ConcurrentSkipListMap on the same keys, one thread).")
public final class BenchMain implements Callable<Integer> {
    @Option(names = "--host", description = "Node address (default ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String host;
    @Option(names = "--port", description = "Node protocol port (default ${DEFAULT-VALUE}).", defaultValue = "" + Wire.DEFAULT_PORT)
    int port;
    @Option(names = "--ops", description = "Operations per phase (default ${DEFAULT-VALUE}).", defaultValue = "1000000")
    int ops;
    @Option(names = "--value-size", paramLabel = "B", description = "Value bytes (default ${DEFAULT-VALUE}).", defaultValue = "100")
    int valueSize;
    @Option(names = "--connections", paramLabel = "C", description = "TCP connections (default ${DEFAULT-VALUE}).", defaultValue = "4")
    int connections;
    @Option(names = "--pipeline", paramLabel = "W", description = "Requests in flight per connection (default ${DEFAULT-VALUE}).", defaultValue = "128")
    int pipeline;
    @Option(names = "--keys", paramLabel = "K", description = "Distinct keys (default: --ops).")
    Integer keys;
    @Option(names = "--distinct", description = "The PUT phase writes every key once (a load of exactly --keys keys, "
            + "in random order) before drawing keys at random.")
    boolean distinct;
    @Option(names = "--seed", description = "Seed of the key order (default ${DEFAULT-VALUE}).", defaultValue = "1")
    long seed;
    @Option(names = "--warmup", paramLabel = "N", description = "Unmeasured PUT and GET operations first, on "
            + "separate keys, so both JVMs' JIT compilers are done before measuring (default ${DEFAULT-VALUE}).",
            defaultValue = "300000")
    int warmup;
    @Option(names = "--no-baseline", description = "Skip the in-process storage baseline.")
    boolean noBaseline;
    @Option(names = "--via", paramLabel = "native|jdbc|both", defaultValue = "native", description = "Client to load "
            + "the node with (default ${DEFAULT-VALUE}). native: the pipelined client, one request per op. jdbc: the "
            + "JDBC driver, one thread and connection per --connections, each running statements of "
            + JdbcPhase.ROWS + " rows back to back (PUT: a PreparedStatement batch of INSERT; GET: SELECT ... WHERE "
            + "k IN with " + JdbcPhase.ROWS + " parameters); --pipeline is unused. With jdbc, ops/s counts rows and "
            + "the latency percentiles are per statement of " + JdbcPhase.ROWS + " rows, not per row. both: native, "
            + "then jdbc on its own keys, then a RATIO jdbc/native line.")
    String via;

    private final PrintStream out;

    public BenchMain() {
        this(System.out);
    }

    BenchMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int keyCount = keys != null ? keys : ops;
        if (ops < 1 || keyCount < 1 || valueSize < 0 || connections < 1 || pipeline < 1 || warmup < 0) {
            System.err.println("amdb bench: --ops, --keys, --connections and --pipeline must be positive, "
                    + "--value-size and --warmup >= 0");
            return 2;
        }
        if (!List.of("native", "jdbc", "both").contains(via)) {
            System.err.println("amdb bench: --via must be native, jdbc or both, not '" + via + "'");
            return 2;
        }
        Workload workload = new Workload("key:", keyCount, ops, valueSize, seed, distinct);
        try {
            List<LoadPhase.Result> nativeResults = via.equals("jdbc") ? List.of() : viaNative(workload, keyCount);
            // With both, JDBC writes its own keys, so its PUTs insert as the native ones did instead of overwriting.
            Workload jdbcWorkload = via.equals("both") ? new Workload("jkey:", keyCount, ops, valueSize, seed) : workload;
            List<LoadPhase.Result> jdbcResults = via.equals("native") ? List.of() : viaJdbc(jdbcWorkload, keyCount);
            if (via.equals("both")) {
                out.printf("RATIO jdbc/native PUT=%.2f GET=%.2f%n",
                        jdbcResults.get(0).opsPerSecond() / nativeResults.get(0).opsPerSecond(),
                        jdbcResults.get(1).opsPerSecond() / nativeResults.get(1).opsPerSecond());
            }
        } catch (Exception e) {
            System.err.println("amdb bench: " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("connect")
                    ? "\n  is a node running? start one with: ./amdb start" : ""));
            return 1;
        }
        if (!noBaseline) {
            out.println(StorageBaseline.run(workload).summary());
        }
        out.flush();
        return 0;
    }

    /** The pipelined native client: one request per operation, {@code connections x pipeline} in flight. */
    private List<LoadPhase.Result> viaNative(Workload workload, int keyCount) throws Exception {
        int inFlight = connections * pipeline;
        out.printf("amdb bench: %s:%d ops=%d keys=%d value-size=%d connections=%d pipeline=%d (in flight %d) "
                + "warmup=%d seed=%d%n", host, port, ops, keyCount, valueSize, connections, pipeline, inFlight, warmup, seed);
        ClientOptions options = ClientOptions.builder().connectionsPerNode(connections).maxInFlight(inFlight).build();
        boolean progress = System.console() != null;
        try (AmDbClient client = AmDbClient.connect(host, port, options)) {
            if (warmup > 0) {
                Workload warm = new Workload("warmup:", Math.min(warmup, keyCount), warmup, valueSize, seed);
                for (LoadPhase.Op op : LoadPhase.Op.values()) {
                    new LoadPhase(client, warm, op).run(inFlight, progress);
                }
            }
            List<LoadPhase.Result> results = new ArrayList<>();
            for (LoadPhase.Op op : LoadPhase.Op.values()) {
                results.add(report(new LoadPhase(client, workload, op).run(inFlight, progress)));
            }
            return results;
        }
    }

    /** The JDBC driver: the same phases and summary lines (see {@link JdbcPhase}). */
    private List<LoadPhase.Result> viaJdbc(Workload workload, int keyCount) throws Exception {
        String url = "jdbc:amdb://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        out.printf("amdb bench: %s ops=%d keys=%d value-size=%d via=jdbc threads=%d (one connection each) "
                + "rows-per-statement=%d warmup=%d seed=%d%n", url, ops, keyCount, valueSize, connections, JdbcPhase.ROWS,
                warmup, seed);
        boolean progress = System.console() != null;
        if (warmup > 0) {
            Workload warm = new Workload("warmup:", Math.min(warmup, keyCount), warmup, valueSize, seed);
            for (LoadPhase.Op op : LoadPhase.Op.values()) {
                new JdbcPhase(url, warm, op).run(connections, progress);
            }
        }
        List<LoadPhase.Result> results = new ArrayList<>();
        for (LoadPhase.Op op : LoadPhase.Op.values()) {
            results.add(report(new JdbcPhase(url, workload, op).run(connections, progress)));
        }
        return results;
    }

    private LoadPhase.Result report(LoadPhase.Result r) {
        out.println(r.summary());
        if (r.misses() > 0) {
            out.printf("%s misses=%d (keys not found)%n", r.name(), r.misses());
        }
        return r;
    }
}
