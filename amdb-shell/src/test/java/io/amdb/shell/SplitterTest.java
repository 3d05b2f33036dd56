package io.amdb.shell;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitterTest {

    /** Feeds every line, then finishes; returns "text@line" for each statement. */
    private static List<String> split(String... lines) {
        Splitter s = new Splitter();
        List<Splitter.Statement> out = new ArrayList<>();
        for (String line : lines) {
            out.addAll(s.feed(line));
        }
        out.addAll(s.finish());
        return out.stream().map(st -> st.text() + "@" + st.line()).toList();
    }

    @Test
    void feed_nativeCommands_endAtTheEndOfTheirLine() {
        assertEquals(List.of("PUT a 1@1", "GET a@2"), split("PUT a 1", "GET a"));
    }

    @Test
    void feed_semicolons_splitOneLineIntoStatements() {
        assertEquals(List.of("PUT a 1@1", "GET a@1", "PING@2"), split("PUT a 1; GET a;", "PING"));
    }

    @Test
    void feed_sqlWithoutSemicolon_continuesToTheNextLines() {
        Splitter s = new Splitter();
        assertEquals(List.of(), s.feed("SELECT *"));
        assertTrue(s.pending());
        assertEquals(List.of(), s.feed("FROM kv"));
        List<Splitter.Statement> done = s.feed("WHERE k = 'a'; GET b");
        assertEquals(List.of(new Splitter.Statement("SELECT *\nFROM kv\nWHERE k = 'a'", 1),
                new Splitter.Statement("GET b", 3)), done);
        assertFalse(s.pending());
    }

    @Test
    void feed_trailingBackslash_joinsLinesWithABlank() {
        assertEquals(List.of("PUT a  1@1", "GET a@3"), split("PUT a \\", "1", "GET a"));
    }

    @Test
    void feed_unclosedQuote_keepsTheNewlineInTheString() {
        assertEquals(List.of("PUT a \"x\ny\"@1"), split("PUT a \"x", "y\""));
    }

    @Test
    void feed_quotesAndSemicolons_semicolonInsideQuotesDoesNotSplit() {
        assertEquals(List.of("PUT a 'x;y'@1", "PUT b \"p\\\";q\"@2"), split("PUT a 'x;y'", "PUT b \"p\\\";q\""));
    }

    @Test
    void feed_apostropheInsideAWord_isNotAQuote() {
        assertEquals(List.of("PUT a it's@1", "GET a@2"), split("PUT a it's", "GET a"));
    }

    @Test
    void feed_quoteInsideANativeOrMetaWord_isLiteralAndDoesNotSwallowTheNextLines() {
        assertEquals(List.of("PUT size 5in=\"wide@1", "GET size@2", "PUT x 1@3"),
                split("PUT size 5in=\"wide", "GET size", "PUT x 1"));
        assertEquals(List.of("\\format a='b@1", "PING@2"), split("\\format a='b", "PING"));
        assertTrue(Splitter.complete("PUT a x=\"open"));
        assertTrue(Splitter.complete("PUT a (X'00"));
    }

    @Test
    void feed_sqlQuoteAfterPunctuation_opensAString() {
        assertEquals(List.of("SELECT * FROM kv WHERE k='a;b'@1"), split("SELECT * FROM kv WHERE k='a;b';"));
    }

    @Test
    void feed_hexLiteralAndDoubledQuote_areQuoted() {
        assertEquals(List.of("INSERT INTO kv VALUES (X'3b', 'it''s;')@1"), split("INSERT INTO kv VALUES (X'3b', 'it''s;');"));
    }

    @Test
    void feed_commentsAndBlankLines_areSkippedAndLinesStillCount() {
        assertEquals(List.of("PING@3", "GET a@5"), split("-- a comment", "", "PING", "# another; still a comment", "GET a"));
    }

    @Test
    void finish_sqlWithoutSemicolonAtEndOfInput_isStillRun() {
        assertEquals(List.of("SELECT * FROM kv@1"), split("SELECT * FROM kv"));
    }

    @Test
    void complete_reportsWhatTheReplMustWaitFor() {
        assertTrue(Splitter.complete("GET a"));
        assertTrue(Splitter.complete("\\cluster"));
        assertTrue(Splitter.complete("SELECT * FROM kv;"));
        assertFalse(Splitter.complete("SELECT * FROM kv"));
        assertFalse(Splitter.complete("PUT a \\"));
        assertFalse(Splitter.complete("PUT a 'open"));
        assertTrue(Splitter.complete("PUT a \\\n1"));
    }
}
