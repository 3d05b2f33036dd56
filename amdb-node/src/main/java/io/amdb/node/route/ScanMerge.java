package io.amdb.node.route;

import io.amdb.node.shard.ScanTask;
import io.amdb.protocol.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Merges the ordered per-shard pages of one SCAN into a single page with a correct continuation.
 *
 * <p>Used twice: over the shards of a node, and over the nodes of a cluster. A part that stopped early may hold keys after its last one that the other
 * shards' pages skip past, so the merged page is cut at the smallest such "last key": every key up to the
 * cut is known to be complete, and the continuation restarts just after the last key returned.
 */
public final class ScanMerge {
    private ScanMerge() {}

    /** One ordered part of a scan: a shard's page, or a node's. {@code more}: it stopped early. */
    public record Part(List<byte[]> keys, List<byte[]> values, boolean more) {
        static Part of(ScanTask shard) {
            return new Part(shard.keys(), shard.values(), shard.more());
        }

        static Part of(Response.ScanPage node) {
            List<byte[]> keys = new ArrayList<>(node.entries().size());
            List<byte[]> values = new ArrayList<>(node.entries().size());
            for (Response.Entry e : node.entries()) {
                keys.add(e.key());
                values.add(e.value());
            }
            return new Part(keys, values, node.next() != null);
        }
    }

    public static Response.ScanPage mergeShards(List<ScanTask> shards, int limit, long maxBytes) {
        return merge(shards.stream().map(Part::of).toList(), limit, maxBytes);
    }

    public static Response.ScanPage merge(List<Part> parts, int limit, long maxBytes) {
        byte[] cut = null;
        for (Part part : parts) {
            if (part.more()) {
                byte[] last = part.keys().get(part.keys().size() - 1);
                if (cut == null || Arrays.compareUnsigned(last, cut) < 0) {
                    cut = last;
                }
            }
        }
        int[] pos = new int[parts.size()];
        List<Response.Entry> out = new ArrayList<>();
        long bytes = 0;
        boolean stoppedEarly = false;
        while (true) {
            int best = smallestHead(parts, pos);
            if (best < 0) {
                break;
            }
            byte[] key = parts.get(best).keys().get(pos[best]);
            if (out.size() >= limit || (bytes >= maxBytes && !out.isEmpty())
                    || (cut != null && Arrays.compareUnsigned(key, cut) > 0)) {
                stoppedEarly = true;
                break;
            }
            byte[] value = parts.get(best).values().get(pos[best]++);
            out.add(new Response.Entry(key, value));
            bytes += key.length + value.length;
        }
        byte[] next = (stoppedEarly || cut != null) && !out.isEmpty() ? successor(out.get(out.size() - 1).key()) : null;
        return new Response.ScanPage(out, next);
    }

    /** The smallest key strictly greater than {@code key} in unsigned lexicographic order. */
    public static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    private static int smallestHead(List<Part> parts, int[] pos) {
        int best = -1;
        byte[] bestKey = null;
        for (int i = 0; i < parts.size(); i++) {
            List<byte[]> keys = parts.get(i).keys();
            if (pos[i] < keys.size() && (bestKey == null || Arrays.compareUnsigned(keys.get(pos[i]), bestKey) < 0)) {
                best = i;
                bestKey = keys.get(pos[i]);
            }
        }
        return best;
    }
}
