package io.amdb.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.TestSeed;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestSeed.class)
class DisplayTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void text_plainUtf8_isPrintedAsItIs() {
        assertEquals("hello wörld 😀", Display.text(utf8("hello wörld 😀")));
        assertEquals("a\\b", Display.text(utf8("a\\b")));
    }

    @Test
    void text_invalidUtf8OrControls_isQuotedWithEscapes() {
        assertEquals("\"\\x00ab\\xff\"", Display.text(new byte[] {0, 'a', 'b', (byte) 0xff}));
        assertEquals("\"line\\nnext\\ttab\"", Display.text(utf8("line\nnext\ttab")));
        assertEquals("\"é\\xc3\"", Display.text(new byte[] {(byte) 0xc3, (byte) 0xa9, (byte) 0xc3}));
        assertEquals("\"\\\"starts with a quote\"", Display.text(utf8("\"starts with a quote")));
    }

    @Test
    void quoted_anyBytes_readBackByWordsAsTheSameBytes() throws ShellError {
        long seed = TestSeed.get();
        Random random = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            byte[] value = new byte[random.nextInt(12)];
            random.nextBytes(value);
            if (i % 3 == 0) {
                value = utf8(new String(value, StandardCharsets.ISO_8859_1)); // some valid multi-byte text
            }
            String shown = Display.text(value);
            String quoted = Display.quoted(value);
            assertTrue(shown.equals(Display.utf8OrNull(value)) || shown.equals(quoted), "seed " + seed + ": " + shown);
            List<byte[]> back = Words.split(quoted);
            assertEquals(1, back.size(), "seed " + seed + ": " + quoted);
            assertArrayEquals(value, back.get(0), "seed " + seed + ": " + quoted);
        }
    }

    @Test
    void json_value_isStringNullOrBase64Marker() {
        assertEquals("\"tab\\there \\\"q\\\" \\u0001\"", JsonPrinter.value(utf8("tab\there \"q\" \u0001")));
        assertEquals("null", JsonPrinter.value(null));
        assertEquals("{\"base64\":\"AP8=\"}", JsonPrinter.value(new byte[] {0, (byte) 0xff}));
    }

    @Test
    void csv_field_quotesOnlyWhenNeeded() {
        assertEquals("plain", DelimitedPrinter.csvField("plain"));
        assertEquals("\"a,b\"", DelimitedPrinter.csvField("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", DelimitedPrinter.csvField("say \"hi\""));
    }
}
