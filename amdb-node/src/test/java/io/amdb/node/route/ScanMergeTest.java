package io.amdb.node.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.shard.ScanTask;
import io.amdb.node.storage.ShardStore;
import io.amdb.protocol.Response;
import io.amdb.protocol.TestSeed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The cross-shard merge against a TreeMap model: pages chained by continuation see every key once. */
@ExtendWith(TestSeed.class)
class ScanMergeTest {

    @Test
    void merge_randomShardsAndLimits_pagesCoverModelExactlyInOrder() {
        long seed = TestSeed.get();
        Random random = new Random(seed);
        for (int round = 0; round < 50; round++) {
            int shards = 1 + random.nextInt(4);
            ShardStore[] stores = new ShardStore[shards];
            for (int s = 0; s < shards; s++) {
                stores[s] = new ShardStore(8, seed + s);
            }
            TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
            int n = random.nextInt(400);
            for (int i = 0; i < n; i++) {
                byte[] key = new byte[1 + random.nextInt(3)];
                random.nextBytes(key);
                byte[] value = new byte[random.nextInt(20)];
                int partition = random.nextInt(8);
                // A key lives in exactly one place: remove any earlier copy before writing.
                for (ShardStore st : stores) {
                    for (int p = 0; p < 8; p++) {
                        st.remove(p, key);
                    }
                }
                stores[partition % shards].put(partition, key, value);
                model.put(key, value);
            }
            int limit = 1 + random.nextInt(50);
            long maxBytes = 1 + random.nextInt(300);
            byte[] start = new byte[0];
            List<byte[]> seen = new ArrayList<>();
            for (int pages = 0; start != null; pages++) {
                assertTrue(pages <= n + 1, "seed=" + seed + " round=" + round + ": no progress");
                List<ScanTask> parts = new ArrayList<>();
                for (ShardStore st : stores) {
                    ScanTask t = new ScanTask(start, new byte[0], limit, maxBytes);
                    t.runOn(st, Integer.MAX_VALUE);
                    parts.add(t);
                }
                Response.ScanPage page = ScanMerge.mergeShards(parts, limit, maxBytes);
                assertTrue(page.entries().size() <= limit, "seed=" + seed);
                page.entries().forEach(e -> seen.add(e.key()));
                start = page.next();
            }
            String where = "seed=" + seed + " round=" + round;
            assertEquals(model.size(), seen.size(), where);
            int i = 0;
            for (byte[] k : model.keySet()) {
                assertArrayEquals(k, seen.get(i++), where);
            }
        }
    }

    @Test
    void successor_ofKey_isSmallestGreaterKey() {
        assertArrayEquals(new byte[] {1, 2, 0}, ScanMerge.successor(new byte[] {1, 2}));
        assertTrue(Arrays.compareUnsigned(new byte[] {1, 2}, ScanMerge.successor(new byte[] {1, 2})) < 0);
    }
}
