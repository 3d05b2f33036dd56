package io.amdb.node.ring;

import io.amdb.protocol.Member;
import java.util.List;
import java.util.Map;

/**
 * The live members of the cluster, as the ring code needs them: a snapshot and change events.
 *
 * <p>The cluster layer implements it over Hazelcast; tests use a fake. Implementations must call the
 * listener on the thread that owns the {@link TableKeeper} (Hazelcast callbacks hop onto the coordinator's
 * context first), and must update {@link #members()} before announcing a change. A restart of a node is a
 * removal followed by an addition, even when the process comes back under the same id.
 */
public interface Membership {
    /** The members alive now, this node included; distinct ids. */
    List<Member> members();

    /**
     * The partitions each live member claims, by node id: what a durable member's last table gave it, which
     * it holds on its disk (see {@link TablePlanner}). Members that claim nothing are absent.
     */
    default Map<String, java.util.BitSet> claims() {
        return Map.of();
    }

    /**
     * Where live members' copies of partitions stand (by node id, then partition), as far as the coordinator asked them
     * after a primary's death: promotion picks the in-sync backup furthest on. Members or partitions absent: unknown.
     */
    default Map<String, Map<Integer, CopyPosition>> positions() {
        return Map.of();
    }

    /** The rack each live member named (by node id); members that named none are absent. */
    default Map<String, String> racks() {
        return Map.of();
    }

    /** Registers the one listener for changes; a second call replaces it. */
    void setListener(Listener listener);

    /** Told about each change after {@link #members()} reflects it. */
    interface Listener {
        void memberAdded(Member member);

        void memberRemoved(Member member);
    }
}
