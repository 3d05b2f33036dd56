package io.amdb.shell;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordsTest {

    private static List<String> texts(String line) throws ShellError {
        return Words.splitText(line);
    }

    @Test
    void split_bareWords_areLiteralUpToBlanks() throws ShellError {
        assertEquals(List.of("PUT", "user:1", "{\"a\":1}", "it's"), texts("  PUT\tuser:1  {\"a\":1} it's "));
    }

    @Test
    void split_doubleQuoted_decodesEscapesToBytes() throws ShellError {
        List<byte[]> w = Words.split("\"a b\\x00\\xff\\n\\t\\r\\\\\\\"\\0\"");
        assertArrayEquals(new byte[] {'a', ' ', 'b', 0, (byte) 0xff, '\n', '\t', '\r', '\\', '"', 0}, w.get(0));
    }

    @Test
    void split_unicodeEscapeAndLiteralCharacters_areUtf8() throws ShellError {
        assertArrayEquals("é€😀".getBytes(StandardCharsets.UTF_8), Words.split("\"\\u00e9€😀\"").get(0));
    }

    @Test
    void split_surrogatePairEscape_isOneCharacterInUtf8() throws ShellError {
        byte[] grinning = {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80};
        assertArrayEquals(grinning, Words.split("\"\\ud83d\\ude00\"").get(0));
        assertArrayEquals(grinning, Words.split("\"\\uD83D\\uDE00\"").get(0));
    }

    @Test
    void split_loneSurrogateEscape_isSyntaxError() {
        for (String word : List.of("\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"", "\"\\ud83dx\"", "\"\\ude00\\ud83d\"")) {
            ShellError e = assertThrows(ShellError.class, () -> Words.split(word), word);
            assertEquals(ShellError.SYNTAX, e.name());
            assertTrue(e.getMessage().contains("half of a surrogate pair"), e.getMessage());
        }
    }

    @Test
    void split_singleQuotedAndHex_followSqlRules() throws ShellError {
        assertEquals(List.of("it's a", ""), texts("'it''s a' ''"));
        assertArrayEquals(new byte[] {0, (byte) 0xAB}, Words.split("X'00ab'").get(0));
        assertArrayEquals(new byte[0], Words.split("\"\"").get(0));
    }

    @Test
    void split_badInput_isSyntaxErrorNamingTheProblem() {
        assertTrue(assertThrows(ShellError.class, () -> Words.split("\"open")).getMessage().contains("unclosed \""));
        assertTrue(assertThrows(ShellError.class, () -> Words.split("'open")).getMessage().contains("unclosed '"));
        assertTrue(assertThrows(ShellError.class, () -> Words.split("\"\\q\"")).getMessage().contains("unknown escape"));
        assertTrue(assertThrows(ShellError.class, () -> Words.split("\"\\xZZ\"")).getMessage().contains("hex digits"));
        assertTrue(assertThrows(ShellError.class, () -> Words.split("X'abc'")).getMessage().contains("even number"));
        ShellError glued = assertThrows(ShellError.class, () -> Words.split("\"a\"b"));
        assertEquals(ShellError.SYNTAX, glued.name());
    }
}
