package io.amdb.node.shard;

import io.amdb.node.PartitionTrace;
import io.amdb.node.replicate.StreamFormat;
import io.amdb.node.replicate.StreamFormat.Refusal;
import io.amdb.node.replicate.StreamFormat.Section;
import io.amdb.node.storage.Changes;
import io.amdb.node.storage.ShardStore;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.WireReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A backup's side of the replication stream on one shard: applies, in order, the sections of one message for
 * this shard's partitions, and reports the partitions whose copy does not continue the primary's history
 * ({@link StreamFormat#GAP}): nothing more of such a partition is applied from the message.
 *
 * <p>The rules (docs/PEERS.md, "Replication stream"): a START of term t at sequence s, where the term began at
 * {@code termStart}, is taken when the copy follows t and is at s, or follows an earlier term and is at
 * s = termStart (the new primary has written nothing yet); a RESET drops the copy and follows t from its
 * sequence; a CHANGE must follow t and carry the next version (one it holds already, resent, is skipped); a COPY
 * must follow t. A START of the term it follows is taken at any sequence from s on (resent). The caller has checked the
 * sections against its table. A RESUME of t at s is taken when the copy holds t's history complete up to s or
 * beyond. A SEAL is taken when the copy holds exactly the history of the term it names, is at its sequence or,
 * for an earlier term's history, can be taken back to it ({@link ShardStore#truncate}), and its changes are numbered
 * on from there: the copy then follows the SEAL's term. A START or SEAL taken marks the copy as holding its term's
 * history ({@link ShardStore#holdHistory}), which the log keeps for a restart.
 */
public final class ReplicaTask implements ShardTask {
    private final List<Section> sections;
    private final List<Refusal> refusals = new ArrayList<>();
    private final Set<Integer> refused = new HashSet<>();
    private int next;
    private WireReader copy; // the COPY section being applied, across slices
    private boolean wrote;

    public ReplicaTask(List<Section> sections) {
        this.sections = sections;
    }

    /** The partitions whose sections were not applied, after the task ran. */
    public List<Refusal> refusals() {
        return refusals;
    }

    @Override
    public boolean ranWrites() {
        return wrote;
    }

    @Override
    public boolean runOn(ShardStore store, int budget) {
        int done = 0;
        try {
            while (next < sections.size() && done < budget) {
                Section s = sections.get(next);
                int p = s.partition();
                if (refused.contains(p)) {
                    if (s.kind() != StreamFormat.RESET && s.kind() != StreamFormat.SEAL) {
                        next++;
                        continue;
                    }
                    // A RESET or SEAL starts the copy afresh from a stated point: the changes refused before it (sent
                    // before the primary knew where the copy stands) do not matter any more.
                    refused.remove(p);
                    refusals.removeIf(r -> r.partition() == p);
                }
                if (s.kind() == StreamFormat.COPY) {
                    if (copy == null) {
                        if (store.followedTerm(p) != s.term()) {
                            refuse(store, p);
                            next++;
                            continue;
                        }
                        copy = new WireReader(s.bytes(), s.off(), s.len());
                    }
                    while (copy.remaining() > 0 && done < budget) {
                        Changes.applyNext(store, p, copy);
                        done++;
                    }
                    if (store.recent() != null) {
                        store.recent().forget(p); // a copy's entries are no history: the changes before cannot be undone
                    }
                    wrote = true;
                    if (copy.remaining() == 0) {
                        copy = null;
                        next++;
                    }
                    continue;
                }
                apply(store, s);
                done++;
                next++;
            }
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("malformed replication section: " + e.getMessage(), e);
        }
        return next == sections.size();
    }

    /** START, RESET or CHANGE: one step. */
    private void apply(ShardStore store, Section s) throws ProtocolException {
        int p = s.partition();
        long followed = store.followedTerm(p);
        switch (s.kind()) {
            case StreamFormat.START -> {
                boolean same = followed == s.term() && store.sequence(p) >= s.seq(); // a resent START
                boolean fresh = followed >= 0 && followed < s.term() && store.sequence(p) == s.seq()
                        && s.seq() == s.termStart();
                if (same || fresh) {
                    store.follow(p, s.term());
                    store.holdHistory(p);
                } else {
                    refuse(store, p);
                }
            }
            case StreamFormat.RESUME -> {
                if (store.heldTerm(p) != s.term() || store.sequence(p) < s.seq()) {
                    refuse(store, p);
                }
            }
            case StreamFormat.RESET -> {
                PartitionTrace.log(p, () -> "reset by its primary at term " + s.term() + ", sequence " + s.seq()
                        + " (held sequence " + store.sequence(p) + " of term " + followed + ")");
                store.resetPartition(p, s.seq());
                store.reclaim(p);
                store.follow(p, s.term());
                wrote = true;
            }
            case StreamFormat.CHANGE -> {
                WireReader r = new WireReader(s.bytes(), s.off(), s.len());
                r.u8();
                long version = r.i64();
                if (followed != s.term() || version > store.sequence(p) + 1) {
                    refuse(store, p);
                } else if (version == store.sequence(p) + 1) { // else a resent change it holds already
                    Changes.applyNext(store, p, new WireReader(s.bytes(), s.off(), s.len()), true);
                    wrote = true;
                }
            }
            case StreamFormat.SEAL -> {
                long held = store.sequence(p);
                long history = store.heldTerm(p);
                // An earlier term's history may be taken back to where this one left it; this term's, never.
                boolean at = history >= 0 && history == s.followedTerm()
                        && (history < s.term() ? held == s.seq() || store.canTruncate(p, s.seq())
                                : history == s.term() && held == s.seq());
                if (at && Changes.numberedFrom(s.bytes(), s.off(), s.len(), s.seq())) {
                    store.forgetHistory(p); // what follows is another term's history: held again once applied
                    if (held > s.seq()) {
                        store.truncate(p, s.seq());
                        PartitionTrace.log(p, () -> "truncated by its primary at term " + s.term() + " from sequence "
                                + held + " back to " + s.seq() + " of term " + history);
                    }
                    WireReader r = new WireReader(s.bytes(), s.off(), s.len());
                    int n = 0;
                    for (; r.remaining() > 0; n++) {
                        Changes.applyNext(store, p, r, true);
                    }
                    int changes = n;
                    PartitionTrace.log(p, () -> "sealed by its primary at term " + s.term() + ": " + changes
                            + " changes after sequence " + s.seq() + " of term " + history);
                    store.follow(p, s.term());
                    store.holdHistory(p);
                    wrote = true;
                } else {
                    refuse(store, p);
                }
            }
            default -> throw new IllegalStateException("section kind " + s.kind());
        }
    }

    private void refuse(ShardStore store, int partition) {
        PartitionTrace.log(partition, () -> "refused a section: holds sequence " + store.sequence(partition) + " of term "
                + store.heldTerm(partition) + "'s history (follows term " + store.followedTerm(partition) + ")");
        refused.add(partition);
        refusals.add(new Refusal(partition, StreamFormat.GAP, store.sequence(partition), store.heldTerm(partition)));
    }
}
