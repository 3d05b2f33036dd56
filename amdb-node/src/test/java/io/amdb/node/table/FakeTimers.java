package io.amdb.node.table;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * {@link Timers} a test drives by hand: time moves only in {@link #advanceMs}, and the one "context" is a
 * queue that runs only in {@link #runPending}. Single-threaded; deterministic.
 */
final class FakeTimers implements Timers {
    private long nanos;
    private final Queue<Runnable> context = new ArrayDeque<>();
    private final List<Timer> timers = new ArrayList<>();

    private static final class Timer {
        final long dueNanos;
        final Runnable task;
        boolean cancelled;

        Timer(long dueNanos, Runnable task) {
            this.dueNanos = dueNanos;
            this.task = task;
        }
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Executor callerContext() {
        return context::add;
    }

    @Override
    public Runnable after(long delayMs, Runnable task) {
        Timer timer = new Timer(nanos + delayMs * 1_000_000, task);
        timers.add(timer);
        return () -> timer.cancelled = true;
    }

    /** Moves the clock on, firing the timers due by then, then runs what they queued on the context. */
    void advanceMs(long ms) {
        nanos += ms * 1_000_000;
        for (Timer t : new ArrayList<>(timers)) {
            if (!t.cancelled && t.dueNanos <= nanos) {
                timers.remove(t);
                t.task.run();
            }
        }
        runPending();
    }

    /** Runs the context's queued tasks, including those they queue. */
    void runPending() {
        for (Runnable task = context.poll(); task != null; task = context.poll()) {
            task.run();
        }
    }

    /** Timers neither fired nor cancelled. */
    long liveTimers() {
        return timers.stream().filter(t -> !t.cancelled).count();
    }
}
