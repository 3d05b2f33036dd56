package io.amdb.node.ring;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.function.ToLongFunction;

/**
 * The token ring of one set of nodes: V tokens per node on the unsigned 64-bit circle, in clockwise order.
 *
 * <p>Immutable and thread-safe. The same ids, V and hash give the same ring whatever order the ids come in.
 *
 * <p>Design notes. Token {@code i} of node {@code n} is {@code hash(utf8(n) ++ i as 4 big-endian bytes)}; the
 * fixed-width suffix keeps {@code (n, i) -> bytes} injective. Equal tokens (a 64-bit collision, or a toy
 * hash in tests) order by node id, so ties never depend on input order. Partition {@code p} sits at
 * {@code p * 2^64 / P}, evenly spaced rather than hashed: with P a power of two the positions are exact
 * ({@code p << (64 - log2 P)}), never collide, and a node's partition count follows the length of its arcs
 * without a second layer of hashing noise. "Clockwise of x" means the first token {@code >= x} in unsigned
 * order, wrapping from the largest token to the smallest.
 */
public final class Ring {
    private final List<String> nodes;
    private final long[] tokens;
    private final int[] tokenNodes;

    /**
     * Requires at least one node, distinct non-null ids and {@code vnodes >= 1}.
     *
     * @param hash the token hash; production uses {@code KeyHash::hash64}, tests a hash they can invert
     */
    public Ring(Collection<String> nodeIds, int vnodes, ToLongFunction<byte[]> hash) {
        TreeSet<String> sorted = new TreeSet<>(nodeIds);
        requireArgument(!sorted.isEmpty(), "a ring needs at least one node");
        requireArgument(sorted.size() == nodeIds.size(), "node ids must be distinct: " + nodeIds);
        requireArgument(vnodes >= 1, "vnodes must be >= 1: " + vnodes);
        this.nodes = List.copyOf(sorted);
        int count = nodes.size() * vnodes;
        long[] raw = new long[count];
        Integer[] order = new Integer[count];
        for (int t = 0; t < count; t++) {
            raw[t] = hash.applyAsLong(tokenKey(nodes.get(t / vnodes), t % vnodes));
            order[t] = t;
        }
        // Node index order is id order, and t / vnodes is the node index: ties break by id.
        Arrays.sort(order, Comparator.<Integer>comparingLong(t -> raw[t] ^ Long.MIN_VALUE).thenComparingInt(t -> t));
        this.tokens = new long[count];
        this.tokenNodes = new int[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = raw[order[i]];
            tokenNodes[i] = order[i] / vnodes;
        }
    }

    /** The bytes hashed into token {@code i} of {@code nodeId}. */
    static byte[] tokenKey(String nodeId, int i) {
        byte[] id = nodeId.getBytes(StandardCharsets.UTF_8);
        byte[] key = Arrays.copyOf(id, id.length + 4);
        for (int b = 0; b < 4; b++) {
            key[id.length + b] = (byte) (i >>> (24 - 8 * b));
        }
        return key;
    }

    /** Returns partition {@code p}'s position: {@code p * 2^64 / partitions} as an unsigned long. */
    public static long position(int partition, int partitions) {
        assert Integer.bitCount(partitions) == 1 && partition >= 0 && partition < partitions;
        return partitions == 1 ? 0 : (long) partition << (64 - Integer.numberOfTrailingZeros(partitions));
    }

    /** The node ids, sorted; node indexes below refer to this order. */
    public List<String> nodes() {
        return nodes;
    }

    public int tokenCount() {
        return tokens.length;
    }

    /** Token {@code i} in clockwise order, as an unsigned long. */
    public long token(int i) {
        return tokens[i];
    }

    /** Returns the index in {@link #nodes()} of the node that holds token {@code i}. */
    public int tokenNode(int i) {
        return tokenNodes[i];
    }

    /** Plain consistent hashing: the node index of the first token clockwise of {@code position}. */
    public int successor(long position) {
        return tokenNodes[firstTokenAtOrAfter(position)];
    }

    /**
     * Walks clockwise from {@code position} and returns the node index of the first token whose node
     * {@code accept}s, or -1 when no node does. This is the bounded-loads step: {@code accept} = "has room".
     */
    public int firstAccepted(long position, IntPredicate accept) {
        int start = firstTokenAtOrAfter(position);
        for (int step = 0; step < tokens.length; step++) {
            int node = tokenNodes[(start + step) % tokens.length];
            if (accept.test(node)) {
                return node;
            }
        }
        return -1;
    }

    /** Returns the index of the first token {@code >= position} (unsigned), wrapping to 0 past the last. */
    private int firstTokenAtOrAfter(long position) {
        int lo = 0;
        int hi = tokens.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(tokens[mid], position) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == tokens.length ? 0 : lo;
    }

    private static void requireArgument(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
