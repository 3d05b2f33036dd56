package io.amdb.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reassembly: split input, merged input, oversized and undersized length fields. */
@ExtendWith(TestSeed.class)
class FrameAssemblerTest {
    private final List<byte[]> frames = new ArrayList<>();
    private final FrameAssembler assembler = new FrameAssembler(1024);

    private void feed(byte[] bytes, int off, int len) throws ProtocolException {
        assembler.feed(bytes, off, len, (b, o, l) -> frames.add(Arrays.copyOfRange(b, o, o + l)));
    }

    private static byte[] frame(int id, int valueBytes) {
        WireWriter w = new WireWriter();
        RequestCodec.encode(w, id, 0, new Request.Put(new byte[] {1}, new byte[valueBytes]));
        return w.toByteArray();
    }

    @Test
    void feed_oneFrameOneByteAtATime_deliversItOnceWhole() throws Exception {
        byte[] f = frame(1, 100);
        for (int i = 0; i < f.length; i++) {
            feed(f, i, 1);
            assertEquals(i == f.length - 1 ? 1 : 0, frames.size(), "after byte " + i);
        }
        assertArrayEquals(f, frames.get(0));
        assertEquals(0, assembler.pendingBytes());
    }

    @Test
    void feed_twoFramesInOneBuffer_deliversBothInOrder() throws Exception {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.writeBytes(frame(1, 3));
        both.writeBytes(frame(2, 5));
        byte[] bytes = both.toByteArray();
        feed(bytes, 0, bytes.length);
        assertEquals(2, frames.size());
        assertArrayEquals(frame(1, 3), frames.get(0));
        assertArrayEquals(frame(2, 5), frames.get(1));
    }

    @Test
    void feed_randomCuts_reassemblesEveryFrame() throws Exception {
        long seed = TestSeed.get();
        Random random = new Random(seed);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] f = frame(i, random.nextInt(300));
            sent.add(f);
            stream.writeBytes(f);
        }
        byte[] all = stream.toByteArray();
        for (int off = 0; off < all.length; ) {
            int n = Math.min(all.length - off, 1 + random.nextInt(700));
            feed(all, off, n);
            off += n;
        }
        assertEquals(sent.size(), frames.size(), "seed=" + seed);
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), frames.get(i), "seed=" + seed + " frame " + i);
        }
    }

    @Test
    void feed_lengthOverLimit_frameTooLargeBeforeBuffering() {
        byte[] header = {0, 0, 4, 1}; // 1025 > 1024
        ProtocolException e = assertThrows(ProtocolException.class, () -> feed(header, 0, 4));
        assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());
    }

    @Test
    void feed_lengthFieldSplitAcrossChunks_stillChecked() {
        assertThrows(ProtocolException.class, () -> {
            feed(new byte[] {(byte) 0xFF, (byte) 0xFF}, 0, 2);
            feed(new byte[] {(byte) 0xFF, (byte) 0xFF}, 0, 2);
        });
    }

    @Test
    void feed_lengthBelowHeader_frameTooLarge() {
        assertEquals(ErrorCode.FRAME_TOO_LARGE,
                assertThrows(ProtocolException.class, () -> feed(new byte[] {0, 0, 0, 15}, 0, 4)).code());
    }

    @Test
    void feed_frameExactlyAtLimit_accepted() throws Exception {
        WireWriter w = new WireWriter();
        int start = w.beginFrame(1, 0, 1, 0);
        w.raw(new byte[1024 - Wire.MIN_LENGTH], 0, 1024 - Wire.MIN_LENGTH);
        w.endFrame(start);
        byte[] f = w.toByteArray();
        feed(f, 0, f.length);
        assertEquals(1, frames.size());
    }
}
