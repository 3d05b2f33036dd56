package io.amdb.shell;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Statements through {@link Shell} against a real node: results, error names, formats. */
@Timeout(60)
class ShellTest extends NodeTest {

    @Test
    void execute_putThenGet_rawPrintsOnlyTheValue() throws Exception {
        try (TestShell t = new TestShell(node, Format.RAW)) {
            assertEquals(Shell.Outcome.OK, t.run("PUT s1:greeting hello", "GET s1:greeting", "GET s1:none"));
            assertEquals("hello\n\n", t.out());
            assertEquals("", t.err());
        }
    }

    @Test
    void execute_nodeRejects_errorIsNamedByErrorCode() throws Exception {
        try (TestShell t = new TestShell(node, Format.RAW)) {
            assertEquals(Shell.Outcome.FAILED, t.run("PUT \"\" v"));
            assertTrue(t.err().startsWith("ERROR KEY_EMPTY: "), t.err());
            assertEquals("", t.out());
        }
    }

    @Test
    void execute_badInput_isSyntaxError() throws Exception {
        try (TestShell t = new TestShell(node, Format.RAW)) {
            assertEquals(Shell.Outcome.FAILED, t.run("FROB a"));
            assertEquals(Shell.Outcome.FAILED, t.run("PUT onlykey"));
            assertEquals(Shell.Outcome.FAILED, t.run("SELECT FROM kv"));
            assertEquals(Shell.Outcome.FAILED, t.run("\\nosuch"));
            String[] lines = t.err().split("\n");
            assertEquals(4, lines.length, t.err());
            assertTrue(lines[0].startsWith("ERROR SYNTAX: unknown command 'FROB'"), lines[0]);
            assertEquals("ERROR SYNTAX: usage: PUT key value", lines[1]);
            assertTrue(lines[2].startsWith("ERROR SYNTAX: syntax error at position"), lines[2]);
            assertTrue(lines[3].startsWith("ERROR SYNTAX: unknown meta-command '\\nosuch'"), lines[3]);
        }
    }

    @Test
    void execute_sql_insertCountsAndSelectPrintsATable() throws Exception {
        try (TestShell t = new TestShell(node, Format.TABLE)) {
            t.run("INSERT INTO kv (k, v) VALUES ('s2:a', '1'), ('s2:b', 'two words')",
                    "SELECT k, v FROM kv WHERE k LIKE 's2:%'");
            assertEquals("""
                    INSERT 2
                    +------+-----------+
                    | k    | v         |
                    +------+-----------+
                    | s2:a | 1         |
                    | s2:b | two words |
                    +------+-----------+
                    (2 rows)
                    """, t.out());
        }
    }

    @Test
    void execute_sql_conditionalWritesCountWhatTheyChanged() throws Exception {
        try (TestShell t = new TestShell(node, Format.TABLE)) {
            t.run("INSERT INTO kv VALUES ('s5:a', 'one') ON CONFLICT DO NOTHING",
                    "INSERT INTO kv VALUES ('s5:a', 'again') ON CONFLICT DO NOTHING",
                    "UPDATE kv SET v = 'two' WHERE k = 's5:a' AND v = 'one'",
                    "UPDATE kv SET v = 'three' WHERE k = 's5:a' AND v = 'one'",
                    "UPDATE kv SET v = 'x' WHERE k = 's5:none'",
                    "DELETE FROM kv WHERE k = 's5:a' AND v = 'one'",
                    "GET s5:a");
            assertEquals("INSERT 1\nINSERT 0\nUPDATE 1\nUPDATE 0\nUPDATE 0\nDELETE 0\ntwo\n", t.out(), t.err());
        }
    }

    @Test
    void execute_binaryValues_escapedInRawAndBase64InJson() throws Exception {
        try (TestShell t = new TestShell(node, Format.RAW)) {
            t.run("PUT \"s3:\\x00\" \"\\x01\\xff ok\"", "GET \"s3:\\x00\"", "MGET \"s3:\\x00\" s3:none");
            assertEquals("\"\\x01\\xff ok\"\n\"s3:\\x00\"\t\"\\x01\\xff ok\"\ns3:none\t\n", t.out());
            t.shell.format(Format.JSON);
            t.run("SCAN s3: s4:");
            // the key is valid UTF-8 (a JSON escape does for NUL); the value is not, so it is base64
            assertTrue(t.out().endsWith("[{\"key\":\"s3:\\u0000\",\"value\":{\"base64\":\"Af8gb2s=\"}}]\n"), t.out());
        }
    }

    @Test
    void execute_jsonScanCancelled_closesTheArraySoTheNextResultHasItsOwnLine() throws Exception {
        try (TestShell t = new TestShell(node, Format.JSON)) {
            t.run("PUT s8:a 1");
            Thread.currentThread().interrupt(); // Ctrl-C: the scan fails after its '[' is printed
            assertEquals(Shell.Outcome.FAILED, t.run("SCAN s8: s9:"));
            assertEquals(Shell.Outcome.OK, t.run("GET s8:a"));
            assertEquals("[]\n\"1\"\n", t.out());
            assertTrue(t.err().startsWith("ERROR CANCELLED: "), t.err());
        }
    }

    @Test
    void execute_scanOverManyPages_streamsEveryRowAndHonoursLimit() throws Exception {
        try (TestShell t = new TestShell(node, Format.RAW)) {
            assertEquals(Shell.Outcome.OK, t.run(TestShell.insertMany("s4:", 2500, "v")));
            t.out.getBuffer().setLength(0);
            t.run("SCAN s4: s5:");
            assertEquals(2500, t.out().lines().count());
            assertTrue(t.out().startsWith("s4:00000\tv\ns4:00001\tv\n"));
            t.out.getBuffer().setLength(0);
            t.run("SCAN s4: '' LIMIT 1200");
            assertEquals(1200, t.out().lines().count());
            assertEquals(Shell.Outcome.FAILED, t.run("SCAN s4: '' LIMIT 0"));
        }
    }

    @Test
    void execute_delAndPing_countAndAnswer() throws Exception {
        try (TestShell t = new TestShell(node, Format.TABLE)) {
            t.run("PUT s5:a 1", "DEL s5:a s5:never", "PING", "GET s5:a");
            assertEquals("OK\nDEL 1\nPONG\n(nil)\n", t.out());
        }
    }

    @Test
    void execute_interrupted_reportsCancelledAndClearsTheInterrupt() throws Exception {
        try (TestShell t = new TestShell(node, Format.RAW)) {
            t.run("PUT s6:a 1");
            Thread.currentThread().interrupt(); // what Ctrl-C's Session.cancel() does to the running thread
            assertEquals(Shell.Outcome.FAILED, t.run("SCAN s6: s7:"));
            assertTrue(t.err().startsWith("ERROR CANCELLED: "), t.err());
            assertFalse(Thread.currentThread().isInterrupted());
            assertEquals(Shell.Outcome.OK, t.run("GET s6:a"));
        }
    }
}
