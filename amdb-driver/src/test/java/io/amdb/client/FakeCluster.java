package io.amdb.client;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several {@link FakeNode}s serving one shared, swappable {@link PartitionTable}: the test's stand-in for
 * a cluster. Node i has id "n<i>". Swaps happen under the guard every node holds while it checks ownership
 * and executes, so a request sees either the old table and data or the new ones, never a mix.
 */
final class FakeCluster implements AutoCloseable {
    final List<FakeNode> nodes = new ArrayList<>();
    private final Object guard = new Object();
    private volatile PartitionTable table;

    /** Starts {@code n} nodes; partition p is owned by node {@code p mod n}, at epoch 1. */
    FakeCluster(int n, int partitions) throws IOException {
        for (int i = 0; i < n; i++) {
            nodes.add(new FakeNode(FakeNode.Mode.NORMAL, "n" + i, () -> table, guard));
        }
        List<Member> members = nodes.stream().map(FakeNode::member).toList();
        int[] owners = new int[partitions];
        for (int p = 0; p < partitions; p++) {
            owners[p] = p % n;
        }
        table = new PartitionTable(1, partitions, members, owners, List.of());
    }

    FakeNode node(int i) {
        return nodes.get(i);
    }

    PartitionTable table() {
        return table;
    }

    /** Replaces the table as is (no data moves): for LOST partitions, dead members, epoch bumps. */
    void setTable(PartitionTable next) {
        synchronized (guard) {
            table = next;
        }
    }

    /** The node the current table says owns this key, or null (LOST, or not one of these nodes). */
    FakeNode ownerOf(byte[] key) {
        Member owner = table.ownerOf(key);
        return owner == null ? null
                : nodes.stream().filter(n -> n.nodeId().equals(owner.nodeId())).findFirst().orElse(null);
    }

    /**
     * A migration cutover: moves the partitions to {@code to} (adding it to the members if it is new),
     * copying their entries (with their versions) from their owners and dropping them there, at epoch + 1.
     */
    void move(int[] partitions, FakeNode to) {
        synchronized (guard) {
            PartitionTable t = table;
            List<Member> members = new ArrayList<>(t.members());
            int target = t.memberIndex(to.nodeId());
            if (target < 0) {
                members.add(to.member());
                target = members.size() - 1;
            }
            int[] owners = new int[t.partitions()];
            for (int p = 0; p < owners.length; p++) {
                owners[p] = t.ownerIndex(p);
            }
            for (int p : partitions) {
                FakeNode from = nodes.stream().filter(n -> n.nodeId().equals(t.owner(p).nodeId())).findFirst()
                        .orElseThrow();
                for (Map.Entry<byte[], byte[]> e : from.store.snapshot().entrySet()) {
                    if (t.partitionOf(e.getKey()) == p) {
                        from.store.moveTo(e.getKey(), to.store);
                    }
                }
                owners[p] = target;
            }
            table = new PartitionTable(t.epoch() + 1, t.partitions(), members, owners, List.of());
        }
    }

    /** Every node's "host:port", in order. */
    List<String> seeds() {
        return nodes.stream().map(FakeNode::seed).toList();
    }

    /** Adds a node that serves by this cluster's table but is not in it until a {@link #move} names it. */
    FakeNode addNode() throws IOException {
        FakeNode node = new FakeNode(FakeNode.Mode.NORMAL, "n" + nodes.size(), () -> table, guard);
        nodes.add(node);
        return node;
    }

    @Override
    public void close() {
        nodes.forEach(FakeNode::close);
    }
}
