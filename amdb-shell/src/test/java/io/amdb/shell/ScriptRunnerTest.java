package io.amdb.shell;

import io.amdb.node.AmDbNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scripts: stop at the first failure naming its line, --force, \source, \quit, a lost connection. */
@Timeout(60)
class ScriptRunnerTest extends NodeTest {

    @Test
    void run_failingLine_stopsThereAndNamesIt() throws Exception {
        try (TestShell t = new TestShell(node, Format.RAW)) {
            assertEquals(Shell.Outcome.FAILED, t.script("PUT r1:a 1\n\nGET r1:a\nPUT r1:a\nGET r1:a\n"));
            assertEquals("1\n", t.out());
            assertEquals("ERROR SYNTAX: usage: PUT key value (test line 4)\n", t.err());
        }
    }

    @Test
    void run_force_goesOnButStillReportsFailure() throws Exception {
        try (TestShell t = new TestShell(TestShell.url(node), Format.RAW, true)) {
            assertEquals(Shell.Outcome.FAILED, t.script("PUT r2:a 1\nBOGUS\nGET r2:a; GET r2:none\n"));
            assertEquals("1\n\n", t.out());
            assertTrue(t.err().startsWith("ERROR SYNTAX: unknown command 'BOGUS'"), t.err());
            assertTrue(t.err().endsWith("(test line 2)\n"), t.err());
        }
    }

    @Test
    void run_force_quoteInsideAWordIsLiteralAndTheNextLinesRun() throws Exception {
        try (TestShell t = new TestShell(TestShell.url(node), Format.RAW, true)) {
            assertEquals(Shell.Outcome.OK, t.script("PUT r6:size 5in=\"wide\nGET r6:size\nPUT r6:x 1\nGET r6:x\n"));
            assertEquals("5in=\"wide\n1\n", t.out());
            assertEquals("", t.err());
        }
    }

    @Test
    void run_multiLineSql_runsAtSemicolonAndCountsLines() throws Exception {
        try (TestShell t = new TestShell(node, Format.CSV)) {
            assertEquals(Shell.Outcome.OK, t.script("-- setup\nINSERT INTO kv\n  VALUES ('r3:a', 'x,y');\nSELECT *\nFROM kv WHERE k = 'r3:a'"));
            assertEquals("1\nk,v\nr3:a,\"x,y\"\n", t.out());
        }
    }

    @Test
    void source_fileWithFailure_reportsTheFileLineOnceAndFailsTheSourceStatement(@TempDir Path dir) throws Exception {
        Path inner = dir.resolve("inner.amdb");
        Files.writeString(inner, "PUT r4:a 1\nGET\n");
        try (TestShell t = new TestShell(node, Format.RAW)) {
            assertEquals(Shell.Outcome.FAILED, t.script("\\source '" + inner + "'\nGET r4:a\n"));
            assertEquals("", t.out());
            assertEquals("ERROR SYNTAX: usage: GET key (" + inner + " line 2)\n", t.err());
            assertEquals(Shell.Outcome.FAILED, t.run("\\source " + dir.resolve("missing")));
            assertTrue(t.err().contains("ERROR IO_ERROR: cannot read "), t.err());
        }
    }

    @Test
    void source_selfSourcingFile_stopsAtTheDepthLimit(@TempDir Path dir) throws Exception {
        Path loop = dir.resolve("loop.amdb");
        Files.writeString(loop, "\\source '" + loop + "'\n");
        try (TestShell t = new TestShell(node, Format.RAW)) {
            assertEquals(Shell.Outcome.FAILED, t.run("\\source '" + loop + "'"));
            assertTrue(t.err().contains("nested more than " + ScriptRunner.MAX_DEPTH), t.err());
        }
    }

    @Test
    void run_quit_endsTheScriptWithoutRunningTheRest() throws Exception {
        try (TestShell t = new TestShell(node, Format.RAW)) {
            assertEquals(Shell.Outcome.QUIT, t.script("PING\n\\q\nPING\n"));
            assertEquals("PONG\n", t.out());
        }
    }

    @Test
    void run_nodeGone_stopsWithConnectionGoneEvenWhenForced() throws Exception {
        AmDbNode doomed = TestShell.startNode();
        try (TestShell t = new TestShell(TestShell.url(doomed), Format.RAW, true)) {
            assertEquals(Shell.Outcome.OK, t.script("PUT r5:a 1"));
            TestShell.stop(doomed);
            assertEquals(Shell.Outcome.CONNECTION_GONE, t.script("GET r5:a\nGET r5:a\n"));
            assertTrue(t.err().startsWith("ERROR CONNECTION_LOST: ") || t.err().startsWith("ERROR SHUTTING_DOWN: "),
                    t.err());
            assertEquals(1, t.err().lines().count(), t.err());
        } finally {
            TestShell.stop(doomed);
        }
    }
}
