package io.amdb.chaos.check;

import java.util.HashMap;
import java.util.Map;

/**
 * The configurations a {@link KeySearch} has reached, and the one test of whether a new configuration can be
 * skipped. A configuration is the set of linearized operations, split into answered ones and UNKNOWN ones, and
 * the register's value after them.
 *
 * <p>A new configuration can be skipped when it was reached before (Lowe's memo: equal configurations have the
 * same futures, and one reached before has failed, or the search would be over), or when a finished (failed)
 * configuration had the same answered set and value and a subset of its UNKNOWN set. That is exact: whatever
 * completes the new configuration also completes the old one, followed by the extra UNKNOWN operations, which
 * the register accepts last, unseen, and which no real-time order keeps from going last since they never
 * return. Only finished configurations count for the subset case, so that a configuration never prunes its own
 * descendants (reachable by UNKNOWN operations that bring the value back).
 *
 * <p>Design note: entries are grouped by answered set and value, each group a short list of UNKNOWN sets, so
 * the subset case costs a walk of one group. Not thread-safe.
 */
final class Memo {
    private final Map<Group, Entry> groups = new HashMap<>();

    /** Records a configuration and returns its entry, or returns null when the search can skip it. */
    Entry admit(LinearizedSet.Snapshot answered, String value, LinearizedSet.Snapshot unknowns) {
        Group group = new Group(answered, value);
        Entry first = groups.get(group);
        for (Entry e = first; e != null; e = e.next) {
            if (e.unknowns.equals(unknowns) || (e.finished && e.unknowns.isSubsetOf(unknowns))) {
                return null;
            }
        }
        Entry entry = new Entry(unknowns, first);
        groups.put(group, entry);
        return entry;
    }

    /** A reached configuration's UNKNOWN set; finished once the search has given up on everything after it. */
    static final class Entry {
        private final LinearizedSet.Snapshot unknowns;
        private final Entry next;
        private boolean finished;

        private Entry(LinearizedSet.Snapshot unknowns, Entry next) {
            this.unknowns = unknowns;
            this.next = next;
        }

        /** Marks the configuration failed: no linearization continues from it. */
        void finish() {
            finished = true;
        }
    }

    private record Group(LinearizedSet.Snapshot answered, String value) {
    }
}
