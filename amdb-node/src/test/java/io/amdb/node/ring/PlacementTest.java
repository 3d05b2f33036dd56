package io.amdb.node.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.KeyHash;
import io.amdb.protocol.TestSeed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bounded loads checked by hand on the toy ring, determinism, and the balance report for N = 2..16. */
@ExtendWith(TestSeed.class)
class PlacementTest {
    private static final int P = 1024;
    private static final double[] EPSILONS = {0.0, 0.01, 0.05, 0.1, 0.25, 1000.0};

    @Test
    void compute_toyRingOfThree_walksPastFullNodes() {
        // Capacity ceil(16 / 3) = 6. Partitions 0-1 and 10-13 reach "1" first; 14 and 15 find it full and
        // walk on to "5", the next token clockwise of slot 1.
        Placement placement = Placement.compute(new Ring(List.of("1", "5", "9"), 1, ToyHash::hash), 16, 0.0);
        String[] expected = {"1", "1", "5", "5", "5", "5", "9", "9", "9", "9", "1", "1", "1", "1", "5", "5"};
        for (int p = 0; p < 16; p++) {
            assertEquals(expected[p], placement.owner(p), "partition " + p);
        }
        assertEquals(6, placement.capacity());
        assertEquals(4, placement.load(2));
    }

    @Test
    void compute_toyRingLargeEpsilon_isPlainConsistentHashing() {
        Ring ring = new Ring(List.of("1", "5", "9"), 1, ToyHash::hash);
        Placement placement = Placement.compute(ring, 16, 1000.0);
        for (int p = 0; p < 16; p++) {
            assertEquals(ring.successor(Ring.position(p, 16)), placement.ownerIndex(p), "partition " + p);
        }
    }

    @Test
    void compute_shuffledIds_sameOwners() {
        long seed = TestSeed.get();
        List<String> ids = ids(9);
        Placement reference = PlacementPolicy.DEFAULT.place(ids, P);
        Collections.shuffle(ids, new Random(seed));
        Placement shuffled = PlacementPolicy.DEFAULT.place(ids, P);
        for (int p = 0; p < P; p++) {
            assertEquals(reference.owner(p), shuffled.owner(p), "seed=" + seed + " partition " + p);
        }
    }

    @Test
    void capacity_examples_ceilOfShare() {
        assertEquals(342, Placement.capacity(1024, 3, 0.0));
        assertEquals(64, Placement.capacity(1024, 16, 0.0));
        assertEquals(65, Placement.capacity(1024, 16, 0.01));
        assertEquals(80, Placement.capacity(1024, 16, 0.25));
    }

    /** Prints max/min per N for several epsilons; asserts the default stays within 1.3 and its proven bound. */
    @Test
    void balance_nodesTwoToSixteen_defaultWithinOnePointThree() {
        long seed = TestSeed.get();
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder report = new StringBuilder("Placement balance, P=1024, V=128, xxHash64; max/min partitions"
                + " per node. Ids node-1..node-N, then the worst of 10 random id sets (seed=" + seed + ").\n"
                + " N   eps=0*  eps=.01 eps=.05 eps=.10 eps=.25 plainCH | random: eps=0*  plainCH  bound(eps=0)\n");
        for (int n = 2; n <= 16; n++) {
            report.append(String.format("%2d ", n));
            for (double epsilon : EPSILONS) {
                report.append(String.format("  %5.2f", place(ids(n), epsilon).maxOverMin()));
            }
            double worstDefault = 0;
            double worstPlain = 0;
            for (int set = 0; set < 10; set++) {
                List<String> ids = randomIds(random, n);
                double ratio = place(ids, 0.0).maxOverMin();
                assertTrue(ratio <= 1.3, "seed=" + seed + " N=" + n + " ids=" + ids + ": " + ratio);
                worstDefault = Math.max(worstDefault, ratio);
                worstPlain = Math.max(worstPlain, place(ids, 1000.0).maxOverMin());
            }
            int c = Placement.capacity(P, n, 0.0);
            double bound = (double) c / (P - (n - 1) * c);
            report.append(String.format(" |         %5.2f   %5.2f    %5.2f%n", worstDefault, worstPlain, bound));
            double measured = place(ids(n), PlacementPolicy.DEFAULT_EPSILON).maxOverMin();
            assertTrue(measured <= 1.3 && measured <= bound, "N=" + n + ": max/min " + measured);
            assertTrue(bound <= 1.3, "N=" + n + ": proven bound " + bound);
        }
        System.out.print(report.append("(* = default)\n"));
    }

    private static Placement place(List<String> ids, double epsilon) {
        return new PlacementPolicy(128, epsilon, KeyHash::hash64).place(ids, P);
    }

    static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add("node-" + i);
        }
        return ids;
    }

    private static List<String> randomIds(SplittableRandom random, int n) {
        List<String> ids = new ArrayList<>();
        while (ids.size() < n) {
            String id = "n" + Long.toHexString(random.nextLong());
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }
}
