package io.amdb.shell;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs statements: dispatches each to a meta-command, a native command or the SQL runner, streams its
 * results to the printer of the current format, and reports a failure as {@code ERROR <NAME>: message} on
 * stderr. The modes (REPL, scripts, -e) differ only in where statements come from and what an
 * {@link Outcome} means to them. One thread runs statements; only {@link Session#cancel()} may be called
 * from another. The shell owns its session: {@code \connect} closes the one it replaces, {@link #close()}
 * the current one, so each is closed exactly once.
 */
final class Shell implements AutoCloseable {
    private static final Set<String> SQL = Set.of("INSERT", "SELECT", "UPDATE", "DELETE");

    /** How one statement (or script) ended. */
    enum Outcome { OK, FAILED, CONNECTION_GONE, QUIT }

    private final PrintWriter out;
    private final PrintWriter err;
    private final Ansi ansi;
    private final boolean force;
    private Session session;
    private Format format;
    private Format.Printer printer;
    private boolean timing;
    private boolean quit;
    private int failures;
    private Supplier<List<String>> history = List::of;

    Shell(Session session, PrintWriter out, PrintWriter err, Format format, Ansi ansi, boolean force) {
        this.session = session;
        this.out = out;
        this.err = err;
        this.ansi = ansi;
        this.force = force;
        format(format);
    }

    /**
     * Runs one statement. {@code where} names its place for error messages ("stdin line 3"), or is null in
     * the REPL. Never throws: failures are printed and returned as the outcome.
     */
    Outcome execute(String statement, String where) {
        long start = System.nanoTime();
        session.begin();
        try {
            dispatch(statement);
            return quit ? Outcome.QUIT : Outcome.OK;
        } catch (ShellError e) {
            return report(e, where);
        } catch (RuntimeException e) {
            return report(Errors.from(e), where);
        } finally {
            boolean cancelled = Thread.currentThread().isInterrupted();
            session.end();
            out.flush();
            if (timing) {
                err.printf(Locale.ROOT, "Time: %.3f ms%s%n", (System.nanoTime() - start) / 1e6,
                        cancelled ? " (cancelled)" : "");
                err.flush();
            }
        }
    }

    private void dispatch(String statement) throws ShellError {
        if (statement.startsWith("\\")) {
            MetaCommands.run(this, statement.substring(1));
            return;
        }
        String name = statement.split("[\\s;(]", 2)[0];
        if (SQL.contains(name.toUpperCase(Locale.ROOT))) {
            SqlRunner.run(this, statement); // the driver parses SQL: its quoting differs from Words
            return;
        }
        List<byte[]> words = Words.split(statement);
        if (NativeCommands.run(this, name, words.subList(1, words.size()))) {
            return;
        }
        throw ShellError.syntax("unknown command '" + name + "'; \\help lists the commands");
    }

    private Outcome report(ShellError e, String where) {
        if (Thread.currentThread().isInterrupted() && !e.name().equals(ShellError.CANCELLED) && !e.reported()) {
            e = Errors.cancelled(); // the failure was caused by Ctrl-C ending a wait
        }
        if (!e.reported()) {
            failures++;
            out.flush();
            err.println(ansi.red("ERROR " + e.name()) + ": " + e.getMessage() + (where == null ? "" : " (" + where + ")"));
            err.flush();
        }
        return e.connectionGone() ? Outcome.CONNECTION_GONE : Outcome.FAILED;
    }

    /** A message about the shell itself (not a failed statement) on stderr. */
    void warn(String message) {
        err.println("amdb: " + message);
        err.flush();
    }

    /** Prints one result in the current format. */
    void emit(Result result) throws ShellError {
        printer.print(result);
    }

    Session session() {
        return session;
    }

    /** Replaces the session (\connect), closing the old one. */
    void session(Session next) {
        Session old = session;
        session = next;
        next.begin(); // the statement running \connect now runs on the new session
        old.close();
    }

    Format format() {
        return format;
    }

    void format(Format f) {
        format = f;
        printer = f.printer(out, ansi);
    }

    boolean timing() {
        return timing;
    }

    void timing(boolean on) {
        timing = on;
    }

    boolean force() {
        return force;
    }

    void quit() {
        quit = true;
    }

    /** Closes the current session: the first one, or the last that {@code \connect} opened. */
    @Override
    public void close() {
        session.close();
    }

    /** Statements that failed so far (each counted once, where it was reported). */
    int failures() {
        return failures;
    }

    List<String> history() {
        return history.get();
    }

    /** Where {@code \history} reads from; the REPL sets it, other modes keep none. */
    void history(Supplier<List<String>> source) {
        history = source;
    }
}
