package io.amdb.shell;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code amdb shell}: picks the mode and the defaults, then hands over to {@link Repl} (stdin and stdout are
 * a terminal, no -e or -f) or runs scripts ({@code -e} texts in order, then the {@code -f} file; piped stdin
 * when there is neither) through {@link ScriptRunner}. Exit codes are the {@code EXIT_*} constants, listed
 * in --help and docs/SHELL.md.
 */
@Command(name = "amdb shell", mixinStandardHelpOptions = true, versionProvider = ShellMain.Version.class,
        sortOptions = false,
        description = {"The AmDb shell: an interactive REPL on a terminal, or runs commands from -e, -f or stdin.",
                "Results go to stdout, errors to stderr as 'ERROR <NAME>: message'. Inside the shell, \\help lists "
                        + "the commands."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:a command failed (a script stops at the first failure unless --force)",
                "2:usage error (a bad option)", "3:could not connect, or the connection was lost"},
        footer = {"%nEnvironment: AMDB_URL (default of --url); AMDB_HISTFILE (history file, default",
                "~/.amdb_history); NO_COLOR (no colour unless --color). More in docs/SHELL.md."})
public final class ShellMain implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_CONNECTION = 3;
    static final String DEFAULT_URL = "jdbc:amdb://127.0.0.1:7070";

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:AMDB_URL:-" + DEFAULT_URL + "}",
            description = "Cluster to connect to, jdbc:amdb://host:port[,host:port] (default ${DEFAULT-VALUE}).")
    String url;
    @Option(names = {"-e", "--execute"}, paramLabel = "CMD",
            description = "Run CMD and exit; repeatable, run in order.")
    List<String> execute = new ArrayList<>();
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Run the statements in FILE and exit.")
    Path file;
    @Option(names = "--format", paramLabel = "FMT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: table on a terminal, raw otherwise).")
    Format format;
    @Option(names = "--color", negatable = true,
            description = "Colour the output (default: on a terminal when NO_COLOR is unset).")
    Boolean color;
    @Option(names = "--force", description = "Scripts go on after a failed command (the exit code is still 1).")
    boolean force;
    @Option(names = "--no-history", description = "Do not read or write the history file.")
    boolean noHistory;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new ShellMain()).setCaseInsensitiveEnumValuesAllowed(true); // usage errors: exit 2
    }

    @Override
    public Integer call() throws Exception {
        boolean terminal = System.console() != null; // Java 17: stdin and stdout are both a terminal
        Ansi ansi = Ansi.decide(color, terminal, System.getenv("NO_COLOR"));
        Format fmt = format != null ? format : terminal ? Format.TABLE : Format.RAW;
        if (terminal && execute.isEmpty() && file == null) {
            return Repl.runSystem(url, fmt, ansi, force, noHistory ? null : Repl.historyFile(System.getenv()));
        }
        PrintWriter out = writer(FileDescriptor.out);
        PrintWriter err = writer(FileDescriptor.err);
        Session session;
        try {
            session = Session.open(url);
        } catch (ShellError e) {
            err.println(e.line());
            err.flush();
            return e.connectionGone() ? EXIT_CONNECTION : EXIT_USAGE;
        }
        try (Shell shell = new Shell(session, out, err, fmt, ansi, force)) { // closes the session \connect left
            return runScripts(shell, err);
        }
    }

    /**
     * Runs the -e texts, then the file, else stdin; stops early as {@link ScriptRunner} says. Exit 3 when the
     * connection went, else 1 when any statement failed (with --force, or before a \quit), else 0.
     */
    private int runScripts(Shell shell, PrintWriter err) {
        boolean failed = false; // also failures outside any statement: a file that cannot be read
        for (Script script : scripts()) {
            Shell.Outcome o;
            try (BufferedReader in = script.open().get()) {
                o = ScriptRunner.run(shell, in, script.name());
            } catch (ShellError e) {
                err.println(e.line());
                o = Shell.Outcome.FAILED;
            } catch (IOException e) {
                err.println("ERROR " + ShellError.IO_ERROR + ": cannot read " + script.name() + ": " + e);
                o = Shell.Outcome.FAILED;
            }
            err.flush();
            if (o == Shell.Outcome.CONNECTION_GONE) {
                return EXIT_CONNECTION;
            }
            failed |= o == Shell.Outcome.FAILED;
            if (o == Shell.Outcome.QUIT || (o == Shell.Outcome.FAILED && !force)) {
                break;
            }
        }
        return failed || shell.failures() > 0 ? EXIT_FAILED : EXIT_OK;
    }

    private List<Script> scripts() {
        List<Script> scripts = new ArrayList<>();
        for (int i = 0; i < execute.size(); i++) {
            String text = execute.get(i);
            scripts.add(new Script("-e #" + (i + 1), () -> new BufferedReader(new StringReader(text))));
        }
        if (file != null) {
            scripts.add(new Script(file.toString(), () -> Files.newBufferedReader(file, StandardCharsets.UTF_8)));
        }
        if (scripts.isEmpty()) {
            scripts.add(new Script("stdin", () -> new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))));
        }
        return scripts;
    }

    private record Script(String name, Opener open) {}

    private interface Opener {
        BufferedReader get() throws IOException;
    }

    private static PrintWriter writer(FileDescriptor fd) {
        return new PrintWriter(new OutputStreamWriter(new FileOutputStream(fd), StandardCharsets.UTF_8), false);
    }

    /** The shell's version: the jar's Implementation-Version. */
    static final class Version implements CommandLine.IVersionProvider {
        static String get() {
            String v = ShellMain.class.getPackage().getImplementationVersion();
            return v != null ? v : "0.1.0-SNAPSHOT";
        }

        @Override
        public String[] getVersion() {
            return new String[] {"amdb shell " + get()};
        }
    }
}
