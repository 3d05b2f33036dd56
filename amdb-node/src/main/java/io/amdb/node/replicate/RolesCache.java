package io.amdb.node.replicate;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;

/**
 * The {@link Roles} of this node in the newest table asked for, derived once per table. Thread-safe: shards and
 * endpoints on different event loops share it; two threads may derive the same roles once each, harmlessly.
 */
public final class RolesCache {
    private final Member self;
    private volatile Roles cached;

    public RolesCache(Member self) {
        this.self = self;
    }

    /** The roles {@code table} gives this node. */
    public Roles of(PartitionTable table) {
        Roles r = cached;
        if (r == null || r.epoch() != table.epoch()) {
            r = Roles.of(table, self);
            if (cached == null || cached.epoch() < r.epoch()) {
                cached = r;
            }
        }
        return r;
    }
}
