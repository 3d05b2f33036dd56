package io.amdb.node.replicate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.ring.InSyncChange;
import io.amdb.node.shard.ReplicaTask;
import io.amdb.node.storage.Journal;
import io.amdb.node.storage.ShardStore;
import io.amdb.node.storage.SkipList;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.ReplicaSets;
import io.amdb.protocol.TestSeed;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The primary's replicator against a backup store, with a fake transport and clock: a backup catches up by a copy
 * and joins the in-sync set; a request waits for its in-sync backup; lost and repeated messages, timeouts and
 * refusals never leave the backup with another history than the primary's; a request answered while the backup was
 * in sync finds its writes on the backup. Seeded (printed). Seed 34032346745027 once found a copy chunk applied a
 * second time (a resend after a timeout) putting an older value back: backups now answer a resend with the first
 * answer ({@link Resends}).
 */
@ExtendWith(TestSeed.class)
class ReplicatorTest {
    private static final int P = 8;
    private static final Member A = new Member("a", "h", 1);
    private static final Member B = new Member("b", "h", 2);

    /** The fake world: the primary's store and replicator, the backup's store, the messages in flight. */
    private static final class World implements Replicator.Transport {
        final ShardStore primary = new ShardStore(P, 1);
        final ShardStore backup = new ShardStore(P, 2);
        final Deque<Object[]> inFlight = new ArrayDeque<>(); // {body, callback}
        final List<InSyncChange> asked = new ArrayList<>();
        long now = 1_000_000_000L;
        PartitionTable table;
        final Replicator replicator;

        final boolean[] inSync = new boolean[P];

        World(boolean inSync) {
            this(inSync, w -> new CopyStats(1, CopyThrottle.UNLIMITED), p -> true);
        }

        /**
         * {@code copies} makes the copy progress and limit, given the world (whose clock a throttle reads);
         * {@code owns} says which partitions are the replicator's shard's.
         */
        World(boolean inSync, java.util.function.Function<World, CopyStats> copies, java.util.function.IntPredicate owns) {
            java.util.Arrays.fill(this.inSync, inSync);
            table = table(1, this.inSync);
            replicator = new Replicator("a", 0, owns, primary, Journal.NONE, this, () -> table, new RolesCache(A),
                    new LeaseGrants(P), () -> { }, () -> now, copies.apply(this));
            primary.setJournal(replicator);
        }

        static PartitionTable table(long epoch, boolean[] inSync) {
            ReplicaSets.Builder b = new ReplicaSets.Builder(2, 1, P, 2);
            for (int p = 0; p < P; p++) {
                b.term(p, 1).backups(p, new int[] {1}, inSync[p] ? 1 : 0);
            }
            return new PartitionTable(epoch, P, List.of(A, B), new int[P], List.of(), null, b.build());
        }

        @Override
        public void send(String node, byte[] body, BiConsumer<List<StreamFormat.Refusal>, Throwable> done) {
            assertEquals("b", node);
            inFlight.add(new Object[] {body, done});
        }

        @Override
        public void changeInSync(List<InSyncChange> changes) {
            asked.addAll(changes);
        }

        @Override
        public boolean transient_(Throwable failure) {
            return failure instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT;
        }

        @Override
        public void later(long ms, Runnable task) {
            task.run(); // the fake clock does not wait: resend at once
        }

        /** {@code -Damdb.debug.partition=N} prints what each message carries for partition N. */
        static int tracePartition = Integer.getInteger("amdb.debug.partition", -1);

        static void trace(String what, StreamFormat.Message msg, ShardStore backup) {
            if (tracePartition < 0) {
                return;
            }
            StringBuilder b = new StringBuilder(what + " seq " + msg.seq() + " stream " + msg.stream() + ":");
            for (StreamFormat.Section s : msg.sections()) {
                if (s.partition() == tracePartition) {
                    b.append(" kind").append(s.kind()).append("/").append(s.seq());
                    if (s.kind() == StreamFormat.CHANGE) {
                        try {
                            io.amdb.protocol.WireReader r = new io.amdb.protocol.WireReader(s.bytes(), s.off(), s.len());
                            b.append(" op").append(r.u8()).append(" v").append(r.i64()).append(" ")
                                    .append(new String(r.bytes(), UTF_8));
                        } catch (Exception e) {
                            b.append(e);
                        }
                    }
                }
            }
            System.out.println(b + " | backup seq before " + backup.sequence(tracePartition));
        }

