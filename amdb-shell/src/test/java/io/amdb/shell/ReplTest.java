package io.amdb.shell;

import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The JLine loop on JLine's dumb terminal fed from a string (no pty, no echo): every test ends its input
 * with \quit or Ctrl-D, and has a timeout in case JLine waits for input that never comes.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a JLine read may not heed interrupts
class ReplTest extends NodeTest {

    /** What one REPL session printed: the terminal (prompts, echo, results) and stderr. */
    private record Run(int exit, String screen, String err) {}

    private static Run repl(String input, Path historyFile) throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), screen, StandardCharsets.UTF_8);
             Session session = Session.open(TestShell.url(node))) {
            Shell shell = new Shell(session, terminal.writer(), new PrintWriter(err, true), Format.TABLE, Ansi.NONE, false);
            int exit = new Repl(terminal, shell, historyFile).loop();
            terminal.flush();
            return new Run(exit, screen.toString(StandardCharsets.UTF_8), err.toString());
        }
    }

    @Test
    void loop_statementsThenQuit_printsBannerAndResultsAndExitsZero() throws Exception {
        Run r = repl("PUT p1:a hello\nGET p1:a\nBOGUS\n\\quit\nPING\n", null);
        assertEquals(0, r.exit());
        assertTrue(r.screen().startsWith("amdb shell "), r.screen());
        assertTrue(r.screen().contains("connected to AmDb "), r.screen());
        assertTrue(r.screen().contains(", 1 node at " + TestShell.url(node)), r.screen());
        assertTrue(r.screen().contains("OK\n") && r.screen().contains("hello\n"), r.screen());
        assertFalse(r.screen().contains("PONG"), "nothing runs after \\quit: " + r.screen());
        assertTrue(r.err().startsWith("ERROR SYNTAX: unknown command 'BOGUS'"), r.err());
    }

    @Test
    void loop_ctrlD_exitsZero() throws Exception {
        Run r = repl("PING\n\u0004", null);
        assertEquals(0, r.exit());
        assertTrue(r.screen().contains("PONG"), r.screen());
    }

    @Test
    void loop_sqlOverSeveralLines_runsWhenTheSemicolonArrives() throws Exception {
        Run r = repl("PUT p2:a 1\nSELECT k, v\nFROM kv\nWHERE k = 'p2:a';\n\\q\n", null);
        assertTrue(r.screen().contains("| p2:a | 1 |\n"), r.screen());
    }

    /** JLine 4.5 creates the file so; this keeps it so across upgrades or a history of our own. */
    @Test
    void loop_newHistoryFile_isReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "no POSIX permissions");
        Path file = dir.resolve("history");
        repl("PUT p4:a 1\n\\q\n", file);
        assertTrue(Files.readString(file).contains("PUT p4:a 1"));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
    }

    @Test
    void loop_history_savedToTheFileExceptLinesStartingWithABlank(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("history");
        Run r = repl("PUT p3:a 1\n PUT p3:secret 2\n\\history\n\\q\n", file);
        assertTrue(r.screen().contains("    1  PUT p3:a 1\n"), r.screen());
        assertFalse(r.screen().contains("  PUT p3:secret"), r.screen());
        String saved = Files.readString(file);
        assertTrue(saved.contains("PUT p3:a 1"), saved);
        assertFalse(saved.contains("secret"), saved);
        Run again = repl("\\history\n\\q\n", file);
        assertTrue(again.screen().contains("    1  PUT p3:a 1\n"), "history is read back: " + again.screen());
    }
}
