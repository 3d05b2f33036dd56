package io.amdb.chaos;

import io.amdb.chaos.check.Op;
import io.amdb.client.AmDbClient;
import io.amdb.client.AmDbException;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients of a chaos run: {@code workers} threads, each one logical process at a time doing reads, writes and
 * compare-and-sets (on the value it last read) on a few keys, recording every operation as the client saw it
 * ({@link Op}: invoke and completion times, OK / CONDITION_FAILED / FAILED / UNKNOWN). Written values are unique.
 *
 * <p>Keys rotate: {@link #ACTIVE_KEYS} keys take {@link #OPS_PER_GENERATION} operations between them, then the
 * workload moves on to fresh ones, so each key's history stays small enough for an exact check. A process whose
 * operation ended UNKNOWN may still have it in flight; the worker goes on as a new process, as Jepsen does.
 */
final class Workload {
    static final int ACTIVE_KEYS = 4;
    static final int OPS_PER_GENERATION = 800;

    private final AmDbClient client;
    private final int workers;
    private final long seed;
    private final long timeoutMs;
    private final List<Op> history = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> keys = Collections.synchronizedSet(new LinkedHashSet<>());
    private final AtomicLong started = new AtomicLong();
    private final AtomicInteger processes = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Workload(AmDbClient client, int workers, long seed, long timeoutMs) {
        this.client = client;
        this.workers = workers;
        this.seed = seed;
        this.timeoutMs = timeoutMs;
    }

    void start() {
        for (int w = 0; w < workers; w++) {
            SplittableRandom random = new SplittableRandom(seed * 31 + w);
            Thread t = new Thread(() -> run(random), "chaos-worker-" + w);
            threads.add(t);
            t.start();
        }
    }

    /** Stops the workers and waits for their last operations (each bounded by the request timeout). */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(timeoutMs * 3);
        }
    }

    List<Op> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** Every key the workload touched, in first-use order. */
    List<String> keys() {
        synchronized (keys) {
            return List.copyOf(keys);
        }
    }

    long operations() {
        return started.get();
    }

    private void run(SplittableRandom random) {
        int process = processes.getAndIncrement();
        Map<String, String> lastRead = new HashMap<>();
        long sequence = 0;
        while (!stop.get()) {
            long n = started.getAndIncrement();
            String key = "k" + (n / OPS_PER_GENERATION) + "-" + random.nextInt(ACTIVE_KEYS);
            keys.add(key);
            int dice = random.nextInt(10);
            Op op;
            if (dice < 4) {
                op = read(process, key);
                if (op.outcome() == Op.Outcome.OK) {
                    lastRead.put(key, op.value());
                }
            } else if (dice < 7) {
                op = write(process, key, "p" + process + "-" + sequence++);
            } else {
                op = cas(process, key, lastRead.get(key), "p" + process + "-" + sequence++);
            }
            history.add(op);
            if (op.outcome() == Op.Outcome.UNKNOWN) {
                process = processes.getAndIncrement();
                sequence = 0;
            }
        }
    }

    /** A read through the client's final-read path, for the harness after healing. */
    Op finalRead(String key) {
        return read(-1, key);
    }

    private Op read(int process, String key) {
        long invoked = System.nanoTime();
        try {
            Response.Versioned r = client.getVersioned(bytes(key)).get(timeoutMs, TimeUnit.MILLISECONDS);
            return Op.read(process, key, text(r.value()), invoked, System.nanoTime());
        } catch (Exception e) {
            return new Op(process, key, Op.Kind.READ, null, null, Op.Outcome.FAILED, invoked, System.nanoTime());
        }
    }

    private Op write(int process, String key, String value) {
        long invoked = System.nanoTime();
        try {
            client.put(bytes(key), bytes(value)).get(timeoutMs, TimeUnit.MILLISECONDS);
            return Op.write(process, key, value, invoked, System.nanoTime());
        } catch (Exception e) {
            return new Op(process, key, Op.Kind.WRITE, null, value, outcomeOf(e), invoked, System.nanoTime());
        }
    }

    private Op cas(int process, String key, String expected, String value) {
        long invoked = System.nanoTime();
        Request.Condition condition = expected == null ? Request.Condition.absent()
                : Request.Condition.value(bytes(expected));
        try {
            Response.Swapped r = client.compareAndSet(bytes(key), condition, bytes(value))
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            return Op.cas(process, key, expected, value, r.applied(), invoked, System.nanoTime());
        } catch (Exception e) {
            return new Op(process, key, Op.Kind.CAS, expected, value, outcomeOf(e), invoked, System.nanoTime());
        }
    }

    /**
     * FAILED when the error says the write was refused before the store acted (docs/PROTOCOL.md, error codes);
     * UNKNOWN for everything else: a timeout, a lost connection, an error nobody classified.
     */
    static Op.Outcome outcomeOf(Exception e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        if (cause instanceof TimeoutException || !(cause instanceof AmDbException a)) {
            return Op.Outcome.UNKNOWN;
        }
        return notApplied(a.code()) ? Op.Outcome.FAILED : Op.Outcome.UNKNOWN;
    }

    private static boolean notApplied(ErrorCode code) {
        return switch (code) {
            case WRONG_OWNER, PARTITION_LOST, OWNER_UNREACHABLE, STORAGE_FULL, NOT_ENOUGH_REPLICAS, KEY_EMPTY, KEY_TOO_LARGE,
                    VALUE_TOO_LARGE, INVALID_ARGUMENT, TOO_MANY_CONNECTIONS, SHUTTING_DOWN -> true;
            default -> false;
        };
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
