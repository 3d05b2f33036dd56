package io.amdb.node.route;

import io.amdb.node.cluster.PeerFailure;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.FrameHeader;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Member;
import io.amdb.protocol.Opcode;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.Request;
import io.amdb.protocol.RequestCodec;
import io.amdb.protocol.Response;
import io.amdb.protocol.Wire;
import io.amdb.protocol.WireReader;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;

/**
 * Where coordinators' pieces arrive ({@link PeerMessages}): each runs through an owner-only
 * {@link Exchange}, fenced by this node's table, and the reply is a protocol response frame. One consumer
 * per node, so the pieces one coordinator sends are run in the order sent (per-key order holds across the
 * hop). A malformed piece fails that message only.
 */
public final class PeerEndpoint extends VerticleBase {
    private final ShardDispatcher shards;
    private final Limits limits;
    private final NodeStatus status;
    private final java.util.ArrayDeque<Message<Buffer>> waiting = new java.util.ArrayDeque<>();

    public PeerEndpoint(ShardDispatcher shards, Limits limits, NodeStatus status) {
        this.shards = shards;
        this.limits = limits;
        this.status = status;
    }

    @Override
    public Future<?> start() {
        return vertx.eventBus().<Buffer>consumer(PeerMessages.address(status.nodeId()), this::handle).completion();
    }

    /**
     * Pieces wait, in arrival order, while this node's table is older than the coordinator's: the coordinator
     * may already know this node owns a partition (a cutover) before this node does. Later pieces queue behind
     * a waiting one, so pieces still run in the order sent.
     */
    private void handle(Message<Buffer> message) {
        waiting.add(message);
        if (waiting.size() == 1) {
            runWaiting();
        }
    }

    private void runWaiting() {
        while (!waiting.isEmpty()) {
            Message<Buffer> head = waiting.peek();
            long epoch = epochOf(head.body());
            if (epoch > status.table().epoch()) {
                TableWait.until(status, epoch, status.parkingVersion()).onComplete(v -> {
                    run(waiting.poll());
                    runWaiting();
                });
                return;
            }
            run(waiting.poll());
        }
    }

    /** The table epoch the coordinator routed a piece with (0 when the piece is too short to say). */
    private static long epochOf(Buffer body) {
        if (body.length() < 1 + Wire.HEADER_BYTES) {
            return 0;
        }
        return body.getByte(0) == PeerMessages.KIND_REQUEST ? body.getLong(1 + 12)
                : body.getByte(0) == PeerMessages.KIND_LOCAL_SCAN ? body.getLong(1) : 0;
    }

    private void run(Message<Buffer> message) {
        byte[] b = message.body().getBytes();
        try {
            if (b.length > 0 && b[0] == PeerMessages.KIND_REQUEST) {
                FrameHeader h = FrameHeader.parse(b, 1, b.length - 1);
                Request request = RequestCodec.decode(h, new WireReader(b, 1 + Wire.HEADER_BYTES,
                        b.length - 1 - Wire.HEADER_BYTES), limits.maxBatchItems());
                Exchange exchange = new Exchange(shards, limits, status);
                exchange.add(0, h.epoch(), request);
                answer(message, exchange, h.opcode());
            } else if (b.length > 0 && b[0] == PeerMessages.KIND_LOCAL_SCAN) {
                PartitionTable table = status.table();
                PeerMessages.LocalScan scan = PeerMessages.decodeLocalScan(b, table.partitions());
                Exchange exchange = new Exchange(shards, limits, status);
                int stray = firstNotOwned(table, scan.partitions());
                if (stray >= 0) {
                    Member owner = table.owner(stray);
                    exchange.addError(0, Opcode.SCAN.code(), ErrorCode.WRONG_OWNER, "partition " + stray + " is owned by "
                            + (owner == null ? "nobody (LOST)" : owner.nodeId()) + " at epoch " + table.epoch());
                } else {
                    exchange.addScan(0, scan.scan(), scan.partitions());
                }
                answer(message, exchange, Opcode.SCAN.code());
            } else {
                PeerFailure.MALFORMED.fail(message, "unknown peer message kind");
            }
        } catch (ProtocolException | IllegalArgumentException e) {
            PeerFailure.MALFORMED.fail(message, "malformed peer message: " + e.getMessage());
        } catch (RuntimeException e) { // a bug: fail this piece now rather than let the coordinator time out
            PeerFailure.FAILED.fail(message, "peer " + status.nodeId() + " failed: " + e);
        }
    }

    private void answer(Message<Buffer> message, Exchange exchange, int opcode) {
        exchange.seal(() -> {
            Response response = exchange.replies().get(0).response().get();
            message.reply(PeerMessages.response(opcode, status.table().epoch(), response));
        });
    }

    private int firstNotOwned(PartitionTable table, boolean[] partitions) {
        for (int p = 0; p < partitions.length; p++) {
            Member owner = table.owner(p);
            if (partitions[p] && (owner == null || !owner.nodeId().equals(status.nodeId()))) {
                return p;
            }
        }
        return -1;
    }
}
