package io.amdb.node.replicate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.ring.InSyncAnswer;
import io.amdb.node.ring.InSyncChange;
import io.amdb.node.ring.TableKeeper;
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
import java.util.SplittableRandom;
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
        /** In-sync requests the coordinator has not answered yet, oldest first: {changes, callback}. */
        final Deque<Object[]> asked = new ArrayDeque<>();
        /** The coordinator's add fence per partition (TableKeeper's rule): adds asked before it are refused. */
        final long[] fence = new long[P];
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
            this(inSync, copies, owns, 4L << 20);
        }

        /** {@code backlogBytes}: the recent changes the primary keeps once it installs its first table. */
        World(boolean inSync, java.util.function.Function<World, CopyStats> copies, java.util.function.IntPredicate owns,
                long backlogBytes) {
            java.util.Arrays.fill(this.inSync, inSync);
            table = table(1, this.inSync);
            replicator = new Replicator("a", 0, owns, primary, Journal.NONE, this, () -> table, new RolesCache(A),
                    new LeaseGrants(P), () -> { }, () -> now, copies.apply(this), backlogBytes);
            primary.setJournal(replicator);
        }

        /** Which member (0: A, 1: B) is each partition's primary, and at which term; the other is its backup. */
        final int[] owners = new int[P];
        final long[] terms = new long[P];

        {
            java.util.Arrays.fill(terms, 1);
        }

        static PartitionTable table(long epoch, boolean[] inSync) {
            long[] terms = new long[P];
            java.util.Arrays.fill(terms, 1);
            return table(epoch, inSync, new int[P], terms);
        }

        static PartitionTable table(long epoch, boolean[] inSync, int[] owners, long[] terms) {
            ReplicaSets.Builder b = new ReplicaSets.Builder(2, 1, P, 2);
            for (int p = 0; p < P; p++) {
                b.term(p, terms[p]).backups(p, new int[] {1 - owners[p]}, inSync[p] ? 1 : 0);
            }
            return new PartitionTable(epoch, P, List.of(A, B), owners.clone(), List.of(), null, b.build());
        }

        /** The coordinator's next table from the world's owners, terms and in-sync flags; the primary installs it. */
        void publish() {
            table = table(table.epoch() + 1, inSync, owners, terms);
            replicator.refresh();
        }

        @Override
        public void send(String node, byte[] body, BiConsumer<List<StreamFormat.Refusal>, Throwable> done) {
            assertEquals("b", node);
            inFlight.add(new Object[] {body, done});
        }

        @Override
        public void changeInSync(List<InSyncChange> changes, BiConsumer<InSyncAnswer, Throwable> answered) {
            asked.add(new Object[] {changes, answered});
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

        /** The coordinator answers every request it holds, in order. */
        void grant() {
            while (!asked.isEmpty()) {
                answerOldest();
            }
        }

        /**
         * The coordinator takes the oldest request as TableKeeper does (an add asked before the partition's fence is
         * refused; a removal moves the fence to the table it publishes, one even when nothing changed), commits the
         * table, and answers; the primary installs the table.
         */
        @SuppressWarnings("unchecked")
        void answerOldest() {
            Object[] r = asked.poll();
            List<InSyncChange> changes = (List<InSyncChange>) r[0];
            List<Integer> outcomes = new ArrayList<>();
            boolean publish = false;
            long next = table.epoch() + 1;
            for (InSyncChange c : changes) {
                boolean listed = table.owner(c.partition()).equals(A) && table.term(c.partition()) == c.term()
                        && table.backups(c.partition()).contains(B);
                if (!listed || c.inSync() && c.tableEpoch() < fence[c.partition()]) {
                    outcomes.add(TableKeeper.IN_SYNC_REFUSED);
                    continue;
                }
                if (!c.inSync()) {
                    fence[c.partition()] = next;
                    publish = true;
                }
                if (inSync[c.partition()] == c.inSync()) {
                    outcomes.add(TableKeeper.IN_SYNC_ALREADY);
                } else {
                    inSync[c.partition()] = c.inSync();
                    outcomes.add(TableKeeper.IN_SYNC_ACCEPTED);
                    publish = true;
                }
            }
            if (publish) {
                publish();
            }
            ((BiConsumer<InSyncAnswer, Throwable>) r[1]).accept(new InSyncAnswer(table.epoch(), outcomes), null);
        }

        /** The oldest request to the coordinator times out at the primary, taken or not (as {@code taken} says). */
        @SuppressWarnings("unchecked")
        void loseOldestAnswer(boolean taken) {
            Object[] r = asked.poll();
            if (taken) {
                asked.addFirst(new Object[] {r[0], (BiConsumer<InSyncAnswer, Throwable>) (a, e) -> { }});
                answerOldest();
            }
            ((BiConsumer<InSyncAnswer, Throwable>) r[1]).accept(null, new ReplyException(ReplyFailure.TIMEOUT, "timed out"));
        }

        /** Every write the primary acknowledged (its replication wait ended), as {partition, key, version}. */
        final List<Object[]> acked = new ArrayList<>();
        /** Every write the primary applied, by partition and key: {version, 1 for a delete}. */
        final java.util.Map<String, List<long[]>> writes = new java.util.HashMap<>();

        /** Writes {@code key} and records it once its replication wait ends well. */
        void write(int p, String key, String value) {
            put(p, key, value);
            long version = primary.sequence(p);
            boolean[] unknown = {false};
            replicator.whenReplicated(new int[] {p}, () -> {
                if (!unknown[0]) {
                    acked.add(new Object[] {p, key, version});
                }
            }, q -> unknown[0] = true);
        }

        void put(int p, String key, String value) {
            primary.put(p, key.getBytes(UTF_8), value.getBytes(UTF_8));
            writes.computeIfAbsent(p + "/" + key, x -> new ArrayList<>()).add(new long[] {primary.sequence(p), 0});
        }

        void remove(int p, String key) {
            long before = primary.sequence(p);
            primary.remove(p, key.getBytes(UTF_8));
            if (primary.sequence(p) != before) {
                writes.computeIfAbsent(p + "/" + key, x -> new ArrayList<>()).add(new long[] {primary.sequence(p), 1});
            }
        }

        /**
         * A backup the table lists in sync holds every acknowledged write of the partition: it has reached the write's
         * version, and holds the key as the primary's last write to it up to the backup's sequence left it. Else
         * promoting it would lose the write. Null when so, else what is missing.
         */
        String inSyncMissing() {
            for (Object[] a : acked) {
                int p = (int) a[0];
                if (!table.inSync(p).contains(B)) {
                    continue;
                }
                String key = (String) a[1];
                long version = (long) a[2];
                long reached = backup.sequence(p);
                long[] last = null; // the primary's last write to the key up to the backup's sequence
                for (long[] wr : writes.get(p + "/" + key)) {
                    if (wr[0] <= reached) {
                        last = wr;
                    }
                }
                long held = -1;
                SkipList.Cursor c = backup.partitionCursor(p, key.getBytes(UTF_8));
                if (c.valid() && java.util.Arrays.equals(c.key(), key.getBytes(UTF_8))) {
                    held = c.version();
                }
                boolean ok = reached >= version && last != null && (last[1] == 1 ? held < 0 : held == last[0]);
                if (!ok) {
                    return "partition " + p + " at epoch " + table.epoch() + " lists the backup in sync, but at sequence "
                            + reached + " it holds " + key + " at version " + held + ", the acknowledged write was "
                            + version + " (" + replicator.describe(p) + ")";
                }
            }
            return null;
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

    /**
     * A batch that waits on two partitions: when one of them changes primary, only that one is of unknown outcome;
     * the other still waits for its own backup, and is answered only once that backup holds its write. The shard
     * used to release the whole batch with the first partition that changed primary (or waited too long), so a GET
     * batched with it returned a write no backup held (a chaos run at R = 3 read a value that the failover then
     * lost).
     */
    @Test
    void aBatchOverTwoPartitions_onePrimaryChanges_theOtherStillWaitsForItsBackup() throws Exception {
        World w = new World(false);
        w.replicator.refresh();
        w.settle(); // B is copied and joins every partition's in-sync set
        assertTrue(w.table.inSync(2).contains(B) && w.table.inSync(1).contains(B));
        w.put(1, "a", "1");
        w.put(2, "b", "2");
        long version = w.primary.sequence(2);
        java.util.List<Integer> unknown = new ArrayList<>();
        boolean[] done = {false};
        long[] heldAtFirstAnswer = {-1}; // partition 2's sequence on the backup when the batch first heard anything
        w.replicator.whenReplicated(new int[] {1, 2}, () -> {
            heldAtFirstAnswer[0] = heldAtFirstAnswer[0] < 0 ? w.backup.sequence(2) : heldAtFirstAnswer[0];
            done[0] = true;
        }, p -> {
            heldAtFirstAnswer[0] = heldAtFirstAnswer[0] < 0 ? w.backup.sequence(2) : heldAtFirstAnswer[0];
            unknown.add(p);
        });
        w.owners[1] = 1; // partition 1's primary moves to B: its outcome here is unknown
        w.terms[1] = 2;
        w.publish();
        w.settle();
        assertTrue(heldAtFirstAnswer[0] >= version, "the batch was answered before partition 2's backup held its write");
        assertTrue(done[0]);
        assertEquals(List.of(1), unknown, "only partition 1 is of unknown outcome");
        assertTrue(w.table.inSync(2).contains(B), "partition 2's backup stayed in sync");
    }

    /**
     * Sealing at a promotion. Both copies followed B's stream at term 1 and took different amounts of its last
     * messages; A is promoted at term 2 and B stays its in-sync backup (as a third copy would after a primary's
     * death). Where B is behind, A sends it the changes it lacks from its recent history (its own new writes
     * included); where B is ahead, B takes back what A never had from its own history, then takes A's. B stays in
     * the in-sync set throughout, and both copies end equal. Where the history kept does not reach back far enough,
     * B is asked out, reset and copied instead, and ends equal too.
     */
    @Test
    void promotedPrimary_sealsBackupsBehindAndAheadFromRecentHistory_resetsThoseBeyondIt() throws Exception {
        World w = new World(true);
        w.backup.keepRecent(new io.amdb.node.storage.RecentChanges(P, 1 << 20));
        java.util.Arrays.fill(w.owners, 1); // B is every partition's primary at term 1, A its in-sync backup
        w.publish();
        SplittableRandom random = new SplittableRandom(TestSeed.get());
        int behind = 0;
        int ahead = 1;
        int unkept = 2;
        int aheadUnkept = 3;
        for (int p = 0; p < P; p++) {
            w.primary.follow(p, 1);
            w.backup.follow(p, 1);
            w.backup.holdHistory(p); // its copy holds term 1's history (a START taken)
        }
        streamToBoth(w, random, 3_000, 200); // the old primary's stream, taken by both copies
        for (int i = 0; i < 40; i++) { // the last messages of the stream reached one copy only
            byte[] key = ("k" + random.nextInt(200)).getBytes(UTF_8);
            byte[] value = i % 7 == 0 ? null : ("late" + i).getBytes(UTF_8);
            w.primary.applyChange(behind, key, value, w.primary.sequence(behind) + 1);
            w.backup.applyChange(ahead, key, value, w.backup.sequence(ahead) + 1);
            w.backup.applyChange(aheadUnkept, key, value, w.backup.sequence(aheadUnkept) + 1);
        }
        w.backup.recent().forget(aheadUnkept); // as a copy's entries would make it: B cannot take these back
        w.primary.dropPartition(unkept); // then given the same entries back by a copy: no history kept for them
        w.backup.resetPartition(unkept, 0);
        for (int i = 0; i < 10; i++) {
            w.backup.applyChange(unkept, ("u" + i).getBytes(UTF_8), "x".getBytes(UTF_8), i + 1);
        }
        w.primary.follow(unkept, 1);
        w.backup.follow(unkept, 1);
        w.backup.holdHistory(unkept);
        w.primary.raiseSequence(unkept, 20); // A is ahead of B here, with nothing of it kept as history
        java.util.Arrays.fill(w.owners, 0); // B's primacy ends: A is promoted at term 2, B stays its backup, in sync
        java.util.Arrays.fill(w.terms, 2);
        w.publish();
        w.write(behind, "new", "after the promotion"); // a write of the new term, before the backup is probed
        w.settle();
        for (int p = 0; p < P; p++) {
            assertTrue(w.table.inSync(p).contains(B), "partition " + p + " ends with B in sync");
            assertEquals(w.primary.sequence(p), w.backup.sequence(p), "partition " + p + "'s sequence on B");
            assertEquals(entries(w.primary, p), entries(w.backup, p), "partition " + p + " on B");
        }
        assertEquals(0, w.fence[behind], "the backup behind was sealed: never asked out of the in-sync set");
        assertEquals(0, w.fence[ahead], "the backup ahead was sealed: never asked out of the in-sync set");
        assertTrue(w.fence[unkept] > 0, "the backup behind by more than the history kept was asked out, then reset");
        assertTrue(w.fence[aheadUnkept] > 0, "the backup ahead, without the history to go back, was asked out, then reset");
        assertEquals(1, w.acked.size(), "the new term's write was acknowledged");
    }

    /**
     * Catch-up of backups out of the in-sync set (one restarted on its data directory, or whose stream broke). A is
     * promoted at term 2 from following B's term 1; B is its backup, not in sync, and its copy holds: term 2's history,
     * behind; term 1's history, behind where term 2 began; term 1's history beyond it (the old primary's writes A never
     * had, which B can take back); a copy being received (no history); term 1's history where A's copy of the partition
     * came from elsewhere (A's copy followed no stream). The first three are caught up from A's recent history while A
     * keeps writing, the last two are copied afresh; every partition ends in sync and equal.
     */
    @Test
    void backupsOutOfSync_holdingAHistoryThisPrimaryContinues_areCaughtUpWhileWritten_othersCopied() throws Exception {
        CopyStats[] stats = new CopyStats[1];
        World w = new World(false, x -> stats[0] = new CopyStats(1, CopyThrottle.UNLIMITED), p -> true);
        w.primary.keepRecent(new io.amdb.node.storage.RecentChanges(P, 1 << 20)); // as from its first table on
        w.backup.keepRecent(new io.amdb.node.storage.RecentChanges(P, 1 << 20));
        int sameTerm = 0;
        int behind = 1;
        int ahead = 2;
        int receiving = 3;
        int unrelated = 4;
        SplittableRandom random = new SplittableRandom(TestSeed.get());
        for (int p = 0; p < P; p++) {
            w.primary.follow(p, 1);
            w.backup.follow(p, 1);
            w.backup.holdHistory(p);
        }
        streamToBoth(w, random, 2_000, 100); // term 1's stream, taken by both copies
        for (int i = 0; i < 30; i++) { // the end of term 1's stream reached one copy only
            byte[] key = ("k" + random.nextInt(100)).getBytes(UTF_8);
            byte[] value = i % 7 == 0 ? null : ("late" + i).getBytes(UTF_8);
            w.primary.applyChange(behind, key, value, w.primary.sequence(behind) + 1);
            w.backup.applyChange(ahead, key, value, w.backup.sequence(ahead) + 1);
        }
        w.backup.follow(sameTerm, 2); // B took term 2's START before its stream broke
        w.backup.holdHistory(sameTerm);
        w.backup.resetPartition(receiving, w.backup.sequence(receiving));
        w.backup.follow(receiving, 2);
        w.primary.dropPartition(unrelated); // A's copy came by a migration: it followed no stream
        w.primary.apply(unrelated, "m".getBytes(UTF_8), "moved".getBytes(UTF_8), w.primary.sequence(unrelated) + 1);
        java.util.Arrays.fill(w.terms, 2);
        w.publish();
        for (int i = 0; i < 200; i++) { // term 2 writes on, while its backups are asked where they stand
            w.write(i % 5, "new" + (i % 40), "t2-" + i);
            w.replicator.flush();
            if (i % 3 == 0 && !w.inFlight.isEmpty()) {
                w.deliver();
            }
            w.grant();
        }
        w.settle();
        for (int p = 0; p < P; p++) {
            assertTrue(w.table.inSync(p).contains(B), "partition " + p + " ends with B in sync");
            assertEquals(w.primary.sequence(p), w.backup.sequence(p), "partition " + p + "'s sequence on B");
            assertEquals(entries(w.primary, p), entries(w.backup, p), "partition " + p + " on B");
            assertEquals(2, w.backup.heldTerm(p), "partition " + p + ": B's copy holds term 2's history");
        }
        // Partitions 5..7 had missed nothing (a RESUME taken at once); 0..2 were sealed; 3 and 4 were reset.
        assertEquals(2, stats[0].resets(), "only the copy being received and the unrelated one were copied afresh");
        assertEquals(P - 2, stats[0].catchUps(), "every other partition was caught up");
        assertEquals(null, w.inSyncMissing());
    }

    /**
     * A backup of this term's history that missed the primary's last writes (restarted, or its stream broke) is caught
     * up when the primary's backlog ({@code --replication-backlog-mb}) still holds every change it missed, and copied
     * afresh when it does not. The same writes with two backlogs: one that holds them all, one of 8 KiB.
     */
    @Test
    void backupBehind_caughtUpWithinTheBacklog_copiedAfreshBeyondIt() throws Exception {
        for (long backlog : new long[] {1 << 20, 8 << 10}) {
            CopyStats[] stats = new CopyStats[1];
            World w = new World(false, x -> stats[0] = new CopyStats(1, CopyThrottle.UNLIMITED), p -> true, backlog);
            w.replicator.refresh(); // the primary keeps its backlog from its first table on
            for (int p = 0; p < P; p++) {
                w.backup.follow(p, 1);
                w.backup.holdHistory(p);
            }
            SplittableRandom random = new SplittableRandom(TestSeed.get());
            streamToBoth(w, random, 500, 100); // what the backup took of term 1 before it fell behind
            for (int i = 0; i < 400; i++) { // about 40 KiB of changes it missed (each counted with its overhead)
                w.put(i % P, "k" + random.nextInt(100), "missed-" + i);
            }
            w.settle();
            for (int p = 0; p < P; p++) {
                assertTrue(w.table.inSync(p).contains(B), "backlog " + backlog + ", partition " + p + " ends in sync");
                assertEquals(entries(w.primary, p), entries(w.backup, p), "backlog " + backlog + ", partition " + p);
            }
            boolean holdsAll = backlog > 100 << 10;
            assertEquals(holdsAll ? 0 : P, stats[0].resets(), "backlog " + backlog + ": partitions copied afresh");
            assertEquals(holdsAll ? P : 0, stats[0].catchUps(), "backlog " + backlog + ": partitions caught up");
        }
    }

    /** {@code changes} random puts and deletes (one in five) over {@code keys} keys, applied alike to both copies. */
    private static void streamToBoth(World w, SplittableRandom random, int changes, int keys) {
        for (int i = 0; i < changes; i++) {
            int p = random.nextInt(P);
            byte[] key = ("k" + random.nextInt(keys)).getBytes(UTF_8);
            byte[] value = random.nextInt(5) == 0 ? null : ("v" + i).getBytes(UTF_8);
            long version = w.primary.sequence(p) + 1;
            w.primary.applyChange(p, key, value, version);
            w.backup.applyChange(p, key, value, version);
        }
    }

    /** The partition's entries as "key=value@version" lines, in key order. */
    private static List<String> entries(ShardStore store, int p) {
        List<String> out = new ArrayList<>();
        for (SkipList.Cursor c = store.partitionCursor(p, null); c.valid(); c.next()) {
            out.add(new String(c.key(), UTF_8) + "=" + new String(c.value(), UTF_8) + "@" + c.version());
        }
        return out;
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
     * An add the coordinator answers late, after the stream to the backup failed: the primary used to count the
     * backup in sync for 0.5 s only, then acknowledge writes without it and copy it afresh; the late add then listed
     * in sync a backup holding neither. Now the backup stays required, and is not copied afresh, until no add asked
     * for it can take effect: the primary asks it out, which fences every earlier add (the coordinator refuses them,
     * or they came first and the removal undoes them).
     */
    @Test
    void anAddAnsweredLate_afterTheStreamFailed_neverListsABackupWithoutTheAcknowledgedWrites() throws Exception {
        for (boolean addFirst : new boolean[] {true, false}) {
            World w = new World(false);
            w.replicator.refresh();
            for (int i = 0; i < 50; i++) {
                w.write(0, "k" + i, "v" + i);
            }
            for (int i = 0; i < 100 && !asksToAdd(w, 0); i++) { // copied, caught up: the add is asked
                w.replicator.flush();
                while (!w.inFlight.isEmpty()) {
                    w.deliver();
                }
                w.now += Replicator.RETRY_NANOS;
            }
            assertTrue(asksToAdd(w, 0), "the add is out");
            List<Object[]> delayed = new ArrayList<>(w.asked); // the coordinator takes them late
            w.asked.clear();
            w.now += 4 * Replicator.ASK_AGAIN_NANOS; // the coordinator is slow
            w.replicator.flush();
            w.write(0, "late", "x");
            w.replicator.flush();
            while (!w.inFlight.isEmpty()) {
                w.timeOut(false); // the stream fails: the write never reaches the backup
            }
            w.now += Replicator.RETRY_NANOS + Replicator.ASK_AGAIN_NANOS;
            w.replicator.flush(); // the backup's stream starts over
            w.write(0, "later", "y");
            w.replicator.flush();
            if (addFirst) {
                for (int i = delayed.size() - 1; i >= 0; i--) {
                    w.asked.addFirst(delayed.get(i));
                }
            } else { // the removal overtakes the add (say the add was asked of a coordinator since replaced)
                w.asked.addAll(delayed);
            }
            while (!w.asked.isEmpty()) {
                w.answerOldest();
                assertEquals(null, w.inSyncMissing(), "the add answered " + (addFirst ? "first" : "after the removal"));
                w.replicator.flush();
            }
            while (!w.inFlight.isEmpty()) {
                w.deliver();
                assertEquals(null, w.inSyncMissing(), "while the backup catches up");
            }
            w.settle();
            assertEquals(null, w.inSyncMissing(), "settled");
            assertTrue(w.table.inSync(0).contains(B), "copied again and in sync in the end");
            assertTrue(w.acked.stream().anyMatch(a -> "late".equals(a[1])), "the write was acknowledged in the end");
            assertSameData(w);
        }
    }

    /**
     * The answer to an add arrives after a table gave the partition to another primary (the follower was let go of):
     * the answer is ignored, and once a table makes this node the primary again, the backup is copied afresh. The answer used to queue the let-go
     * follower for another step, which then failed on every flush for want of the partition's primary state (a chaos
     * run's node logged the NullPointerException every 50 ms).
     */
    @Test
    void anAddAnsweredAfterThePartitionMovedAway_isIgnored() throws Exception {
        World w = new World(false);
        w.replicator.refresh();
        w.write(0, "k", "v");
        for (int i = 0; i < 100 && !asksToAdd(w, 0); i++) {
            w.replicator.flush();
            while (!w.inFlight.isEmpty()) {
                w.deliver();
            }
            w.now += Replicator.RETRY_NANOS;
        }
        assertTrue(asksToAdd(w, 0), "the add is out");
        w.owners[0] = 1; // then partition 0 moves to the other node: this one is no longer its primary
        w.terms[0] = 2;
        w.inSync[0] = false;
        w.publish();
        w.grant(); // answered for the follower let go of
        for (int i = 0; i < 10; i++) {
            w.now += Replicator.ASK_AGAIN_NANOS;
            w.replicator.flush(); // threw before
        }
        w.owners[0] = 0; // primary again
        w.terms[0] = 3;
        w.inSync[0] = false;
        w.publish();
        w.settle();
        assertTrue(w.table.inSync(0).contains(B), "primary again: the backup copied and in sync");
        assertSameData(w);
    }

    /** Whether a request the coordinator holds asks to add the backup of {@code partition}. */
    @SuppressWarnings("unchecked")
    private static boolean asksToAdd(World w, int partition) {
        return w.asked.stream().flatMap(r -> ((List<InSyncChange>) r[0]).stream())
                .anyMatch(c -> c.partition() == partition && c.inSync());
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
     * Random writes, deletes, deliveries, timeouts (the message applied or not), and in-sync requests answered late,
     * in order, or lost (taken by the coordinator or not): the backup never holds another history, every request
     * answered while the backup was in sync finds its write there, a table never lists the backup in sync without
     * every acknowledged write, and after everything is delivered the backup equals the primary.
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
                    w.put(p, new String(key, UTF_8), "v" + step);
                    long version = w.primary.sequence(p);
                    boolean inSync = w.table.inSync(p).contains(B);
                    String k = new String(key, UTF_8);
                    boolean[] unknown = {false};
                    w.replicator.whenReplicated(new int[] {p}, () -> {
                        if (unknown[0]) {
                            return;
                        }
                        if (inSync && w.table.inSync(p).contains(B)) { // in sync all along: it must hold the write
                            assertTrue(w.backup.sequence(p) >= version, where + ": answered before the in-sync "
                                    + "backup took version " + version + " (it holds " + w.backup.sequence(p) + ")");
                        }
                        w.acked.add(new Object[] {p, k, version});
                    }, q -> unknown[0] = true);
                } else if (what < 6) {
                    w.remove(p, new String(key, UTF_8));
                } else if (what < 8 && !w.inFlight.isEmpty()) {
                    w.deliver();
                } else if (what < 9 && !w.inFlight.isEmpty()) {
                    w.timeOut(random.nextBoolean());
                } else if (!w.asked.isEmpty()) { // the coordinator answers its oldest request, or the answer is lost
                    int fate = random.nextInt(4);
                    if (fate < 2) {
                        w.answerOldest();
                    } else {
                        w.loseOldestAnswer(fate == 2);
                    }
                }
                w.now += random.nextInt(100) * 1_000_000L;
                w.replicator.flush();
                String d = divergence(w); // a backup streaming at the primary's sequence holds exactly its data
                if (d != null) {
                    throw new AssertionError(where + " step " + step + " action " + what + ": " + d);
                }
                String missing = w.inSyncMissing();
                if (missing != null) {
                    throw new AssertionError(where + " step " + step + " action " + what + ": " + missing);
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
