package io.amdb.shell;

import org.jline.reader.EndOfFileException;
import org.jline.reader.History;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The interactive loop: JLine reads a statement (several lines until it is complete, see
 * {@link ShellParser}), the {@link Shell} runs it, again. Ctrl-C while typing drops the line; Ctrl-C while a
 * statement runs cancels it ({@link Session#cancel()}); Ctrl-D on an empty line, or {@code \quit}, leaves
 * with exit code 0. History is kept in memory and, unless disabled, in a file; lines starting with a blank
 * are not recorded. JLine creates a missing history file readable by its owner only (0600, as psql does: it
 * holds values) where the file system has POSIX permissions, and warns about an existing one others can read.
 */
final class Repl {
    static final String PROMPT = "amdb> ";
    static final String CONTINUATION = "  ...> ";

    private final Terminal terminal;
    private final Shell shell;
    private final LineReader reader;

    /**
     * @param historyFile where history persists, or null to keep it in memory only
     */
    Repl(Terminal terminal, Shell shell, Path historyFile) {
        this.terminal = terminal;
        this.shell = shell;
        LineReaderBuilder b = LineReaderBuilder.builder().terminal(terminal).appName("amdb")
                .parser(new ShellParser()).completer(new ShellCompleter())
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION)
                .option(LineReader.Option.HISTORY_IGNORE_SPACE, true)
                .option(LineReader.Option.CASE_INSENSITIVE, true)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true); // '!' in values is not history syntax
        if (historyFile != null) {
            b.variable(LineReader.HISTORY_FILE, historyFile);
        }
        this.reader = b.build();
        shell.history(this::historyLines);
    }

    /** The history file: AMDB_HISTFILE, else ~/.amdb_history. */
    static Path historyFile(Map<String, String> env) {
        String f = env.get("AMDB_HISTFILE");
        return f != null && !f.isEmpty() ? Path.of(f) : Path.of(System.getProperty("user.home"), ".amdb_history");
    }

    /** Runs the REPL on the process's terminal; returns the exit code. */
    static int runSystem(String url, Format format, Ansi ansi, boolean force, Path historyFile) throws IOException {
        PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err),
                StandardCharsets.UTF_8), true);
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            Session session;
            try {
                session = Session.open(url);
            } catch (ShellError e) {
                err.println(ansi.red("ERROR " + e.name()) + ": " + e.getMessage());
                return e.connectionGone() ? ShellMain.EXIT_CONNECTION : ShellMain.EXIT_USAGE;
            }
            try (Shell shell = new Shell(session, terminal.writer(), err, format, ansi, force)) { // force: for \source
                return new Repl(terminal, shell, historyFile).loop(); // closing the shell closes \connect's session
            }
        }
    }

    /** Reads and runs statements until Ctrl-D or \quit; returns the exit code (0). */
    int loop() {
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> shell.session().cancel());
        try {
            banner();
            while (true) {
                String text;
                try {
                    text = reader.readLine(PROMPT);
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C while typing: drop the line
                } catch (EndOfFileException e) {
                    return ShellMain.EXIT_OK;
                }
                if (runAll(text)) {
                    return ShellMain.EXIT_OK;
                }
            }
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            saveHistory();
        }
    }

    /** Runs every statement of one accepted entry; true when one of them was \quit. */
    private boolean runAll(String text) {
        Splitter splitter = new Splitter();
        List<Splitter.Statement> statements = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            statements.addAll(splitter.feed(line));
        }
        statements.addAll(splitter.finish());
        for (Splitter.Statement s : statements) {
            if (shell.execute(s.text(), null) == Shell.Outcome.QUIT) {
                return true;
            }
        }
        return false;
    }

    private void banner() {
        String server;
        try {
            server = shell.session().describe();
        } catch (ShellError e) {
            server = "server did not answer INFO (" + e.name() + ")";
        }
        terminal.writer().println("amdb shell " + ShellMain.Version.get() + ": connected to " + server
                + ". \\help for help, \\quit or Ctrl-D to leave.");
        terminal.writer().flush();
    }

    private List<String> historyLines() {
        List<String> lines = new ArrayList<>();
        for (History.Entry e : reader.getHistory()) {
            lines.add(e.line());
        }
        return lines;
    }

    private void saveHistory() {
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            shell.warn("could not save history: " + e.getMessage());
        }
    }
}
