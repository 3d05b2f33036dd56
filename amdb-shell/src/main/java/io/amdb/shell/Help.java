package io.amdb.shell;

import java.util.List;
import java.util.stream.Stream;

/** The text of {@code \help}: built from the command tables, so it cannot miss a command. */
final class Help {
    private static final String WORDS = """
            Keys and values are words: bare (user:1), "escaped" (\\x00 \\n \\t \\\\ \\" \\uXXXX), 'quoted' ('' is a quote)
            or X'hex'. A statement ends at the end of its line or at ;  a line ending in \\ continues.""";
    private static final String SQL = """
            SQL (docs/SQL.md; ends at ;):
              INSERT INTO kv (k, v) VALUES ('a', '1'), ('b', '2');
              SELECT k, v FROM kv WHERE k LIKE 'user:%' LIMIT 10;
              DELETE FROM kv WHERE k IN ('a', 'b');""";

    private Help() {}

    /** All commands, or the one named in {@code args} (with or without its backslash). */
    static String text(List<String> args) throws ShellError {
        if (!args.isEmpty()) {
            return one(args.get(0));
        }
        StringBuilder s = new StringBuilder("Native commands:\n");
        NativeCommands.TABLE.entries().forEach(e -> line(s, e));
        s.append(WORDS).append("\n\n").append(SQL).append("\n\nMeta-commands:\n");
        MetaCommands.TABLE.entries().forEach(e -> line(s, e));
        return s.toString().stripTrailing();
    }

    private static String one(String name) throws ShellError {
        CommandTable.Entry<?> e = name.startsWith("\\") ? MetaCommands.TABLE.get(name) : NativeCommands.TABLE.get(name);
        if (e == null && !name.startsWith("\\")) {
            e = MetaCommands.TABLE.get("\\" + name);
        }
        if (e == null) {
            throw ShellError.syntax("no command '" + name + "'; \\help lists them");
        }
        return e.usage() + "\n  " + e.help();
    }

    private static void line(StringBuilder s, CommandTable.Entry<?> e) {
        s.append(String.format("  %-30s %s%n", e.usage(), e.help()));
    }

    /** Every command and meta-command name, for completion. */
    static List<String> names() {
        return Stream.concat(NativeCommands.TABLE.entries().stream(), MetaCommands.TABLE.entries().stream())
                .map(CommandTable.Entry::name).toList();
    }
}
