package io.amdb.node.ring;

/**
 * Where a member's copy of a partition stands: the term whose history it follows and its sequence in it. A copy at
 * a later term, or at the same term and a higher sequence, holds more of the partition's history: promotion
 * prefers it (as Raft's elections compare the last log term, then the index).
 */
public record CopyPosition(long term, long sequence) implements Comparable<CopyPosition> {
    @Override
    public int compareTo(CopyPosition o) {
        int byTerm = Long.compare(term, o.term);
        return byTerm != 0 ? byTerm : Long.compare(sequence, o.sequence);
    }
}
