package io.amdb.node.migrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.WireWriter;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The migration chunk's bytes (docs/PEERS.md, "Migration chunk"), RESUME's fields included. */
class ChunkTest {
    private static final byte[] OPS = {1, 2, 3, 4, 5};

    @Test
    void aResumeChunk_carriesWhereTheTargetsCopyMustStand_throughEncodeAndDecode() throws Exception {
        Chunk sent = new Chunk(9, Chunk.RESET | Chunk.RESUME, "a", 77, 5, 0, 2, new Chunk.Resume(3, 40, 8), OPS, 0,
                OPS.length);
        Chunk got = Chunk.decode(sent.encode());
        assertEquals(new Chunk.Resume(3, 40, 8), got.resume());
        assertEquals(Chunk.RESET | Chunk.RESUME, got.flags());
        assertEquals(9, got.partition());
        assertArrayEquals(OPS, Arrays.copyOfRange(got.ops(), got.off(), got.off() + got.len()));
    }

    @Test
    void anOrdinaryChunk_hasNoResumeFields() throws Exception {
        Chunk got = Chunk.decode(new Chunk(9, Chunk.FINAL, "a", 77, 5, 3, 2, null, OPS, 0, OPS.length).encode());
        assertNull(got.resume());
        assertArrayEquals(OPS, Arrays.copyOfRange(got.ops(), got.off(), got.off() + got.len()));
    }

    @Test
    void aResumeWithoutReset_orCutShort_isMalformed() {
        WireWriter w = new WireWriter();
        w.u32(9).u8(Chunk.RESUME).str("a").i64(77).i64(5).u32(1).u32(0).i64(3).i64(40).i64(8);
        assertThrows(ProtocolException.class, () -> Chunk.decode(Buffer.buffer(w.toByteArray())));
        WireWriter cut = new WireWriter();
        cut.u32(9).u8(Chunk.RESET | Chunk.RESUME).str("a").i64(77).i64(5).u32(0).u32(0).i64(3);
        assertThrows(ProtocolException.class, () -> Chunk.decode(Buffer.buffer(cut.toByteArray())));
    }
}
