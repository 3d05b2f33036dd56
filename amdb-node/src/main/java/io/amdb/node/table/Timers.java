package io.amdb.node.table;

import java.util.concurrent.Executor;

/**
 * The time a {@link NodeTable} wait needs, injected so a deterministic simulation (or a unit test) can drive
 * it: a clock, one-shot timers, and the context a waiter resumes on. {@link VertxTimers} is the real one.
 */
public interface Timers {
    /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /**
     * Where the calling code runs: tasks given to the executor run there, one at a time, in order (a Vert.x
     * context). Requires being called from such a place.
     */
    Executor callerContext();

    /** Runs {@code task} once after {@code delayMs}, unless the returned cancel runs first. Thread-safe. */
    Runnable after(long delayMs, Runnable task);
}
