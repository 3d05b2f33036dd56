package io.amdb.node.http;

import io.amdb.protocol.Opcode;
import io.amdb.protocol.PartitionTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The node's Prometheus registry: Vert.x's own meters (HTTP server, verticles, pools, JVM) plus AmDb's,
 * named {@code amdb_*} (docs/HTTP.md, "Metrics", lists them). Thread-safe.
 *
 * <p>Cost on the hot path: the binary protocol records one latency sample per network read into a timer
 * picked from an array by opcode, with fixed buckets: no allocation, no map lookup. Vert.x's event-bus and
 * TCP-server meters are off, since shards exchange millions of local messages per second.
 */
public final class NodeMetrics {
    /** Histogram buckets for request latency (Prometheus {@code le} labels). */
    private static final Duration[] BUCKETS = {Duration.ofNanos(50_000), Duration.ofNanos(100_000),
            Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer[] protocolLatency = new Timer[256];
    private final Map<String, Timer> apiLatency = new ConcurrentHashMap<>();
    private final Counter slowConsumers;

    public NodeMetrics() {
        for (Opcode op : Opcode.values()) {
            protocolLatency[op.code()] = latencyTimer("protocol", op.name().toLowerCase(Locale.ROOT));
        }
        slowConsumers = Counter.builder("amdb.watch.slow.consumers")
                .description("WebSocket connections closed because a watch buffer filled").register(registry);
    }

    /** The options that turn Vert.x metrics on, into this registry; give both to the Vert.x builder. */
    public MicrometerMetricsOptions vertxOptions() {
        return new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
                .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
                .addDisabledMetricsCategory(MetricsDomain.NET_SERVER);
    }

    public MicrometerMetricsFactory vertxFactory() {
        return new MicrometerMetricsFactory(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Records a binary-protocol latency; opcodes outside the catalogue are ignored. Allocation-free. */
    public void recordProtocol(int opcode, long nanos) {
        Timer t = protocolLatency[opcode & 0xFF];
        if (t != null) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Records an HTTP or WebSocket request's latency; {@code op} comes from a fixed set (no label explosion). */
    void recordApi(String api, String op, long nanos) {
        apiLatency.computeIfAbsent(api + ' ' + op, k -> latencyTimer(api, op)).record(nanos, TimeUnit.NANOSECONDS);
    }

    void countSlowConsumer() {
        slowConsumers.increment();
    }

    /** Registers the gauges that read the node: INFO-derived ones through the sampler, table ones directly. */
    void bind(HttpContext node, NodeSampler sampler, WatchRegistry watches) {
        String self = node.config().nodeId();
        for (Opcode op : Opcode.values()) {
            String field = "ops_" + op.name().toLowerCase(Locale.ROOT);
            FunctionCounter.builder("amdb.operations", sampler, s -> s.field(field))
                    .description("Requests answered, all APIs (sampled each second)")
                    .tag("op", op.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        gauge("amdb.keys", "Keys stored on this node", sampler, s -> s.field("keys"));
        gauge("amdb.memory.bytes", "Bytes of keys, values and index on this node", sampler, s -> s.field("memory_bytes"));
        gauge("amdb.ops.per.second", "Data requests answered per second", sampler, NodeSampler::opsPerSecond);
        gauge("amdb.partitions.owned", "Partitions this node serves", node, n -> tableValue(n, t -> t.partitionsOf(self).length));
        gauge("amdb.partitions.lost", "Partitions whose owner died before handing them off", node,
                n -> tableValue(n, PartitionTable::lostPartitions));
        gauge("amdb.partitions.backup", "Partitions this node keeps a backup of, in sync or not", node,
                n -> tableValue(n, t -> t.backupPartitionsOf(self).length));
        gauge("amdb.partitions.under.replicated", "Partitions with fewer in-sync copies than the replication factor",
                node, n -> tableValue(n, PartitionTable::underReplicated));
        gauge("amdb.cluster.members", "Members in the partition table", node, n -> tableValue(n, t -> t.members().size()));
        gauge("amdb.table.epoch", "Epoch of the partition table", node, n -> tableValue(n, PartitionTable::epoch));
        gauge("amdb.migrations.in.flight", "Partition moves in the table", node, n -> tableValue(n, t -> t.migrations().size()));
        for (String f : io.amdb.node.persist.StorageInfo.NUMERIC) {
            gauge("amdb." + f.replace('_', '.'), "INFO " + f + " (docs/STORAGE.md; NaN when memory-only)", sampler,
                    s -> s.field(f));
        }
        for (String f : ClusterView.MIGRATION_FIELDS) {
            if (f.startsWith("migration")) {
                gauge("amdb." + f.replace('_', '.'), "INFO " + f + " (NaN until the node reports it)", sampler, s -> s.field(f));
            }
        }
        for (String f : io.amdb.node.replicate.CopyStats.FIELDS) {
            gauge("amdb." + f.replace('_', '.'), "INFO " + f + " (docs/REPLICATION.md, \"Re-replication\")", sampler,
                    s -> s.field(f));
        }
        gauge("amdb.ws.connections", "Open WebSocket connections", watches, WatchRegistry::connections);
        gauge("amdb.watches", "Active watches", watches, WatchRegistry::size);
    }

    private <T> void gauge(String name, String description, T target, ToDoubleFunction<T> value) {
        Gauge.builder(name, target, value).description(description).register(registry);
    }

    private static double tableValue(HttpContext node, ToDoubleFunction<PartitionTable> f) {
        PartitionTable t = node.currentTable();
        return t == null ? Double.NaN : f.applyAsDouble(t);
    }

    private Timer latencyTimer(String api, String op) {
        return Timer.builder("amdb.request.duration").description("Time to answer a request")
                .tag("api", api).tag("op", op).serviceLevelObjectives(BUCKETS).register(registry);
    }
}
