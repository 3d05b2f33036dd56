package io.amdb.node.ring;

import io.amdb.protocol.Member;
import java.util.List;

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

    /** Registers the one listener for changes; a second call replaces it. */
    void setListener(Listener listener);

    /** Told about each change after {@link #members()} reflects it. */
    interface Listener {
        void memberAdded(Member member);

        void memberRemoved(Member member);
    }
}
