package io.amdb.node.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real Ratis replicas in one JVM, on loopback: founding, adding replicas, and the stale-proposal rule. */
class TableGroupTest {
    private static final long WAIT_S = 60;
    @TempDir
    Path dir;
    private final List<TableGroup> groups = new ArrayList<>();

    /** The events of one replica, as queues a test takes from (bounded waits, no sleeps). */
    static final class Recorder implements TableEvents {
        final BlockingQueue<PartitionTable> applied = new LinkedBlockingQueue<>();
        final BlockingQueue<Boolean> ready = new LinkedBlockingQueue<>();
        final BlockingQueue<Boolean> closed = new LinkedBlockingQueue<>();

        @Override
        public void replicaClosed() {
            closed.add(true);
        }

        @Override
        public void applied(PartitionTable table) {
            applied.add(table);
        }

        @Override
        public void leaderChanged(RaftPeerId leader) {
        }

        @Override
        public void leaderReady() {
            ready.add(true);
        }

        PartitionTable next() throws InterruptedException {
            PartitionTable t = applied.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(t, "no table applied within " + WAIT_S + " s");
            return t;
        }
    }

    @AfterEach
    void close() {
        groups.forEach(TableGroup::close);
    }

    /** {@code a} founds the group and leads it; {@code b}, then {@code c}, join it as voters, one step each. */
    private static void threeVoters(TableGroup a, Recorder ra, TableGroup b, TableGroup c) throws Exception {
        a.found().get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(ra.ready.poll(WAIT_S, TimeUnit.SECONDS), "the founder leads");
        b.joinEmpty(a.groupId()).get(WAIT_S, TimeUnit.SECONDS);
        a.configure(List.of(a.self(), b.self()), List.of()).get(WAIT_S, TimeUnit.SECONDS);
        c.joinEmpty(a.groupId()).get(WAIT_S, TimeUnit.SECONDS);
        a.configure(List.of(a.self(), b.self(), c.self()), List.of()).get(WAIT_S, TimeUnit.SECONDS);
    }

    private TableGroup start(String id, Recorder events) throws Exception {
        TableGroup g = TableGroup.start(id, "127.0.0.1", 0, Files.createDirectories(dir.resolve(id)), events);
        groups.add(g);
        return g;
    }

