package io.amdb.node.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.TestSeed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestSeed.class)
class VoterPlanTest {
    private static VoterPlan.Conf conf(Set<String> voters, Set<String> listeners) {
        return new VoterPlan.Conf(voters, listeners);
    }

    @Test
    void plan_founderAndTwoJoiners_addsOneVoterPerStep() {
        VoterPlan.Conf now = conf(Set.of("a"), Set.of());
        List<String> live = List.of("a", "b", "c");
        VoterPlan.Conf first = VoterPlan.plan(now, live, "a");
        assertEquals(conf(Set.of("a", "b"), Set.of("c")), first);
        VoterPlan.Conf second = VoterPlan.plan(first, live, "a");
        assertEquals(conf(Set.of("a", "b"), Set.of()), second, "a listener leaves before it comes back as a voter");
        VoterPlan.Conf third = VoterPlan.plan(second, live, "a");
        assertEquals(conf(Set.of("a", "b", "c"), Set.of()), third);
        assertEquals(third, VoterPlan.plan(third, live, "a"), "a reached plan is stable");
    }

    /** A member the configuration does not hold yet takes a voter's place before a listener: no promotion dance. */
    @Test
    void plan_listenerAndNewcomer_newcomerVotesFirst() {
        VoterPlan.Conf now = conf(Set.of("a"), Set.of("b"));
        List<String> live = List.of("a", "b", "c");
        VoterPlan.Conf first = VoterPlan.plan(now, live, "a");
        assertEquals(conf(Set.of("a", "c"), Set.of("b")), first, "c joins straight as a voter");
        VoterPlan.Conf second = VoterPlan.plan(first, live, "a");
        assertEquals(conf(Set.of("a", "c"), Set.of()), second, "then b leaves to come back as a voter");
        assertEquals(conf(Set.of("a", "b", "c"), Set.of()), VoterPlan.plan(second, live, "a"));
    }

    /** Four members vote, so a fifth joins as a voter in one step, and nobody stops applying tables. */
    @Test
    void plan_fifthMemberOfFourVoters_joinsAsAVoterInOneStep() {
        VoterPlan.Conf now = conf(Set.of("a", "b", "c", "d"), Set.of());
        List<String> live = List.of("a", "b", "c", "d", "e");
        VoterPlan.Conf next = VoterPlan.plan(now, live, "a");
        assertEquals(conf(Set.of("a", "b", "c", "d", "e"), Set.of()), next);
        assertEquals(next, VoterPlan.plan(next, live, "a"));
    }

    @Test
    void plan_deadVoter_isReplacedByTheOldestListener() {
        VoterPlan.Conf now = conf(Set.of("a", "b", "c", "d", "e"), Set.of("f"));
        List<String> live = List.of("a", "b", "d", "e", "f");
        VoterPlan.Conf next = VoterPlan.plan(now, live, "a");
        assertEquals(conf(Set.of("a", "b", "d", "e"), Set.of()), next, "the dead voter leaves; the listener to promote too");
        assertEquals(conf(Set.of("a", "b", "d", "e", "f"), Set.of()), VoterPlan.plan(next, live, "a"));
    }

    @Test
    void plan_twoLiveOfThreeVoters_keepsBothVoters() {
        VoterPlan.Conf next = VoterPlan.plan(conf(Set.of("a", "b", "c"), Set.of()), List.of("b", "a"), "a");
        assertEquals(conf(Set.of("a", "b"), Set.of()), next, "the dead voter leaves; no live voter is demoted");
    }

    @Test
    void voterCount_oneUntilThreeMembers_thenEveryMemberUpToFive() {
        assertEquals(List.of(1, 1, 3, 4, 5, 5, 5), List.of(1, 2, 3, 4, 5, 6, 9).stream().map(VoterPlan::voterCount).toList());
    }

    /** Random configurations and memberships: every step keeps the leader, obeys Ratis's rule, and converges. */
    @Test
    void plan_randomMemberships_stepsAreLegalAndConverge() {
        long seed = TestSeed.get();
        Random random = new Random(seed);
        for (int round = 0; round < 2_000; round++) {
            List<String> all = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(8); i++) {
                all.add("n" + i);
            }
            List<String> live = new ArrayList<>();
            for (String id : all) {
                if (random.nextInt(4) > 0) {
                    live.add(id);
                }
            }
            if (live.isEmpty()) {
                continue;
            }
            String leader = live.get(random.nextInt(live.size()));
            Set<String> voters = new HashSet<>(Set.of(leader));
            all.stream().filter(id -> random.nextBoolean()).forEach(voters::add);
            if (voters.stream().filter(live::contains).count() * 2 <= voters.size()) {
                continue; // no leader without a live majority of voters: not a reachable state
            }
            VoterPlan.Conf now = conf(voters, Set.of());
            for (int step = 0; step < 20; step++) {
                VoterPlan.Conf next = VoterPlan.plan(now, live, leader);
                String where = "seed " + seed + " round " + round + " step " + step + ": " + now + " -> " + next;
                assertTrue(next.voters().contains(leader), where);
                Set<String> added = new HashSet<>(next.voters());
                added.removeAll(now.voters());
                long kept = next.voters().size() - added.size();
                assertTrue(added.size() < kept || (now.voters().size() == 1 && next.voters().size() == 2), where);
                assertTrue(live.containsAll(next.voters()) && live.containsAll(next.listeners()), where);
                if (next.equals(now)) {
                    assertTrue(next.voters().size() >= VoterPlan.voterCount(live.size()), where);
                    break;
                }
                now = next;
                assertTrue(step < 19, "no convergence: " + where);
            }
        }
    }
}
