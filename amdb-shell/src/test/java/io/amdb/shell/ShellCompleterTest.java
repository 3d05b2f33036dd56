package io.amdb.shell;

import org.jline.reader.Candidate;
import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Completion candidates and the parser's continue-or-accept decision, without a terminal. */
class ShellCompleterTest {
    private final ShellParser parser = new ShellParser();

    private List<String> candidates(String line) {
        ParsedLine parsed = parser.parse(line, line.length(), Parser.ParseContext.COMPLETE);
        List<Candidate> out = new ArrayList<>();
        new ShellCompleter().complete(null, parsed, out);
        return out.stream().map(Candidate::value).filter(v -> v.toLowerCase().startsWith(parsed.word().toLowerCase()))
                .toList();
    }

    @Test
    void complete_backslashPrefix_isOneWordAndCompletesMetaCommands() {
        assertEquals(List.of("\\cluster"), candidates("\\clu"));
        assertEquals(List.of("\\format"), candidates("\\fo"));
    }

    @Test
    void complete_firstWord_offersNativeCommands_laterWordsTheArguments() {
        assertEquals(List.of("PUT", "PING"), candidates("p"));
        assertEquals(List.of("json"), candidates("\\format j"));
        assertEquals(List.of("on", "off"), candidates("\\timing o"));
        assertEquals(List.of(), candidates("GET k"));
    }

    @Test
    void parse_acceptLine_incompleteStatementAsksForMore() {
        EOFError e = assertThrows(EOFError.class,
                () -> parser.parse("SELECT * FROM kv", 16, Parser.ParseContext.ACCEPT_LINE));
        assertEquals(";", e.getMissing());
        assertThrows(EOFError.class, () -> parser.parse("PUT a \\", 7, Parser.ParseContext.ACCEPT_LINE));
        assertTrue(parser.parse("SELECT * FROM kv;", 17, Parser.ParseContext.ACCEPT_LINE).words().size() > 1);
        assertEquals("\\cluster", parser.parse("\\cluster", 8, Parser.ParseContext.ACCEPT_LINE).words().get(0));
    }
}