    private static PartitionTable table(long epoch, String... owners) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < owners.length; i++) {
            members.add(new Member(owners[i], "127.0.0.1", 7000 + i));
        }
        return new PartitionTable(epoch, 4, members, new int[4], List.of());
    }

    @Test
    void propose_threeReplicas_everyReplicaAppliesTheSameTablesInOrder() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Recorder rc = new Recorder();
        TableGroup a = start("a", ra);
        TableGroup b = start("b", rb);
        TableGroup c = start("c", rc);
        a.found().get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(ra.ready.poll(WAIT_S, TimeUnit.SECONDS), "the founder leads");
        b.joinEmpty(a.groupId()).get(WAIT_S, TimeUnit.SECONDS);
        c.joinEmpty(a.groupId()).get(WAIT_S, TimeUnit.SECONDS);
        a.configure(List.of(a.self(), b.self()), List.of(c.self())).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(new VoterPlan.Conf(Set.of("a", "b"), Set.of("c")), a.conf());

        assertTrue(a.propose(0, table(1, "a")).get(WAIT_S, TimeUnit.SECONDS).applied());
        assertTrue(a.propose(1, table(2, "a", "b")).get(WAIT_S, TimeUnit.SECONDS).applied());
        TableEntry.Outcome stale = a.propose(1, table(3, "a", "c")).get(WAIT_S, TimeUnit.SECONDS);
        assertFalse(stale.applied(), "a proposal on top of epoch 1 after epoch 2 committed");
        assertEquals(2, stale.epoch());

        for (Recorder r : List.of(ra, rb, rc)) {
            assertEquals(1, r.next().epoch());
            assertEquals(2, r.next().epoch());
        }
        assertEquals(2, c.table().epoch(), "a listener applies the committed tables too");
    }

    /**
     * A voter removed from the configuration while it ran is closed by Ratis at its next election (it finds itself
     * outside the configuration) and the node is told. Reopened, it runs again on its own log, table included; the
     * leader can then add it back as it adds any replica, and it applies the tables that follow. Before, a closed
     * replica stayed closed for good, and a configuration that listed it again got a member that applied nothing.
     */
    @Test
    void replicaClosedOutsideTheConfiguration_isReopenedOnItsLog_andCanBeAddedBack() throws Exception {
        Recorder ra = new Recorder();
        Recorder rc = new Recorder();
        TableGroup a = start("a", ra);
        TableGroup b = start("b", new Recorder());
        TableGroup c = start("c", rc);
        threeVoters(a, ra, b, c);
        assertTrue(a.propose(0, table(1, "a")).get(WAIT_S, TimeUnit.SECONDS).applied());
        assertEquals(1, rc.next().epoch());
        assertFalse(c.reopenIfClosed().get(WAIT_S, TimeUnit.SECONDS), "a running replica is left alone");

        a.configure(List.of(a.self(), b.self()), List.of()).get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(rc.closed.poll(WAIT_S, TimeUnit.SECONDS), "Ratis closed the removed voter at its election");
        assertFalse(c.replicaRunning());
        assertTrue(c.reopenIfClosed().get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(1, c.table().epoch(), "reopened on its own log");

        c.joinEmpty(a.groupId()).get(WAIT_S, TimeUnit.SECONDS); // as the leader asks a live replica it does not list
        a.configure(List.of(a.self(), b.self(), c.self()), List.of()).get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(a.propose(1, table(2, "a", "c")).get(WAIT_S, TimeUnit.SECONDS).applied());
        PartitionTable t;
        do {
            t = rc.next();
        } while (t.epoch() < 2);
        assertEquals(2, t.epoch(), "added back, it applies what follows");
        assertTrue(c.replicaRunning());
    }

    @Test
    void propose_onFollower_fails() throws Exception {
        Recorder ra = new Recorder();
        TableGroup a = start("a", ra);
        TableGroup b = start("b", new Recorder());
        a.found().get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(ra.ready.poll(WAIT_S, TimeUnit.SECONDS));
        b.joinEmpty(a.groupId()).get(WAIT_S, TimeUnit.SECONDS);
        a.configure(List.of(a.self()), List.of(b.self())).get(WAIT_S, TimeUnit.SECONDS);
        var proposed = b.propose(0, table(1, "b"));
        java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> proposed.get(WAIT_S, TimeUnit.SECONDS));
        assertNotNull(e.getCause());
        assertEquals(null, a.table(), "nothing was committed");
    }

    @Test
    void start_durableReplica_recoversItsGroupAndTable() throws Exception {
        Recorder ra = new Recorder();
        TableGroup a = start("a", ra);
        a.found().get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(ra.ready.poll(WAIT_S, TimeUnit.SECONDS));
        a.propose(0, table(1, "a")).get(WAIT_S, TimeUnit.SECONDS);
        var gid = a.groupId();
        RaftPeer before = a.self();
        a.close();
        groups.remove(a);

        Recorder again = new Recorder();
        TableGroup back = start("a", again);
        assertEquals(gid, back.groupId());
        assertEquals(before.getAddress(), back.self().getAddress(), "the recorded port is reused");
        assertEquals(1, again.next().epoch());
        assertTrue(again.ready.poll(WAIT_S, TimeUnit.SECONDS), "the single voter leads again");
        assertTrue(back.propose(1, table(2, "a")).get(WAIT_S, TimeUnit.SECONDS).applied());
    }

    /**
     * A durable node's replica id comes with its directory: recorded at its first start and the same at every
     * later one; a new directory (a replaced disk) gives a new id, and a directory with a log written before ids
     * were recorded keeps the node id. An id of another node is refused.
     */
    @Test
    void durablePeerId_recordedWithTheDirectory_newForANewOne() throws Exception {
        String first = TableGroup.durablePeerId(dir.resolve("n"), "node-1");
        assertTrue(first.startsWith("node-1~") && first.length() > "node-1~".length(), first);
        assertEquals(first, TableGroup.durablePeerId(dir.resolve("n"), "node-1"), "the same directory, the same id");
        String second = TableGroup.durablePeerId(dir.resolve("lost"), "node-1");
        assertFalse(second.equals(first), "a new directory, a new replica: " + second);
        Files.createDirectories(dir.resolve("old").resolve("log"));
        assertEquals("node-1", TableGroup.durablePeerId(dir.resolve("old"), "node-1"), "a log from before keeps its id");
        assertEquals("node-1", TableGroup.durablePeerId(dir.resolve("old"), "node-1"));
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> TableGroup.durablePeerId(dir.resolve("n"), "node-2"));
        assertTrue(e.getMessage().contains(first), e.getMessage());
    }

    /** A replica added after the leader snapshotted and purged its log gets the snapshot, then the entries. */
    @Test
    void joinEmpty_afterSnapshot_newReplicaInstallsTheSnapshot() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        TableGroup a = start("a", ra);
        TableGroup b = start("b", rb);
        a.found().get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(ra.ready.poll(WAIT_S, TimeUnit.SECONDS));
        long epochs = TableGroup.SNAPSHOT_EVERY + 40;
        for (long e = 1; e <= epochs; e++) {
            assertTrue(a.propose(e - 1, table(e, "a")).get(WAIT_S, TimeUnit.SECONDS).applied());
        }
        b.joinEmpty(a.groupId()).get(WAIT_S, TimeUnit.SECONDS);
        a.configure(List.of(a.self(), b.self()), List.of()).get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(a.propose(epochs, table(epochs + 1, "a", "b")).get(WAIT_S, TimeUnit.SECONDS).applied());
        PartitionTable last;
        do {
            last = rb.next();
        } while (last.epoch() < epochs + 1);
        assertEquals(epochs + 1, last.epoch());
        assertEquals(epochs + 1, b.table().epoch());
    }

    /**
     * A voter restarted on its log replays the tables it had (its own commit index is older than the cluster's);
     * once it has applied up to the ready leader's commit index it holds the newest table the cluster committed
     * while it was down. Only a ready leader reports a commit index.
     */
    @Test
    void appliedIndex_restartedVoterReachesLeadersCommitIndex_holdsTheNewestCommittedTable() throws Exception {
        Recorder ra = new Recorder();
        TableGroup a = start("a", ra);
        TableGroup b = start("b", new Recorder());
        TableGroup c = start("c", new Recorder());
        assertEquals(-1, a.leaderCommitIndex(), "in no group yet");
        threeVoters(a, ra, b, c);
        for (long e = 1; e <= 3; e++) {
            assertTrue(a.propose(e - 1, table(e, "a")).get(WAIT_S, TimeUnit.SECONDS).applied());
        }
        assertEquals(-1, b.leaderCommitIndex(), "a follower");
        awaitApplied(c, a.leaderCommitIndex());
        assertEquals(3, c.table().epoch());
        c.close();
        groups.remove(c);
        for (long e = 4; e <= 10; e++) {
            assertTrue(a.propose(e - 1, table(e, "a")).get(WAIT_S, TimeUnit.SECONDS).applied(), "a and b commit");
        }

        TableGroup back = start("c", new Recorder());
        awaitApplied(back, a.leaderCommitIndex());
        assertEquals(10, back.table().epoch(), "the restarted voter holds the table committed while it was down");
    }

    /** Polls (bounded) until {@code g} has applied up to {@code index}. */
    private static void awaitApplied(TableGroup g, long index) throws InterruptedException {
        assertTrue(index > 0, "a ready leader's commit index");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (g.appliedIndex() < index) {
            assertTrue(System.nanoTime() < deadline, "applied " + g.appliedIndex() + " of " + index + " within " + WAIT_S + " s");
            TimeUnit.MILLISECONDS.sleep(20); // polling interval, bounded by the deadline
        }
    }
}
