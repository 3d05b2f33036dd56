package io.amdb.node.consensus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which members vote in the table log and which only follow it (Raft listeners), given who is alive.
 *
 * <p>Rules: 1 voter while fewer than 3 members live, then every member up to 5 (3, 4, 5); a live voter stays a
 * voter (the leader always; no live voter is demoted, since Ratis does not follow a role change in place well);
 * missing places go first to live members the configuration does not hold yet (they join straight as voters),
 * then to the oldest live listeners (a listener must leave and join again to vote, and applies no table
 * meanwhile); voters and listeners that are not alive leave the configuration; every other live member
 * listens. Four voters rather than three at four members cost nothing in safety (a majority of 3 still
 * survives one loss) and spare the fifth member's arrival a listener's promotion. Pure and
 * deterministic: the same inputs give the same configuration, so the leader's plan does not flap. One plan is
 * one step: it adds at most one voter, so reaching the target can take several (see {@link #plan}).
 */
public final class VoterPlan {
    private VoterPlan() {}

    /** A configuration of the group, by peer id. */
    public record Conf(Set<String> voters, Set<String> listeners) {
        public Conf {
            voters = Set.copyOf(voters);
            listeners = Set.copyOf(listeners);
        }
    }

    /** How many voters a cluster of {@code live} members keeps. */
    public static int voterCount(int live) {
        return live >= 5 ? 5 : live >= 3 ? live : 1;
    }

    /**
     * @param current  the configuration now
     * @param live     the live members' peer ids, oldest first (the leader among them)
     * @param leader   the leader's peer id
     */
    public static Conf plan(Conf current, List<String> live, String leader) {
        int target = voterCount(live.size());
        List<String> voters = new ArrayList<>();
        voters.add(leader);
        for (String id : live) {
            if (!id.equals(leader) && current.voters().contains(id)) {
                voters.add(id);
            }
        }
        List<String> candidates = new ArrayList<>();
        live.stream().filter(id -> !voters.contains(id) && !current.listeners().contains(id)).forEach(candidates::add);
        live.stream().filter(id -> !voters.contains(id) && current.listeners().contains(id)).forEach(candidates::add);
        for (String id : candidates) {
            if (voters.size() >= target) {
                break;
            }
            voters.add(id);
        }
        // Ratis refuses a configuration in which new voters are not outnumbered by old ones (RATIS-1912): a
        // step adds at most one voter; the others listen meanwhile and become voters on the following steps.
        String promoted = null;
        for (java.util.Iterator<String> it = voters.iterator(); it.hasNext(); ) {
            String id = it.next();
            if (!current.voters().contains(id) && !id.equals(leader)) {
                if (promoted != null) {
                    it.remove();
                } else {
                    promoted = id;
                }
            }
        }
        Set<String> listeners = new LinkedHashSet<>(live);
        listeners.removeAll(voters);
        if (promoted != null && current.listeners().contains(promoted)) {
            // Ratis keeps a listener out of elections after a promotion in place (it is never told it may vote):
            // a listener first leaves the configuration, and joins it again as a voter on the next step.
            voters.remove(promoted);
            listeners.remove(promoted);
        }
        return new Conf(new LinkedHashSet<>(voters), listeners);
    }
}
