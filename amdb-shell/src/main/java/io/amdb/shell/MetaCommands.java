package io.amdb.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The meta-commands, all with the prefix {@code \}: they act on the shell rather than the data. Arguments
 * are {@link Words} (so a file name with blanks can be quoted). {@code \q} is short for {@code \quit}.
 */
final class MetaCommands {
    /** One meta-command: its words after the name in, results out (through {@code shell.emit}). */
    interface Handler {
        void run(Shell shell, List<String> args) throws ShellError;
    }

    static final CommandTable<Handler> TABLE = new CommandTable<Handler>()
            .add("\\help [command]", "this help, or one command's", (sh, a) -> sh.emit(new Result.Text(Help.text(a))))
            .add("\\quit", "leave the shell (also \\q and Ctrl-D)", (sh, a) -> sh.quit())
            .add("\\timing [on|off]", "print each statement's time on stderr", MetaCommands::timing)
            .add("\\format [table|raw|json|csv]", "show or set the output format", MetaCommands::format)
            .add("\\connect url", "connect to jdbc:amdb://host:port[,host:port] instead", MetaCommands::connect)
            .add("\\source file", "run the statements in a file", MetaCommands::source)
            .add("\\cluster", "nodes, partitions, epoch, lost partitions, migrations", ClusterView::show)
            .add("\\history", "the statements entered so far (interactive sessions)", MetaCommands::history);

    private MetaCommands() {}

    /** Runs {@code text}, a meta-command without its backslash. */
    static void run(Shell shell, String text) throws ShellError {
        List<String> words = Words.splitText(text);
        String name = words.isEmpty() ? "" : words.get(0);
        CommandTable.Entry<Handler> entry = TABLE.get("\\" + (name.equals("q") ? "quit" : name));
        if (entry == null) {
            throw ShellError.syntax("unknown meta-command '\\" + name + "'; \\help lists them");
        }
        List<String> args = words.subList(1, words.size());
        CommandTable.checkArity(entry, args.size());
        entry.handler().run(shell, args);
    }

    private static void timing(Shell shell, List<String> args) throws ShellError {
        if (!args.isEmpty()) {
            shell.timing(onOff(args.get(0)));
        }
        shell.emit(new Result.Note("Timing is " + (shell.timing() ? "on." : "off.")));
    }

    private static boolean onOff(String word) throws ShellError {
        if (word.equalsIgnoreCase("on") || word.equalsIgnoreCase("off")) {
            return word.equalsIgnoreCase("on");
        }
        throw ShellError.syntax("expected on or off, found '" + word + "'");
    }

    private static void format(Shell shell, List<String> args) throws ShellError {
        if (args.isEmpty()) {
            shell.emit(new Result.Text(shell.format().label()));
            return;
        }
        Format f = Format.parse(args.get(0));
        if (f == null) {
            throw ShellError.syntax("unknown format '" + args.get(0) + "'; expected table, raw, json or csv");
        }
        shell.emit(new Result.Note("Output format is " + f.label() + ".")); // confirmed in the format it was asked in
        shell.format(f);
    }

    /** On failure the current session stays (as in psql); the error still counts as a connection failure. */
    private static void connect(Shell shell, List<String> args) throws ShellError {
        Session next = Session.open(args.get(0));
        shell.session(next);
        shell.emit(new Result.Note("Connected: " + next.describe()));
    }

    private static void source(Shell shell, List<String> args) throws ShellError {
        Path file = Path.of(args.get(0));
        Shell.Outcome outcome;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            outcome = ScriptRunner.run(shell, in, file.toString());
        } catch (IOException e) {
            throw new ShellError(ShellError.IO_ERROR, "cannot read " + file + ": " + e, false);
        }
        switch (outcome) {
            case QUIT -> shell.quit();
            case FAILED -> throw ShellError.reported(false);
            case CONNECTION_GONE -> throw ShellError.reported(true);
            case OK -> { }
        }
    }

    private static void history(Shell shell, List<String> args) throws ShellError {
        List<String> entries = shell.history();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < entries.size(); i++) {
            s.append(String.format("%5d  %s%n", i + 1, entries.get(i)));
        }
        shell.emit(new Result.Text(entries.isEmpty() ? "(no history)" : s.toString().stripTrailing()));
    }
}
