package io.amdb.node.route;

import io.amdb.node.cluster.PeerFailure;
import io.amdb.node.table.NodeTable;
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
 * Where forwarded pieces arrive ({@link PeerMessages}): each runs through an owner-only
 * {@link Exchange}, fenced by this node's table, and the reply is a protocol response frame. One consumer
 * per node, so the pieces one forwarding node sends are run in the order sent (per-key order holds across the
 * hop). A malformed piece fails that message only.
 */
public final class PeerEndpoint extends VerticleBase {
    private final RouteContext node;
    private final NodeTable table;
    private final Limits limits;
    private final java.util.ArrayDeque<Message<Buffer>> waiting = new java.util.ArrayDeque<>();

    public PeerEndpoint(RouteContext node) {
        this.node = node;
        this.table = node.table();
        this.limits = node.limits();
    }

    @Override
    public Future<?> start() {
        return vertx.eventBus().<Buffer>consumer(PeerMessages.address(table.selfId()), this::handle).completion();
    }

    /**
     * Pieces wait, in arrival order, while this node's table is older than the sender's: the sender
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
            if (epoch > table.current().epoch()) {
                table.untilNewer(epoch, table.version()).onComplete(v -> {
                    run(waiting.poll());
                    runWaiting();
                });
                return;
            }
            run(waiting.poll());
        }
    }

    /** The table epoch the sender routed a piece with (0 when the piece is too short to say). */
    private static long epochOf(Buffer body) {
        if (body.length() < 1 + Wire.HEADER_BYTES) {
            return 0;
        }
        if (body.getByte(0) == PeerMessages.KIND_REQUEST) {
            return body.length() < PeerMessages.REQUEST_FRAME_AT + Wire.HEADER_BYTES ? 0
                    : body.getLong(PeerMessages.REQUEST_FRAME_AT + 12);
        }
        return body.getByte(0) == PeerMessages.KIND_LOCAL_SCAN
                ? body.getLong(1) : 0;
    }

    private void run(Message<Buffer> message) {
        byte[] b = message.body().getBytes();
        try {
            if (b.length > 0 && b[0] == PeerMessages.KIND_REQUEST) {
                int at = PeerMessages.REQUEST_FRAME_AT;
                if (b.length < at) {
                    throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "piece shorter than its deadline");
                }
                long deadline = new WireReader(b, 1, Long.BYTES).i64();
                FrameHeader h = FrameHeader.parse(b, at, b.length - at);
                Exchange exchange = new Exchange(node);
                if (System.currentTimeMillis() > deadline) {
                    // The sender has answered its client TIMEOUT by now: running this write late (a message held
                    // in a cut connection, delivered after the network healed) could overwrite later writes.
                    exchange.addError(0, h.opcode(), ErrorCode.TIMEOUT, "the piece reached " + table.selfId()
                            + " after its sender's deadline; not run");
                } else {
                    Request request = RequestCodec.decode(h, new WireReader(b, at + Wire.HEADER_BYTES,
                            b.length - at - Wire.HEADER_BYTES), limits.maxBatchItems());
                    exchange.add(0, h.epoch(), request);
                }
                answer(message, exchange, h.opcode());
            } else if (b.length > 0 && b[0] == PeerMessages.KIND_LOCAL_SCAN) {
                PartitionTable current = table.current();
                PeerMessages.LocalScan scan = PeerMessages.decodeLocalScan(b, current.partitions());
                Exchange exchange = new Exchange(node);
                int stray = firstNotOwned(current, scan.partitions());
                if (stray >= 0) {
                    Member owner = current.owner(stray);
                    exchange.addError(0, Opcode.SCAN.code(), ErrorCode.WRONG_OWNER, "partition " + stray + " is owned by "
                            + (owner == null ? "nobody (LOST)" : owner.nodeId()) + " at epoch " + current.epoch());
                } else {
                    exchange.addScan(0, scan.scan(), scan.partitions());
                }
                answer(message, exchange, Opcode.SCAN.code());
            } else {
                PeerFailure.MALFORMED.fail(message, "unknown peer message kind");
            }
        } catch (ProtocolException | IllegalArgumentException e) {
            PeerFailure.MALFORMED.fail(message, "malformed peer message: " + e.getMessage());
        } catch (RuntimeException e) { // a bug: fail this piece now rather than let the sender time out
            PeerFailure.FAILED.fail(message, "peer " + table.selfId() + " failed: " + e);
        }
    }

    private void answer(Message<Buffer> message, Exchange exchange, int opcode) {
        exchange.seal(() -> {
            Response response = exchange.replies().get(0).response();
            message.reply(PeerMessages.response(opcode, table.current().epoch(), response));
        });
    }

    private int firstNotOwned(PartitionTable current, boolean[] partitions) {
        for (int p = 0; p < partitions.length; p++) {
            Member owner = current.owner(p);
            if (partitions[p] && !table.isSelf(owner)) {
                return p;
            }
        }
        return -1;
    }
}
