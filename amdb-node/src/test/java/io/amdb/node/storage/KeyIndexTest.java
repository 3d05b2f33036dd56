package io.amdb.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.amdb.protocol.TestSeed;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hash index against a HashMap model. Hashes are chosen by the test from a tiny set, so runs of
 * colliding entries, wrap-around at the table's end and backward-shift deletion are exercised constantly.
 */
@ExtendWith(TestSeed.class)
class KeyIndexTest {

    @Test
    void randomInsertsAndRemoves_collidingHashes_matchModel() {
        long seed = TestSeed.get();
        Random random = new Random(seed);
        KeyIndex index = new KeyIndex();
        Map<String, SkipNode> model = new HashMap<>();
        Map<String, Integer> hashOf = new HashMap<>();
        for (int step = 0; step < 50_000; step++) {
            String k = "k" + random.nextInt(300);
            byte[] key = k.getBytes(StandardCharsets.UTF_8);
            int hash = hashOf.computeIfAbsent(k, x -> random.nextInt(4) == 0 ? -1 : random.nextInt(7) * 16 + 15);
            String where = "seed=" + seed + " step=" + step;
            SkipNode present = model.get(k);
            assertSame(present, index.find(key, hash), where);
            if (present == null) {
                SkipNode node = new SkipNode(key, new byte[0], 1);
                index.insert(node, hash);
                model.put(k, node);
            } else if (random.nextBoolean()) {
                index.remove(present, hash);
                model.remove(k);
                assertNull(index.find(key, hash), where);
            }
            assertEquals(model.size(), index.size(), where);
        }
        for (Map.Entry<String, SkipNode> e : model.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            assertSame(e.getValue(), index.find(key, hashOf.get(e.getKey())), "seed=" + seed);
        }
    }

    @Test
    void hash_keysDifferingInOneByte_differ() {
        byte[] a = "user:000000000001".getBytes(StandardCharsets.UTF_8);
        byte[] b = "user:000000000002".getBytes(StandardCharsets.UTF_8);
        assertNotEquals(KeyIndex.hash(a), KeyIndex.hash(b));
        assertEquals(KeyIndex.hash(a), KeyIndex.hash(a.clone()));
    }
}
