package io.amdb.shell;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./amdb shell} as a separate process: -e, -f, piped stdin, exit codes and stderr. */
@Timeout(120)
class ShellProcessIT extends NodeTest {

    private static String url() {
        return TestShell.url(node);
    }

    @Test
    void execute_putThenGet_printsTheValueAndExitsZero() throws Exception {
        Launcher.Run r = Launcher.shell("", "--url", url(), "-e", "PUT greeting hello", "-e", "GET greeting");
        assertEquals(new Launcher.Run(0, "hello\n", ""), r);
    }

    @Test
    void pipedStdin_runsLineByLine() throws Exception {
        assertEquals(new Launcher.Run(0, "1\n", ""), Launcher.shell("PUT a 1\nGET a\n", "--url", url()));
    }

    @Test
    void pipedStdin_badCommand_stopsThereExitsOneAndNamesTheLine() throws Exception {
        Launcher.Run r = Launcher.shell("PUT p:a 1\nNOPE\nGET p:a\n", "--url", url());
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertEquals("ERROR SYNTAX: unknown command 'NOPE'; \\help lists the commands (stdin line 2)\n", r.err());
    }

    @Test
    void file_withForce_runsEveryLineAndStillExitsOne(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("s.amdb");
        Files.writeString(script, "PUT f:a 1\nPUT \"\" x\nGET f:a\n");
        Launcher.Run r = Launcher.shell("", "--url", url(), "--force", "-f", script.toString());
        assertEquals(1, r.exit());
        assertEquals("1\n", r.out());
        assertTrue(r.err().startsWith("ERROR KEY_EMPTY: "), r.err());
        assertTrue(r.err().endsWith("(" + script + " line 2)\n"), r.err());
    }

    @Test
    void force_quitAfterAFailure_stillExitsOne() throws Exception {
        Launcher.Run r = Launcher.shell("BOGUS\nPING\n\\quit\nPING\n", "--url", url(), "--force");
        assertEquals(1, r.exit());
        assertEquals("PONG\n", r.out());
        Launcher.Run missing = Launcher.shell("", "--url", url(), "--force", "-f", "/nonexistent/script.amdb", "-e", "PING");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().startsWith("ERROR IO_ERROR: cannot read /nonexistent/script.amdb"), missing.err());
    }

    @Test
    void json_binaryValue_isBase64WithMarker() throws Exception {
        Launcher.Run r = Launcher.shell("", "--url", url(), "--format", "json",
                "-e", "PUT \"j:\\xff\" \"\\x00\\xfe\"", "-e", "GET \"j:\\xff\"");
        assertEquals(new Launcher.Run(0, "{\"base64\":\"AP4=\"}\n", ""), r);
    }

    @Test
    void noNode_exitsThreeWithCannotConnect() throws Exception {
        Launcher.Run r = Launcher.shell("", "--url", "jdbc:amdb://127.0.0.1:1", "-e", "PING");
        assertEquals(3, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("ERROR CANNOT_CONNECT: "), r.err());
    }

    @Test
    void usage_badOptionExitsTwo_helpListsExitCodes() throws Exception {
        Launcher.Run bad = Launcher.shell("", "--no-such-option");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("Unknown option: '--no-such-option'"), bad.err());
        Launcher.Run help = Launcher.shell("", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("Exit codes:"), help.out());
        assertTrue(help.out().contains("3   could not connect, or the connection was lost"), help.out());
    }
}
