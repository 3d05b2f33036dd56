package io.amdb.node.route;

import io.amdb.node.table.NodeTable;
import io.amdb.protocol.Limits;

/**
 * What every {@link Exchange} of a node shares: its shards, limits, table and counters. Immutable; the parts
 * are thread-safe.
 */
public record RouteContext(ShardDispatcher shards, Limits limits, NodeTable table, NodeCounters counters) {}
