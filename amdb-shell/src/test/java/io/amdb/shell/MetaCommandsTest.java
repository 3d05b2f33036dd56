package io.amdb.shell;

import io.amdb.node.AmDbNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The meta-commands against a real node. */
@Timeout(60)
class MetaCommandsTest extends NodeTest {

    @Test
    void format_showsAndSwitches_unknownIsSyntax() throws Exception {
        try (TestShell t = new TestShell(node, Format.TABLE)) {
            t.run("\\format", "\\format json", "PUT m1:a 1", "GET m1:a", "\\format");
            assertEquals("table\nOutput format is json.\n\"1\"\n\"json\"\n", t.out());
            assertEquals(Shell.Outcome.FAILED, t.run("\\format xml"));
            assertTrue(t.err().startsWith("ERROR SYNTAX: unknown format 'xml'"), t.err());
        }
    }

    @Test
    void timing_on_printsTimeOnStderrNotStdout() throws Exception {
        try (TestShell t = new TestShell(node, Format.RAW)) {
            t.run("\\timing on", "PING", "\\timing off", "PING");
            assertEquals("PONG\nPONG\n", t.out());
            assertEquals(2, t.err().lines().filter(l -> l.matches("Time: \\d+\\.\\d{3} ms")).count(), t.err());
        }
    }

    @Test
    void help_listsEveryCommand_andOneOnRequest() throws Exception {
        try (TestShell t = new TestShell(node, Format.RAW)) {
            t.run("\\help");
            for (String name : Help.names()) {
                assertTrue(t.out().contains("  " + name), name);
            }
            t.out.getBuffer().setLength(0);
            t.run("\\help scan");
            assertEquals("SCAN start end [LIMIT n]\n  keys in [start, end) in byte order; '' is unbounded\n", t.out());
        }
    }

    @Test
    void connect_badUrl_keepsTheSessionAndReportsCannotConnect() throws Exception {
        try (TestShell t = new TestShell(node, Format.RAW)) {
            assertEquals(Shell.Outcome.CONNECTION_GONE, t.run("\\connect jdbc:amdb://127.0.0.1:1"));
            assertTrue(t.err().startsWith("ERROR CANNOT_CONNECT: "), t.err());
            assertEquals(Shell.Outcome.FAILED, t.run("\\connect http://x"));
            assertEquals(Shell.Outcome.OK, t.run("PING"));
        }
    }

    @Test
    void connect_otherNode_switchesTheSession() throws Exception {
        AmDbNode other = TestShell.startNode();
        try (TestShell t = new TestShell(node, Format.TABLE)) {
            t.run("PUT m2:only-on-first 1", "\\connect " + TestShell.url(other), "GET m2:only-on-first");
            assertTrue(t.out().contains("Connected: AmDb "), t.out());
            assertTrue(t.out().endsWith("1 node at " + TestShell.url(other) + "\n(nil)\n"), t.out());
        } finally {
            TestShell.stop(other);
        }
    }

    @Test
    void connect_thenCloseTheShell_closesTheReplacedAndTheCurrentSession() throws Exception {
        AmDbNode other = TestShell.startNode();
        try (TestShell t = new TestShell(node, Format.RAW)) {
            Session first = t.shell.session();
            assertEquals(Shell.Outcome.OK, t.run("\\connect " + TestShell.url(other)));
            Session second = t.shell.session();
            assertNotSame(first, second);
            assertTrue(first.isClosed(), "\\connect closes the session it replaces");
            assertFalse(second.isClosed());
            t.shell.close();
            assertTrue(second.isClosed(), "closing the shell closes the session \\connect opened");
        } finally {
            TestShell.stop(other);
        }
    }

    @Test
    void cluster_json_reportsTableAndNodeInfo() throws Exception {
        try (TestShell t = new TestShell(node, Format.JSON)) {
            assertEquals(Shell.Outcome.OK, t.run("\\cluster"));
            String[] docs = t.out().split("\n");
            assertEquals(2, docs.length, t.out()); // no migrations table: none in flight
            assertTrue(docs[0].matches("\\[\\{\"epoch\":\"\\d+\",\"nodes\":\"1\",\"partitions\":\"1024\",\"lost\":\"0\","
                    + "\"migrating\":\"0\",\"migrations_done\":\"0\",\"progress\":\"-\"}]"), docs[0]);
            assertTrue(docs[1].startsWith("[{\"node\":\"node-"), docs[1]);
            assertTrue(docs[1].contains("\"address\":\"127.0.0.1:" + node.port() + "\",\"status\":\"up\","
                    + "\"partitions\":\"1024\",\"version\":\""), docs[1]);
        }
    }

    @Test
    void history_outsideTheRepl_saysThereIsNone() throws Exception {
        try (TestShell t = new TestShell(node, Format.RAW)) {
            t.run("\\history");
            assertEquals("(no history)\n", t.out());
        }
    }
}