        final Resends resends = new Resends();

        /** The backup's endpoint: applies a message once (a resend gets the first answer). */
        byte[] apply(byte[] body) throws Exception {
            StreamFormat.Message msg = StreamFormat.decode(body, P);
            trace("apply", msg, backup);
            return resends.offer(msg.from(), msg.shard(), msg.stream(), msg.seq(), () -> {
                List<StreamFormat.Section> sections = new ArrayList<>(msg.sections());
                sections.removeIf(s -> s.kind() == StreamFormat.LEASE);
                ReplicaTask task = new ReplicaTask(sections);
                while (!task.runOn(backup, 1000)) {
                    // slices until done
                }
                return io.vertx.core.Future.succeededFuture(StreamFormat.encodeReply(task.refusals()));
            }).result();
        }

        /** Delivers the oldest message: the backup applies it and answers. */
        @SuppressWarnings("unchecked")
        void deliver() throws Exception {
            Object[] m = inFlight.poll();
            byte[] reply = apply((byte[]) m[0]);
            ((BiConsumer<List<StreamFormat.Refusal>, Throwable>) m[1]).accept(StreamFormat.decodeReply(reply), null);
        }

        /** The oldest message times out unanswered (applied or not, as {@code applied} says). */
        @SuppressWarnings("unchecked")
        void timeOut(boolean applied) throws Exception {
            if (applied) {
                apply((byte[]) inFlight.peek()[0]);
            }
            Object[] m = inFlight.poll();
            ((BiConsumer<List<StreamFormat.Refusal>, Throwable>) m[1]).accept(null,
                    new ReplyException(ReplyFailure.TIMEOUT, "timed out"));
        }

        /** The coordinator grants what was asked: a new table with the backup in or out of sync. */
        void grant() {
            if (asked.isEmpty()) {
                return;
            }
            for (InSyncChange c : asked) {
                inSync[c.partition()] = c.inSync();
            }
            table = table(table.epoch() + 1, inSync);
            asked.clear();
            replicator.refresh();
        }

        int rounds;

        void settle() throws Exception {
            rounds = 0;
            for (int i = 0; i < 10_000 && (!inFlight.isEmpty() || !asked.isEmpty() || rounds == 0); i++, rounds++) {
                while (!inFlight.isEmpty()) {
                    deliver();
                }
                grant();
                now += Replicator.ASK_AGAIN_NANOS;
                replicator.flush();
            }
        }
    }

    /**
     * A node's shards each replicate only their own partitions. Every shard used to act as the primary of all the
     * node's partitions: another shard, holding nothing of a partition, reset the backup's copy of it to empty and
     * had it counted in sync (ClusterReplicationTest seed 61186999348224 read a key back empty after a failover).
     */
    @Test
    void aShardReplicatesItsOwnPartitionsOnly_anotherShardsCopyOnTheBackupIsLeftAlone() throws Exception {
        World w = new World(false, x -> new CopyStats(1, CopyThrottle.UNLIMITED), p -> p % 2 == 0);
        for (int p = 1; p < P; p += 2) { // the other shard's copies, already on the backup
            w.backup.apply(p, ("other" + p).getBytes(UTF_8), "kept".getBytes(UTF_8), 5);
        }
        w.replicator.refresh();
        for (int i = 0; i < 200; i += 2) {
            w.primary.put(i % P, ("k" + i).getBytes(UTF_8), ("v" + i).getBytes(UTF_8));
        }
        w.settle();
        for (int p = 1; p < P; p += 2) {
            byte[] kept = w.backup.get(p, ("other" + p).getBytes(UTF_8));
            assertEquals("kept", kept == null ? null : new String(kept, UTF_8), "the backup's copy of partition " + p);
            assertFalse(w.table.inSync(p).contains(B), "partition " + p + " was asked into the in-sync set");
        }
        for (int p = 0; p < P; p += 2) {
            assertTrue(w.table.inSync(p).contains(B), "partition " + p + " was not asked into the in-sync set");
        }
    }

