package io.amdb.node.ring;

import io.amdb.protocol.Member;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A membership the test drives by hand; events are delivered synchronously, after the snapshot changes. */
final class FakeMembership implements Membership {
    private final Map<String, Member> members = new TreeMap<>();
    private Listener listener;

    FakeMembership(Member... initial) {
        for (Member m : initial) {
            members.put(m.nodeId(), m);
        }
    }

    @Override
    public List<Member> members() {
        return List.copyOf(members.values());
    }

    @Override
    public void setListener(Listener listener) {
        this.listener = listener;
    }

    void add(Member m) {
        if (members.containsKey(m.nodeId())) {
            throw new IllegalStateException(m.nodeId() + " is already live");
        }
        members.put(m.nodeId(), m);
        if (listener != null) {
            listener.memberAdded(m);
        }
    }

    void remove(String nodeId) {
        Member m = members.remove(nodeId);
        if (m == null) {
            throw new IllegalStateException(nodeId + " is not live");
        }
        if (listener != null) {
            listener.memberRemoved(m);
        }
    }

    boolean isLive(String nodeId) {
        return members.containsKey(nodeId);
    }
}
