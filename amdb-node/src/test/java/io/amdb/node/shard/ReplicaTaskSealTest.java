package io.amdb.node.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.amdb.node.replicate.StreamFormat;
import io.amdb.node.storage.Changes;
import io.amdb.node.storage.ShardStore;
import io.amdb.protocol.WireWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backup's side of a SEAL (docs/PEERS.md): taken only by a copy that follows exactly the term it names, at the
 * sequence it starts after, with changes numbered on from there; then the copy follows the new term. Anything
 * else is refused as a GAP, with nothing applied.
 */
class ReplicaTaskSealTest {
    private static final int P = 1;
    private static final byte[] KEY = {4};

    @Test
    void aSealAtTheCopysTermAndSequence_isApplied_andTheCopyFollowsTheNewTerm() throws Exception {
        ShardStore store = backupAt(3, 10);
        ReplicaTask task = run(store, seal(3, 10, 11, 12));
        assertEquals(List.of(), task.refusals());
        assertEquals(12, store.sequence(P));
        assertArrayEquals(new byte[] {12}, store.get(P, KEY));
        assertEquals(7, store.followedTerm(P));
    }

    @Test
    void aSealForAnotherTerm_orAnotherSequence_orWithAHole_isRefusedAndNothingApplied() throws Exception {
        for (List<StreamFormat.Section> wrong : List.of(seal(2, 10, 11, 12), seal(3, 9, 10, 11), seal(3, 10, 12, 13),
                seal(3, 10, 11, 13))) {
            ShardStore store = backupAt(3, 10);
            ReplicaTask task = run(store, wrong);
            assertEquals(List.of(new StreamFormat.Refusal(P, StreamFormat.GAP, 10, 3)), task.refusals());
            assertEquals(10, store.sequence(P));
            assertNull(store.get(P, KEY));
            assertEquals(3, store.followedTerm(P));
        }
    }

    @Test
    void aSealOfTheSameTerm_bringsABehindCopyOn_butNeverTakesItBack() throws Exception {
        ShardStore store = backupAt(7, 10);
        ReplicaTask task = run(store, seal(7, 10, 11, 12));
        assertEquals(List.of(), task.refusals());
        assertEquals(12, store.sequence(P));
        assertEquals(7, store.heldTerm(P));

        ShardStore ahead = backupAt(7, 10);
        task = run(ahead, seal(7, 9, 10, 11));
        assertEquals(List.of(new StreamFormat.Refusal(P, StreamFormat.GAP, 10, 7)), task.refusals());
        assertEquals(10, ahead.sequence(P));
    }

    @Test
    void aCopyBeingReceived_followsTheTermButHoldsNoHistory_soNeitherSealNorResumeIsTaken() throws Exception {
        ShardStore store = new ShardStore(2, 1);
        store.resetPartition(P, 10); // a RESET: the COPY chunks are still to come
        store.follow(P, 7);
        ReplicaTask task = run(store, seal(7, 10, 11));
        assertEquals(List.of(new StreamFormat.Refusal(P, StreamFormat.GAP, 10, -1)), task.refusals());
        task = run(store, resume(7, 10));
        assertEquals(List.of(new StreamFormat.Refusal(P, StreamFormat.GAP, 10, -1)), task.refusals());
        assertEquals(7, store.followedTerm(P));
    }

    @Test
    void aResume_isTakenByACopyHoldingTheTermUpToTheSequence_andRefusedWithWhereItStandsOtherwise() throws Exception {
        assertEquals(List.of(), run(backupAt(7, 10), resume(7, 10)).refusals());
        assertEquals(List.of(new StreamFormat.Refusal(P, StreamFormat.GAP, 9, 7)), run(backupAt(7, 9), resume(7, 10)).refusals());
        // An earlier term's copy at the very sequence is not taken: the primary must say which history goes on.
        assertEquals(List.of(new StreamFormat.Refusal(P, StreamFormat.GAP, 10, 3)), run(backupAt(3, 10), resume(7, 10)).refusals());
    }

    @Test
    void aSealAfterAChangeRefusedInTheSameMessage_isStillTaken() throws Exception {
        ShardStore store = backupAt(7, 10);
        WireWriter w = new WireWriter();
        StreamFormat.header(w, "a", 0, 1, 0, 5);
        StreamFormat.change(w, P, 7);
        Changes.put(w, KEY, new byte[] {13}, 13); // sent before the primary knew the copy is behind: refused
        WireWriter changes = new WireWriter();
        for (long v = 11; v <= 13; v++) {
            Changes.put(changes, KEY, new byte[] {(byte) v}, v);
        }
        StreamFormat.seal(w, P, 7, 7, 10, changes.array(), changes.size());
        StreamFormat.start(w, P, 7, 1, 13);
        ReplicaTask task = run(store, StreamFormat.decode(w.toByteArray(), 2).sections());
        assertEquals(List.of(), task.refusals());
        assertEquals(13, store.sequence(P));
        assertArrayEquals(new byte[] {13}, store.get(P, KEY));
    }

    /** A backup's copy that holds {@code term}'s history up to {@code sequence} (of partition {@link #P}). */
    static ShardStore backupAt(long term, long sequence) {
        ShardStore store = new ShardStore(2, 1);
        store.raiseSequence(P, sequence);
        store.follow(P, term);
        store.holdHistory(P);
        return store;
    }

    private static List<StreamFormat.Section> resume(long term, long seq) throws Exception {
        WireWriter w = new WireWriter();
        StreamFormat.header(w, "a", 0, 1, 0, 5);
        StreamFormat.resume(w, P, term, seq);
        return StreamFormat.decode(w.toByteArray(), 2).sections();
    }

    /** A SEAL from the primary of term 7 for a copy of {@code followedTerm} at {@code after}, with these versions. */
    private static List<StreamFormat.Section> seal(long followedTerm, long after, long... versions) throws Exception {
        WireWriter changes = new WireWriter();
        for (long v : versions) {
            Changes.put(changes, KEY, new byte[] {(byte) v}, v);
        }
        WireWriter w = new WireWriter();
        StreamFormat.header(w, "a", 0, 1, 0, 5);
        StreamFormat.seal(w, P, 7, followedTerm, after, changes.array(), changes.size());
        return StreamFormat.decode(w.toByteArray(), 2).sections();
    }

    private static ReplicaTask run(ShardStore store, List<StreamFormat.Section> sections) {
        ReplicaTask task = new ReplicaTask(sections);
        while (!task.runOn(store, 1000)) {
            // slices until done
        }
        return task;
    }
}
