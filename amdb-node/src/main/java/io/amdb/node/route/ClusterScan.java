package io.amdb.node.route;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One page of a cluster-wide ordered SCAN: each member scans exactly the partitions the forwarding node's table
 * gives it (a k-way merge of its partitions' ordered streams, see {@code ShardStore#scan}), and the
 * forwarding node merges the members' pages the same way ({@link ScanMerge}), so the continuation is exact.
 * A member that no longer owns one of its partitions answers WRONG_OWNER and the page is asked again with a
 * newer table. With any partition LOST the scan fails PARTITION_LOST: it could not tell which keys it missed.
 */
final class ClusterScan {
    private final Forwarder forwarder;
    private final Request.Scan scan;

    ClusterScan(Forwarder forwarder, Request.Scan scan) {
        this.forwarder = forwarder;
        this.scan = scan;
    }

    Future<Response> run() {
        var limits = forwarder.limits();
        try {
            Rejected.checkScanBounds(limits, scan); // here too: refused before it fans out to every member
        } catch (Rejected e) {
            return Future.succeededFuture(new Response.Error(e.code, e.getMessage()));
        }
        return page(new Request.Scan(scan.start(), scan.end(), Math.min(scan.limit(), limits.maxScanLimit())), 1,
                forwarder.nanoTime());
    }

    private Future<Response> page(Request.Scan bounded, int attempt, long started) {
        long seen = forwarder.table().version(); // before reading the table, so no install is missed
        PartitionTable table = forwarder.table().current();
        if (table.lostPartitions() > 0) {
            int first = 0;
            while (!table.isLost(first)) {
                first++;
            }
            return Future.succeededFuture(new Response.Error(ErrorCode.PARTITION_LOST, table.lostPartitions()
                    + " partitions are LOST (partition " + first + " first); a scan would silently miss their keys"));
        }
        Map<Member, boolean[]> masks = new LinkedHashMap<>();
        for (int p = 0; p < table.partitions(); p++) {
            masks.computeIfAbsent(table.owner(p), m -> new boolean[table.partitions()])[p] = true;
        }
        List<Future<Forwarder.Piece>> pieces = new ArrayList<>();
        masks.forEach((member, mask) -> pieces.add(
                forwarder.send(member, PeerMessages.localScan(table.epoch(), mask, bounded))));
        return Future.join(pieces).compose(all -> {
            List<ScanMerge.Part> parts = new ArrayList<>();
            for (Future<Forwarder.Piece> piece : pieces) {
                if (!(piece.result().response() instanceof Response.ScanPage page)) {
                    return forwarder.retryIfMoved(piece.result(), seen, attempt, () -> page(bounded, attempt + 1, started), started);
                }
                parts.add(ScanMerge.Part.of(page));
            }
            return Future.succeededFuture(ScanMerge.merge(parts, bounded.limit(), forwarder.limits().scanPageBytes()));
        });
    }
}
