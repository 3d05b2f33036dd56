package io.amdb.bench;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress bar on stderr, redrawn five times a second while a phase runs. Drawn only on an interactive
 * terminal, so piped output stays clean.
 */
final class Progress implements AutoCloseable {
    private static final int WIDTH = 30;
    private final String label;
    private final long total;
    private final AtomicLong done;
    private final PrintStream err = System.err;
    private final ScheduledExecutorService painter;
    private final long startNanos = System.nanoTime();

    Progress(String label, long total, AtomicLong done, boolean enabled) {
        this.label = label;
        this.total = total;
        this.done = done;
        this.painter = enabled ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "amdb-bench-progress");
            t.setDaemon(true);
            return t;
        }) : null;
        if (painter != null) {
            painter.scheduleAtFixedRate(this::paint, 0, 200, TimeUnit.MILLISECONDS);
        }
    }

    private void paint() {
        long n = Math.min(done.get(), total);
        int filled = (int) (WIDTH * n / Math.max(1, total));
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        err.printf("\r%-4s [%s%s] %3d%% %,d ops/s   ", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
                100 * n / Math.max(1, total), (long) (n / Math.max(seconds, 1e-9)));
        err.flush();
    }

    @Override
    public void close() throws InterruptedException {
        if (painter != null) {
            painter.shutdownNow();
            painter.awaitTermination(5, TimeUnit.SECONDS);
            paint();
            err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
            err.flush();
        }
    }
}
