package io.amdb.bench;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Recorder;

/**
 * One PUT or GET phase through the JDBC driver ({@code --via jdbc}). {@code threads} threads each open their
 * own java.sql.Connection (one TCP connection) and run statements of {@link #ROWS} rows back to back, so at
 * most {@code threads} statements are in flight:
 * <ul>
 *   <li>PUT: a PreparedStatement batch of {@code INSERT INTO kv (k, v) VALUES (?, ?)}, one executeBatch;</li>
 *   <li>GET: {@code SELECT k, v FROM kv WHERE k IN (?, …)} with {@link #ROWS} parameters, rows read to the end.</li>
 * </ul>
 * Ops are rows (keys asked for, for GET). Latency is per statement, in microseconds: from setting its first
 * parameter to the batch's counts or the query's last row. Keys repeated within one IN list are asked once,
 * so GET misses are distinct keys asked minus rows returned.
 */
final class JdbcPhase {
    static final int ROWS = 1_000;

    private final String url;
    private final Workload workload;
    private final LoadPhase.Op op;
    private final Recorder recorder = new Recorder(3);
    private final AtomicInteger nextStatement = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();

    JdbcPhase(String url, Workload workload, LoadPhase.Op op) {
        this.url = url;
        this.workload = workload;
        this.op = op;
    }

    LoadPhase.Result run(int threads, boolean showProgress) throws InterruptedException {
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        try (Progress ignored = new Progress(op.name(), workload.ops(), completed, showProgress)) {
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(this::work, "amdb-bench-jdbc-" + t);
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join(TimeUnit.MINUTES.toMillis(30));
                if (w.isAlive()) {
                    throw new IllegalStateException(op + " phase did not finish");
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (firstError.get() != null) {
            throw new IllegalStateException(op + " failed after " + completed.get() + " rows: " + firstError.get(),
                    firstError.get());
        }
        return new LoadPhase.Result(op.name(), completed.get(), 0, misses.get(), seconds, recorder.getIntervalHistogram());
    }

    /** One thread: takes statement numbers until none is left or any thread failed. */
    private void work() {
        int statements = (workload.ops() + ROWS - 1) / ROWS;
        try (Connection c = DriverManager.getConnection(url + "?connections=1");
             PreparedStatement full = c.prepareStatement(sql(ROWS))) {
            int s;
            while (firstError.get() == null && (s = nextStatement.getAndIncrement()) < statements) {
                int from = s * ROWS;
                int to = Math.min(workload.ops(), from + ROWS);
                if (to - from == ROWS) {
                    run(full, from, to);
                } else {
                    try (PreparedStatement tail = c.prepareStatement(sql(to - from))) {
                        run(tail, from, to);
                    }
                }
                completed.addAndGet(to - from);
            }
        } catch (SQLException | RuntimeException e) {
            firstError.compareAndSet(null, e);
        }
    }

    private void run(PreparedStatement ps, int from, int to) throws SQLException {
        int distinct = op == LoadPhase.Op.GET ? distinctKeys(from, to) : 0;
        long t0 = System.nanoTime();
        if (op == LoadPhase.Op.PUT) {
            for (int i = from; i < to; i++) {
                ps.setBytes(1, workload.key(i));
                ps.setBytes(2, workload.value);
                ps.addBatch();
            }
            ps.executeBatch();
        } else {
            for (int i = from; i < to; i++) {
                ps.setBytes(i - from + 1, workload.key(i));
            }
            int rows = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                }
            }
            misses.addAndGet(distinct - rows);
        }
        recorder.recordValue(Math.max(0, (System.nanoTime() - t0) / 1000));
    }

    private int distinctKeys(int from, int to) {
        Set<ByteBuffer> keys = new HashSet<>();
        for (int i = from; i < to; i++) {
            keys.add(ByteBuffer.wrap(workload.key(i)));
        }
        return keys.size();
    }

    private String sql(int rows) {
        if (op == LoadPhase.Op.PUT) {
            return "INSERT INTO kv (k, v) VALUES (?, ?)";
        }
        return "SELECT k, v FROM kv WHERE k IN (" + "?, ".repeat(rows - 1) + "?)";
    }
}
