package io.amdb.node.route;

import io.amdb.node.shard.ScanTask;
import io.amdb.protocol.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Merges the ordered per-shard pages of one SCAN into a single page with a correct continuation.
 *
 * <p>A shard that stopped early ({@link ScanTask#more()}) may hold keys after its last one that the other
 * shards' pages skip past, so the merged page is cut at the smallest such "last key": every key up to the
 * cut is known to be complete, and the continuation restarts just after the last key returned.
 */
public final class ScanMerge {
    private ScanMerge() {}

    public static Response.ScanPage merge(List<ScanTask> parts, int limit, long maxBytes) {
        byte[] cut = null;
        for (ScanTask part : parts) {
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

    private static int smallestHead(List<ScanTask> parts, int[] pos) {
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