    @Test
    void newBackup_copiedWhileWritten_joinsInSyncSet_thenRequestsWaitForIt() throws Exception {
        World w = new World(false);
        w.replicator.refresh();
        for (int i = 0; i < 5_000; i++) {
            w.primary.put(i % P, ("k" + i).getBytes(UTF_8), ("v" + i).getBytes(UTF_8));
        }
        w.replicator.flush(); // a RESET and a copy begin
        for (int i = 0; i < 100; i++) { // written while the copy goes on
            w.primary.put(i % P, ("k" + i).getBytes(UTF_8), ("w" + i).getBytes(UTF_8));
            w.primary.remove((i + 1) % P, ("k" + (i + 1000)).getBytes(UTF_8));
            w.replicator.flush();
            if (!w.inFlight.isEmpty()) {
                w.deliver();
            }
        }
        w.settle();
        assertTrue(w.table.inSync(0).contains(B), "the copied backup was asked into the in-sync set");
        assertSameData(w);

        boolean[] answered = {false};
        w.primary.put(3, "late".getBytes(UTF_8), "x".getBytes(UTF_8));
        w.replicator.whenReplicated(new int[] {3}, () -> answered[0] = true, p -> { throw new AssertionError(); });
        assertFalse(answered[0], "an in-sync backup has not taken the write yet");
        for (int i = 0; i < 10 && !answered[0]; i++) { // a lease round may be in flight before the write's message
            w.replicator.flush();
            w.deliver();
        }
        assertTrue(answered[0], "answered once the in-sync backup took it");
        assertSameData(w);
    }

    /**
     * With {@code --replication-copy-mb-per-s}, copying a new backup takes at least its bytes over the rate, less the
     * one-second burst the bucket starts with and one chunk (a chunk is copied whole once the bucket is not empty); the
     * progress counts every key, and the ETA is known while it copies.
     */
    @Test
    void copyRateLimit_copyTakesItsBytesOverTheRate_progressCounted() throws Exception {
        long rate = 200_000;
        CopyStats[] stats = new CopyStats[1];
        World w = new World(false, world -> stats[0] = new CopyStats(1, new CopyThrottle(rate, () -> world.now)),
                p -> true);
        int keys = 20_000;
        for (int i = 0; i < keys; i++) {
            w.primary.put(i % P, String.format("k%06d", i).getBytes(UTF_8), new byte[100]);
        }
        w.replicator.refresh();
        long start = w.now;
        boolean etaSeen = false;
        for (int step = 0; step < 100_000 && !allInSync(w); step++) {
            w.replicator.flush();
            while (!w.inFlight.isEmpty()) {
                w.deliver();
            }
            w.grant();
            etaSeen |= stats[0].running() > 0 && stats[0].etaSeconds() > 0;
            w.now += 10_000_000L; // 10 ms of the fake clock per step
        }
        assertTrue(allInSync(w), "every partition's backup copied and in sync");
        assertSameData(w);
        double seconds = (w.now - start) / 1e9;
        long bytes = Long.parseLong(stats[0].fields().get("replication_copy_bytes"));
        assertEquals(keys, Long.parseLong(stats[0].fields().get("replication_copy_keys")), "every key counted once");
        assertTrue(seconds >= (bytes - rate - Replicator.COPY_BYTES) / (double) rate, bytes + " bytes copied in " + seconds
                + " s of the clock: faster than " + rate + " bytes/s");
        assertTrue(etaSeen, "an ETA while copying");
    }

