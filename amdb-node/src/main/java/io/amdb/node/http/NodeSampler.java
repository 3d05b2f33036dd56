package io.amdb.node.http;

import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Set;

/**
 * Samples this node's INFO once a second: the ops/s the console charts and the values the metrics gauges
 * read (gauges must answer synchronously, INFO is asynchronous). Values are at most one period old.
 *
 * <p>Thread-safety: written on the sampling context, read from any thread through a volatile snapshot.
 */
final class NodeSampler {
    static final long PERIOD_MS = 1000;
    /** Requests that are not data operations: the sampler's own INFO must not show up as load. */
    private static final Set<String> NOT_LOAD = Set.of("ops_info", "ops_table", "ops_ping");

    private record Sample(long atNanos, long totalOps, double opsPerSecond, Map<String, String> info) {}

    private final HttpContext node;
    private volatile Sample last = new Sample(0, 0, 0, Map.of());
    private long timer = -1;

    NodeSampler(HttpContext node) {
        this.node = node;
    }

    /** Starts sampling on the calling context; the first sample is taken at once. */
    void start(Vertx vertx) {
        sample();
        timer = vertx.setPeriodic(PERIOD_MS, id -> sample());
    }

    void stop(Vertx vertx) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Data requests answered per second over the last period (binary protocol, HTTP and WebSocket). */
    double opsPerSecond() {
        return last.opsPerSecond();
    }

    /** The latest INFO fields (empty before the first sample). */
    Map<String, String> info() {
        return last.info();
    }

    /** A numeric INFO field, or NaN when the node does not report it. */
    double field(String name) {
        String v = last.info().get(name);
        try {
            return v == null ? Double.NaN : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private void sample() {
        node.execute(new Request.Info()).onSuccess(r -> {
            if (r instanceof Response.Info info) {
                long now = System.nanoTime();
                long total = 0;
                for (Map.Entry<String, String> f : info.fields().entrySet()) {
                    if (f.getKey().startsWith("ops_") && !NOT_LOAD.contains(f.getKey())) {
                        total += Long.parseLong(f.getValue());
                    }
                }
                Sample prev = last;
                double rate = prev.atNanos() == 0 ? 0 : (total - prev.totalOps()) * 1e9 / (now - prev.atNanos());
                last = new Sample(now, total, Math.max(0, rate), Map.copyOf(info.fields()));
            }
        });
    }
}
