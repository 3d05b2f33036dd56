package io.amdb.node.api;

import io.amdb.node.route.Coordinator;
import io.amdb.node.route.NodeStatus;
import io.amdb.node.route.ShardDispatcher;
import io.amdb.protocol.Limits;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every protocol listener instance shares: routing, limits, node status and the connection count.
 *
 * @param coordinator the coordinator path for requests this node cannot answer alone; null on a standalone node
 * @param connections open client connections across all listener instances
 * @param maxConnections connections above this are refused with TOO_MANY_CONNECTIONS
 */
public record ProtocolContext(ShardDispatcher dispatcher, Limits limits, NodeStatus status, Coordinator coordinator,
                              AtomicInteger connections, int maxConnections) {}