    private static boolean allInSync(World w) {
        for (int p = 0; p < P; p++) {
            if (!w.table.inSync(p).contains(B)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Random writes, deletes, deliveries, timeouts (the message applied or not) and in-sync grants: the backup never
     * holds another history, every request answered while the backup was in sync finds its write there, and after
     * everything is delivered the backup equals the primary.
     */
    @Test
    void randomFaults_backupKeepsThePrimarysHistory_answeredWritesAreOnIt() throws Exception {
        long seed = TestSeed.get();
        Random random = new Random(seed);
        for (int run = 0; run < 50; run++) {
            World w = new World(random.nextBoolean());
            w.replicator.refresh();
            String where = "seed " + seed + " run " + run;
            for (int step = 0; step < 400; step++) {
                int p = random.nextInt(P);
                byte[] key = ("k" + random.nextInt(200)).getBytes(UTF_8);
                int what = random.nextInt(10);
                if (what < 5) {
                    byte[] value = ("v" + step).getBytes(UTF_8);
                    w.primary.put(p, key, value);
                    long version = w.primary.sequence(p);
                    boolean inSync = w.table.inSync(p).contains(B);
                    w.replicator.whenReplicated(new int[] {p}, () -> {
                        if (inSync && w.table.inSync(p).contains(B)) { // in sync all along: it must hold the write
                            assertTrue(w.backup.sequence(p) >= version, where + ": answered before the in-sync "
                                    + "backup took version " + version + " (it holds " + w.backup.sequence(p) + ")");
                        }
                    }, q -> { });
                } else if (what < 6) {
                    w.primary.remove(p, key);
                } else if (what < 8 && !w.inFlight.isEmpty()) {
                    w.deliver();
                } else if (what < 9 && !w.inFlight.isEmpty()) {
                    w.timeOut(random.nextBoolean());
                } else {
                    w.grant();
                }
                w.now += random.nextInt(100) * 1_000_000L;
                w.replicator.flush();
                String d = divergence(w); // a backup streaming at the primary's sequence holds exactly its data
                if (d != null) {
                    throw new AssertionError(where + " step " + step + " action " + what + ": " + d);
                }
            }
            w.settle();
            assertSameData(w, where + " (" + w.replicator.describe(0) + " after " + w.rounds + " rounds)");
        }
    }

    /** A partition whose backup is at the primary's sequence with other contents, or null. */
    private static String divergence(World w) {
        for (int p = 0; p < P; p++) {
            if (w.backup.sequence(p) != w.primary.sequence(p) || !w.replicator.describe(p).contains("STREAMING")) {
                continue; // behind, or still being copied
            }
            SkipList.Cursor a = w.primary.partitionCursor(p, null);
            SkipList.Cursor b = w.backup.partitionCursor(p, null);
            while (a.valid() && b.valid()) {
                if (!java.util.Arrays.equals(a.key(), b.key()) || !java.util.Arrays.equals(a.value(), b.value())) {
                    return "partition " + p + " at " + w.primary.sequence(p) + ": " + new String(a.key(), UTF_8) + "="
                            + new String(a.value(), UTF_8) + "@" + a.version() + " vs " + new String(b.key(), UTF_8)
                            + "=" + new String(b.value(), UTF_8) + "@" + b.version() + " (" + w.replicator.describe(p) + ")";
                }
                a.next();
                b.next();
            }
            if (a.valid() != b.valid()) {
                return "partition " + p + ": lengths differ (" + w.replicator.describe(p) + ")";
            }
        }
        return null;
    }

    private static void assertSameData(World w) {
        assertSameData(w, "");
    }

    private static void assertSameData(World w, String where) {
        for (int p = 0; p < P; p++) {
            assertEquals(w.primary.sequence(p), w.backup.sequence(p), where + " partition " + p + " sequence");
            SkipList.Cursor a = w.primary.partitionCursor(p, null);
            SkipList.Cursor b = w.backup.partitionCursor(p, null);
            while (a.valid() && b.valid()) {
                assertEquals(new String(a.key(), UTF_8), new String(b.key(), UTF_8), where + " partition " + p);
                assertEquals(new String(a.value(), UTF_8), new String(b.value(), UTF_8), where + " partition " + p);
                assertEquals(a.version(), b.version(), where + " partition " + p);
                a.next();
                b.next();
            }
            assertEquals(a.valid(), b.valid(), where + " partition " + p + ": one copy has more entries");
        }
    }
}
