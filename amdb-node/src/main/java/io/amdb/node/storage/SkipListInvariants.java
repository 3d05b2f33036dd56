package io.amdb.node.storage;

import java.util.Arrays;

/**
 * Verifies the structure of a {@link SkipList} against the invariants its class comment states.
 * O(n · height): for tests and debugging, never on a request path.
 */
final class SkipListInvariants {
    private SkipListInvariants() {
    }

    /**
     * Throws IllegalStateException, naming the first breach, unless the list rooted at
     * {@code head} with the given height, size and memory estimate satisfies the invariants.
     */
    static void check(SkipNode head, int height, int size, long memoryBytes, byte[] shared, int sharedLength) {
        int maxHeight = head.next.length;
        require(height >= 0 && height <= maxHeight, "height out of range: " + height);
        require(height == 0 ? head.next[0] == null : head.next[height - 1] != null, "height is not tight");
        for (int level = height; level < maxHeight; level++) {
            require(head.next[level] == null, "level above height in use: " + level);
        }
        checkEntries(head, height, size, memoryBytes, shared, sharedLength);
        for (int level = 0; level < height; level++) {
            checkLevel(head, level);
        }
    }

    private static void checkEntries(SkipNode head, int height, int size, long memoryBytes, byte[] shared,
                                     int sharedLength) {
        int count = 0;
        long bytes = 0;
        for (SkipNode n = head.next[0]; n != null; n = n.next[0]) {
            count++;
            bytes += n.footprintBytes();
            require(n.next.length >= 1 && n.next.length <= height, "node height out of range");
            require(Arrays.mismatch(n.key, 0, sharedLength, shared, 0, sharedLength) == -1,
                    "key does not start with the list's shared prefix");
            require(n.prefix == KeyPrefix.of(n.key, sharedLength), "stale key prefix");
        }
        require(count == size, "size " + size + " but " + count + " nodes");
        require(bytes == memoryBytes, "memoryBytes " + memoryBytes + " but entries hold " + bytes);
    }

    /** Keys strictly increase along the level, and every node on it is also on the level below. */
    private static void checkLevel(SkipNode head, int level) {
        SkipNode below = head; // walks level - 1 in step with this level
        for (SkipNode n = head.next[level]; n != null; n = n.next[level]) {
            SkipNode after = n.next[level];
            require(after == null || Arrays.compareUnsigned(n.key, after.key) < 0,
                    "keys not increasing on level " + level);
            while (level > 0 && below != null && below != n) {
                below = below.next[level - 1];
            }
            require(level == 0 || below == n, "node on level " + level + " missing from the level below");
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
