package io.amdb.shell;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A table of commands: name → usage line, one-line help and handler, in the order {@code \help} lists them.
 * Names ignore case. The usage line is also the arity contract checked before a handler runs: words after
 * the name are required, {@code [a b]} is an optional group taken whole, {@code [x…]} allows any number more.
 * Built once at class initialisation, then only read.
 */
final class CommandTable<H> {
    /** One command. {@code name} is the first word of {@code usage}. */
    record Entry<H>(String name, String usage, String help, H handler) {}

    private final Map<String, Entry<H>> byName = new LinkedHashMap<>();

    CommandTable<H> add(String usage, String help, H handler) {
        String name = usage.split(" ")[0];
        byName.put(name.toLowerCase(Locale.ROOT), new Entry<>(name, usage, help, handler));
        return this;
    }

    /** The command called {@code name} in any case, or null. */
    Entry<H> get(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    Collection<Entry<H>> entries() {
        return byName.values();
    }

    /** Throws SYNTAX with the usage line unless {@code n} words may follow the command's name. */
    static void checkArity(Entry<?> entry, int n) throws ShellError {
        if (!arityOk(entry.usage(), n)) {
            throw ShellError.syntax("usage: " + entry.usage());
        }
    }

    static boolean arityOk(String usage, int n) {
        String[] parts = usage.split(" ");
        int required = 0;
        int optional = 0;
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].endsWith("…]")) {
                return n >= required;
            } else if (parts[i].startsWith("[") || optional > 0) {
                optional++;
            } else {
                required++;
            }
        }
        return n == required || (optional > 0 && n == required + optional);
    }
}
