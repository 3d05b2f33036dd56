package io.amdb.node.ring;

import io.amdb.protocol.KeyHash;
import java.util.Collection;
import java.util.function.ToLongFunction;

/**
 * How partitions are placed: tokens per node, the bounded-loads epsilon and the token hash.
 *
 * <p>Immutable. Every node of a cluster must use the same policy, or coordinators would disagree; it is a
 * cluster-wide constant like P. Why epsilon defaults to 0 is explained in {@link Placement}.
 *
 * @param vnodes  tokens per node, {@code >= 1}
 * @param epsilon bounded-loads slack, {@code >= 0}: no node gets more than {@code ceil((1 + epsilon) P / N)}
 * @param hash    the token hash; {@code KeyHash::hash64} in production
 */
public record PlacementPolicy(int vnodes, double epsilon, ToLongFunction<byte[]> hash) {
    public static final int DEFAULT_VNODES = 128;
    public static final double DEFAULT_EPSILON = 0.0;
    public static final PlacementPolicy DEFAULT =
            new PlacementPolicy(DEFAULT_VNODES, DEFAULT_EPSILON, KeyHash::hash64);

    public PlacementPolicy {
        if (vnodes < 1 || !(epsilon >= 0) || hash == null) {
            throw new IllegalArgumentException("need vnodes >= 1, epsilon >= 0 and a hash: " + vnodes + ", " + epsilon);
        }
    }

    public Ring ring(Collection<String> nodeIds) {
        return new Ring(nodeIds, vnodes, hash);
    }

    /** The canonical placement of {@code partitions} on these nodes. */
    public Placement place(Collection<String> nodeIds, int partitions) {
        return Placement.compute(ring(nodeIds), partitions, epsilon);
    }

    public int capacity(int partitions, int nodes) {
        return Placement.capacity(partitions, nodes, epsilon);
    }
}
