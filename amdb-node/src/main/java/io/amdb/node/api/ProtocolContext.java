package io.amdb.node.api;

import io.amdb.node.route.Forwarder;
import io.amdb.node.route.RouteContext;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every protocol listener instance shares: routing, the forwarder and the connection count.
 *
 * @param forwarder the forwarding path for requests this node cannot answer alone; null on a standalone node
 * @param connections open client connections across all listener instances
 * @param maxConnections connections above this are refused with TOO_MANY_CONNECTIONS
 */
public record ProtocolContext(RouteContext routes, Forwarder forwarder, AtomicInteger connections, int maxConnections) {}
