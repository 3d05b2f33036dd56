package io.amdb.node.route;

import io.amdb.node.replicate.LeaseGrants;
import io.amdb.node.table.NodeTable;
import io.amdb.protocol.Limits;

/**
 * What every {@link Exchange} of a node shares: its shards, limits, table, counters and lease grants (a promoted
 * primary's wait). Immutable; the parts
 * are thread-safe.
 */
public record RouteContext(ShardDispatcher shards, Limits limits, NodeTable table, NodeCounters counters,
        LeaseGrants grants) {}
