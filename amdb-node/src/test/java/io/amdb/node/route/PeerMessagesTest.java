package io.amdb.node.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Opcode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.amdb.protocol.TestSeed;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The forwarder's binary messages survive encoding: partition sets bit for bit, ranges, replies. */
@ExtendWith(TestSeed.class)
class PeerMessagesTest {
    @Test
    void localScan_roundTrip_keepsEveryPartitionBitAndTheRange() throws Exception {
        long seed = TestSeed.get();
        SplittableRandom random = new SplittableRandom(seed);
        for (int partitions : new int[] {1, 7, 8, 9, 1024}) {
            boolean[] mask = new boolean[partitions];
            for (int p = 0; p < partitions; p++) {
                mask[p] = random.nextBoolean();
            }
            byte[] bytes = PeerMessages.localScan(17, mask, new Request.Scan(new byte[] {1, 2}, null, 500)).getBytes();
            PeerMessages.LocalScan back = PeerMessages.decodeLocalScan(bytes, partitions);
            assertEquals(17, back.epoch());
            assertArrayEquals(mask, back.partitions(), "P=" + partitions);
            assertArrayEquals(new byte[] {1, 2}, back.scan().start());
            assertArrayEquals(new byte[0], back.scan().end(), "no end travels as empty: no upper bound");
            assertEquals(500, back.scan().limit());
        }
    }

    @Test
    void response_roundTrip_valuesAndErrors() throws Exception {
        Response values = new Response.Values(java.util.Arrays.asList(new byte[] {9}, null));
        Response.Values v = assertInstanceOf(Response.Values.class,
                PeerMessages.decodeReply(PeerMessages.response(Opcode.MGET.code(), 3, values)).response());
        assertArrayEquals(new byte[] {9}, v.values().get(0));
        assertEquals(null, v.values().get(1));
        Forwarder.Piece piece = PeerMessages.decodeReply(
                PeerMessages.response(Opcode.GET.code(), 3, new Response.Error(ErrorCode.WRONG_OWNER, "moved")));
        assertEquals(3, piece.epoch(), "the owner's epoch travels with its answer");
        Response.Error e = assertInstanceOf(Response.Error.class, piece.response());
        assertEquals(ErrorCode.WRONG_OWNER, e.code());
        assertEquals("moved", e.message());
    }
}
