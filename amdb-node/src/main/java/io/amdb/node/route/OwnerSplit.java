package io.amdb.node.route;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Partitioner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Items of one request grouped by the member that owns each item's partition in one table; items whose
 * partition is LOST are kept apart. Item numbers are positions in the request, so results can be put back
 * in request order.
 */
final class OwnerSplit {
    final Map<Member, List<Integer>> byOwner = new LinkedHashMap<>();
    final List<Integer> lost = new ArrayList<>();
    int firstLostPartition = -1;

    /** Splits the items numbered {@code which} (null: 0..n-1), whose keys {@code keyOf} gives. */
    static OwnerSplit of(PartitionTable table, Partitioner partitioner, int n, int[] which, IntFunction<byte[]> keyOf) {
        OwnerSplit split = new OwnerSplit();
        for (int k = 0; k < (which == null ? n : which.length); k++) {
            int item = which == null ? k : which[k];
            int partition = partitioner.partition(keyOf.apply(item));
            Member owner = table.owner(partition);
            if (owner == null) {
                split.lost.add(item);
                if (split.firstLostPartition < 0) {
                    split.firstLostPartition = partition;
                }
            } else {
                split.byOwner.computeIfAbsent(owner, m -> new ArrayList<>()).add(item);
            }
        }
        return split;
    }
}
