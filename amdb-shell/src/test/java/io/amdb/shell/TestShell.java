package io.amdb.shell;

import io.amdb.node.AmDbNode;
import io.amdb.node.config.NodeConfig;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Shell} over a real in-process node, writing to strings: {@link #out()} and {@link #err()} hold
 * what the user would see on stdout and stderr. Close it to close the session (the node is the caller's).
 */
final class TestShell implements AutoCloseable {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final Shell shell;

    TestShell(String url, Format format, boolean force) throws ShellError {
        shell = new Shell(Session.open(url), new PrintWriter(out, true), new PrintWriter(err, true), format, Ansi.NONE,
                force);
    }

    TestShell(AmDbNode node, Format format) throws ShellError {
        this(url(node), format, false);
    }

    static AmDbNode startNode() throws Exception {
        return AmDbNode.start(NodeConfig.defaults().withPort(0).withShards(2)).await(30, TimeUnit.SECONDS);
    }

    static void stop(AmDbNode node) throws Exception {
        if (node != null) {
            node.stop().await(30, TimeUnit.SECONDS);
        }
    }

    static String url(AmDbNode node) {
        return "jdbc:amdb://127.0.0.1:" + node.port();
    }

    /** One SQL INSERT of keys {@code prefix00000}, {@code prefix00001}, … (n of them), each with {@code value}. */
    static String insertMany(String prefix, int n, String value) {
        StringBuilder insert = new StringBuilder("INSERT INTO kv VALUES ");
        for (int i = 0; i < n; i++) {
            insert.append(i == 0 ? "" : ",").append(String.format("('%s%05d', '%s')", prefix, i, value));
        }
        return insert.toString();
    }

    /** Runs statements one by one as the REPL would; returns the last outcome. */
    Shell.Outcome run(String... statements) {
        Shell.Outcome last = Shell.Outcome.OK;
        for (String s : statements) {
            last = shell.execute(s, null);
        }
        return last;
    }

    /** Runs {@code text} as a script called "test". */
    Shell.Outcome script(String text) throws ShellError {
        return ScriptRunner.run(shell, new BufferedReader(new StringReader(text)), "test");
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    @Override
    public void close() {
        shell.close();
    }
}
