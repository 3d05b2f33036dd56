package io.amdb.node.table;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * This node's partition table, and the one place where requests wait for it to move on.
 *
 * <p>Thread safety: {@link #install} from any thread (the cluster layer's), serialized here; reads from any
 * thread; a wait starts on a context ({@link Timers#callerContext()}) and resumes there.
 *
 * <p>Contract: {@link #install} is the node's only "is it newer" test: a table is taken only when its epoch is
 * above the current one. Then, in this order, the table and the facts derived from it are published together
 * (readers never mix two tables), {@link #version()} rises, the listeners run (in registration order, on the
 * installing thread) and every wait re-checks. The version also rises when a handoff aborts
 * ({@link #handoffAborted()}). A wait resumes exactly once, on its context: as soon as its condition holds
 * (checked at once, then after every rise of the version), or after {@link #MAX_WAIT_MS} from its start,
 * whichever comes first; the resumed code re-reads the table and decides. Code that must not miss a change
 * reads {@link #version()} before the step that may have to wait and includes it in its condition.
 */
public final class NodeTable {
    /**
     * The one bound on waiting for the table: a request routed with a newer table than this node's, a piece
     * from a node that knows a newer one, an operation refused for its partition's cutover, and a forwarded
     * piece answered WRONG_OWNER wait at most this long before they are answered or retried anyway.
     */
    public static final long MAX_WAIT_MS = 5_000;

    /** The table and the facts derived from it, published as one reference so readers never mix two tables. */
    public record View(PartitionTable table, boolean ownsAll, int owned) {}

    private final Member self;
    private final Timers timers;
    private final AtomicLong version = new AtomicLong();
    private final List<Consumer<PartitionTable>> listeners = new CopyOnWriteArrayList<>();
    private final Set<Wait> waits = ConcurrentHashMap.newKeySet();
    private volatile View view;

    /** @param self this node as the table's members name it: its id and the address of this process */
    public NodeTable(Member self, Timers timers) {
        this.self = self;
        this.timers = timers;
    }

    /** The current table; null until the first is installed. */
    public PartitionTable current() {
        View v = view;
        return v == null ? null : v.table();
    }

    public String selfId() {
        return self.nodeId();
    }

    /**
     * True when {@code owner} is this process: the same node id and address. A table that names this node id at
     * another address names a previous process of this node (restarted before the coordinator replanned): it
     * serves none of that one's partitions, which a memory-only process does not have, until a table names it.
     */
    public boolean isSelf(Member owner) {
        return self.equals(owner);
    }

    /** True when the current table gives this node every partition (a standalone node): SCAN is local. */
    public boolean ownsAll() {
        View v = view;
        return v != null && v.ownsAll();
    }

    /** The current table with its derived facts (how many partitions it gives this node); null before the first. */
    public View view() {
        return view;
    }

    /** Rises on every event that may let a waiter go on; read it before a step whose outcome may have to wait. */
    public long version() {
        return version.get();
    }

    /** Installs {@code table} if its epoch is above the current one (see the class comment); returns whether it did. */
    public synchronized boolean install(PartitionTable table) {
        View current = view;
        if (current != null && table.epoch() <= current.table().epoch()) {
            return false;
        }
        int owned = ownedBy(table, self);
        view = new View(table, owned == table.partitions(), owned);
        versionRose();
        for (Consumer<PartitionTable> listener : listeners) {
            listener.accept(table);
        }
        return true;
    }

    /** How many partitions {@code table} gives to exactly {@code self} (id and address). */
    private static int ownedBy(PartitionTable table, Member self) {
        return self.equals(table.member(self.nodeId())) ? table.partitionsOf(self.nodeId()).length : 0;
    }

    /** A handoff was aborted: its partition is served here again, so waits re-check. Thread-safe. */
    public void handoffAborted() {
        versionRose();
    }

    /** Calls {@code listener} with every table installed from now on (see the class comment for when). */
    public void addListener(Consumer<PartitionTable> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<PartitionTable> listener) {
        listeners.remove(listener);
    }

    /**
     * Runs {@code resume} exactly once, on the caller's context, once {@code ready} holds or after
     * {@link #MAX_WAIT_MS}; at once, before returning, if it already holds. {@code ready} runs on the caller's
     * context only. Must be called on a context (see {@link Timers#callerContext()}).
     */
    public void await(BooleanSupplier ready, Runnable resume) {
        if (ready.getAsBoolean()) {
            resume.run();
            return;
        }
        Executor context = timers.callerContext();
        Wait wait = new Wait(context, ready, resume);
        wait.cancelTimer = timers.after(MAX_WAIT_MS, () -> context.execute(wait::finish));
        waits.add(wait);
        wait.check(); // the version may have risen between the first test and the registration
    }

    /**
     * Completes, on the caller's context, once the table has reached {@code epoch}, or, when {@code epoch} is 0
     * (unknown), once the version is above {@code versionSeen}; after {@link #MAX_WAIT_MS} in any case.
     */
    public Future<Void> untilNewer(long epoch, long versionSeen) {
        Promise<Void> done = Promise.promise();
        await(epoch > 0 ? () -> current().epoch() >= epoch : () -> version() > versionSeen, done::complete);
        return done.future();
    }

    private void versionRose() {
        version.incrementAndGet();
        for (Wait wait : waits) {
            wait.context.execute(wait::check);
        }
    }

    /** One waiter; {@link #check} and {@link #finish} run on its context, so at most one runs at a time. */
    private final class Wait {
        final Executor context;
        final BooleanSupplier ready;
        final Runnable resume;
        final AtomicBoolean done = new AtomicBoolean();
        Runnable cancelTimer;

        Wait(Executor context, BooleanSupplier ready, Runnable resume) {
            this.context = context;
            this.ready = ready;
            this.resume = resume;
        }

        void check() {
            if (!done.get() && ready.getAsBoolean()) {
                finish();
            }
        }

        void finish() {
            if (done.compareAndSet(false, true)) {
                waits.remove(this);
                cancelTimer.run();
                resume.run();
            }
        }
    }
}
