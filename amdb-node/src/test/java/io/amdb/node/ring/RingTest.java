package io.amdb.node.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.amdb.protocol.KeyHash;
import io.amdb.protocol.TestSeed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Token layout, partition positions and plain successor lookup, checked by hand with {@link ToyHash}. */
@ExtendWith(TestSeed.class)
class RingTest {
    @Test
    void successor_toyRingOfThree_firstTokenClockwise() {
        Ring ring = new Ring(List.of("9", "1", "5"), 1, ToyHash::hash); // tokens at slots 1, 5, 9
        String[] expected = {"1", "1", "5", "5", "5", "5", "9", "9", "9", "9", "1", "1", "1", "1", "1", "1"};
        for (int p = 0; p < 16; p++) {
            assertEquals(expected[p], ring.nodes().get(ring.successor(Ring.position(p, 16))), "partition " + p);
        }
    }

    @Test
    void tokens_twoPerNode_sortedUnsignedAcrossTheSignBit() {
        Ring ring = new Ring(List.of("1", "5"), 2, ToyHash::hash); // slots 1, 5, 9, 13
        assertEquals(4, ring.tokenCount());
        for (int i = 0; i < 4; i++) {
            assertEquals((1L + 4 * i) << 60, ring.token(i), "token " + i);
            assertEquals(i % 2, ring.tokenNode(i), "token " + i);
        }
    }

    @Test
    void successor_equalTokens_tieBreaksByIdWhateverTheInputOrder() {
        // "19" and "3" both sit at slot 3; "19" sorts first.
        for (List<String> ids : List.of(List.of("3", "19"), List.of("19", "3"))) {
            Ring ring = new Ring(ids, 1, ToyHash::hash);
            assertEquals("19", ring.nodes().get(ring.successor(Ring.position(2, 16))), ids.toString());
            assertEquals("19", ring.nodes().get(ring.successor(Ring.position(3, 16))), ids.toString());
        }
    }

    @Test
    void firstAccepted_rejectingNodes_walksClockwiseAndWraps() {
        Ring ring = new Ring(List.of("1", "5", "9"), 1, ToyHash::hash);
        assertEquals("1", ring.nodes().get(ring.firstAccepted(Ring.position(6, 16), n -> n == 0)));
        assertEquals(-1, ring.firstAccepted(0, n -> false));
    }

    @Test
    void position_powersOfTwo_evenlySpacedUnsigned() {
        assertEquals(0, Ring.position(0, 1));
        assertEquals(1L << 54, Ring.position(1, 1024));
        assertEquals(3L << 62, Ring.position(3, 4));
        assertEquals(Long.MIN_VALUE, Ring.position(512, 1024));
    }

    @Test
    void tokenKey_idAndIndex_utf8ThenBigEndianIndex() {
        assertArrayEquals(new byte[] {'a', 'b', 0, 0, 1, 2}, Ring.tokenKey("ab", 258));
    }

    @Test
    void constructor_shuffledIds_sameRing() {
        long seed = TestSeed.get();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add("node-" + i);
        }
        Ring reference = new Ring(ids, 128, KeyHash::hash64);
        Collections.shuffle(ids, new Random(seed));
        Ring shuffled = new Ring(ids, 128, KeyHash::hash64);
        for (int t = 0; t < reference.tokenCount(); t++) {
            assertEquals(reference.token(t), shuffled.token(t), "seed=" + seed + " token " + t);
            assertEquals(reference.tokenNode(t), shuffled.tokenNode(t), "seed=" + seed + " token " + t);
        }
    }

    @Test
    void constructor_badArguments_throwIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> new Ring(List.of(), 1, ToyHash::hash));
        assertThrows(IllegalArgumentException.class, () -> new Ring(List.of("1", "1"), 1, ToyHash::hash));
        assertThrows(IllegalArgumentException.class, () -> new Ring(List.of("1"), 0, ToyHash::hash));
    }
}
