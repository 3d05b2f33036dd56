package io.amdb.bench;

import io.amdb.client.AmDbClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One closed-loop phase: keeps {@code inFlight} requests outstanding until {@code ops} have completed, each
 * completion issuing the next request from the client's I/O thread. Latency is measured per request from
 * the call to its completion, in microseconds.
 */
final class LoadPhase {
    /** What a phase measured. */
    record Result(String name, long ops, long errors, long misses, double seconds, Histogram latencyMicros) {
        double opsPerSecond() {
            return ops / seconds;
        }

        String summary() {
            return String.format("%s ops/s=%d p50_us=%d p99_us=%d p999_us=%d", name, Math.round(opsPerSecond()),
                    latencyMicros.getValueAtPercentile(50), latencyMicros.getValueAtPercentile(99),
                    latencyMicros.getValueAtPercentile(99.9));
        }
    }

    enum Op { PUT, GET }

    private final AmDbClient client;
    private final Workload workload;
    private final Op op;
    private final Recorder recorder = new Recorder(3);
    private final AtomicLong nextIndex = new AtomicLong();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);

    LoadPhase(AmDbClient client, Workload workload, Op op) {
        this.client = client;
        this.workload = workload;
        this.op = op;
    }

    Result run(int inFlight, boolean showProgress) throws InterruptedException {
        long ops = workload.ops();
        long start = System.nanoTime();
        try (Progress ignored = new Progress(op.name(), ops, completed, showProgress)) {
            for (int i = 0; i < Math.min(inFlight, ops); i++) {
                issueNext();
            }
            if (ops == 0 || (firstError.get() != null && completed.get() == started.get())) {
                finished.countDown();
            }
            if (!finished.await(30, TimeUnit.MINUTES)) {
                throw new IllegalStateException(op + " phase did not finish");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (firstError.get() != null) {
            throw new IllegalStateException(op + " failed after " + completed.get() + " ops: " + firstError.get(),
                    firstError.get());
        }
        return new Result(op.name(), completed.get(), errors.get(), misses.get(), seconds,
                recorder.getIntervalHistogram());
    }

    /**
     * Issues one request if any remain; returns false when none was issued. Stops issuing after the first
     * error, so a dead node ends the phase instead of failing a million requests.
     */
    private boolean issueNext() {
        if (firstError.get() != null) {
            return false;
        }
        long n = nextIndex.getAndIncrement();
        if (n >= workload.ops()) {
            return false;
        }
        started.incrementAndGet();
        byte[] key = workload.key((int) n);
        long t0 = System.nanoTime();
        CompletableFuture<?> f = op == Op.PUT ? client.put(key, workload.value) : client.get(key);
        f.whenComplete((value, error) -> {
            recorder.recordValue(Math.max(0, (System.nanoTime() - t0) / 1000));
            if (error != null) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, error);
            } else if (op == Op.GET && value == null) {
                misses.incrementAndGet();
            }
            long done = completed.incrementAndGet();
            if (!issueNext() && done == started.get()) {
                finished.countDown();
            }
        });
        return true;
    }
}
