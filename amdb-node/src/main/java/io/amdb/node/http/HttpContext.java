package io.amdb.node.http;

import io.amdb.node.config.NodeConfig;
import io.amdb.node.storage.WriteObserver;
import io.amdb.node.table.NodeTable;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the HTTP/WebSocket front end uses of its node, and nothing more (so {@code http} does not depend on
 * the node that deploys it).
 *
 * @param requests runs one request on the node's forwarding path, as {@code AmDbNode.execute} (same limits and
 *                 error codes as the protocol; an error is a value); call on a Vert.x context of the node
 * @param acceptLoss gives every LOST partition, empty, to a live member; completes with how many were LOST
 * @param observeWrites sets (or clears, with null) the observer every shard reports client writes to
 */
public record HttpContext(NodeConfig config, Vertx vertx, NodeTable table,
                          Function<Request, Future<Response>> requests, Supplier<Future<Integer>> acceptLoss,
                          Consumer<WriteObserver> observeWrites) {
    /** See {@code requests}. */
    Future<Response> execute(Request request) {
        return requests.apply(request);
    }

    /** The node's current partition table; null before the first. */
    PartitionTable currentTable() {
        return table.current();
    }
}
