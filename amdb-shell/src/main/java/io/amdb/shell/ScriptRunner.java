package io.amdb.shell;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Runs a script read line by line (a file, piped stdin, {@code -e} text, {@code \source}), without JLine.
 * Stops at the first failing statement — naming its line — unless the shell has {@code --force}; a lost
 * connection stops it even then, since every later statement would fail the same way.
 */
final class ScriptRunner {
    /** Deepest \source nesting; deeper means a file sources itself. */
    static final int MAX_DEPTH = 16;
    private static int depth; // one shell thread runs scripts

    private ScriptRunner() {}

    /**
     * Runs every statement of {@code in}. Returns OK, FAILED (at least one statement failed: the first when
     * not forced), CONNECTION_GONE, or QUIT (a {@code \quit} ended it).
     */
    static Shell.Outcome run(Shell shell, BufferedReader in, String name) throws ShellError {
        if (depth >= MAX_DEPTH) {
            throw ShellError.syntax("\\source nested more than " + MAX_DEPTH + " deep (does " + name + " source itself?)");
        }
        depth++;
        try {
            Splitter splitter = new Splitter();
            Shell.Outcome result = Shell.Outcome.OK;
            String line;
            while ((line = in.readLine()) != null) {
                result = runAll(shell, splitter.feed(line), name, result);
                if (stops(shell, result)) {
                    return result;
                }
            }
            return runAll(shell, splitter.finish(), name, result);
        } catch (IOException e) {
            throw new ShellError(ShellError.IO_ERROR, "cannot read " + name + ": " + e, false);
        } finally {
            depth--;
        }
    }

    private static Shell.Outcome runAll(Shell shell, Iterable<Splitter.Statement> statements, String name,
                                        Shell.Outcome soFar) {
        Shell.Outcome result = soFar;
        for (Splitter.Statement s : statements) {
            Shell.Outcome o = shell.execute(s.text(), name + " line " + s.line());
            if (o != Shell.Outcome.OK) {
                result = o;
            }
            if (stops(shell, result)) {
                return result;
            }
        }
        return result;
    }

    private static boolean stops(Shell shell, Shell.Outcome o) {
        return o == Shell.Outcome.QUIT || o == Shell.Outcome.CONNECTION_GONE
                || (o == Shell.Outcome.FAILED && !shell.force());
    }
}
