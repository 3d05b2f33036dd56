package io.amdb.shell;

/**
 * ANSI colours, or none. On only when the output is a terminal and {@code NO_COLOR} is unset, unless
 * {@code --color} / {@code --no-color} says otherwise (see {@link #decide}).
 */
record Ansi(boolean enabled) {
    static final Ansi NONE = new Ansi(false);

    /** The flag wins; without one, colour needs a terminal and no (non-empty) NO_COLOR variable. */
    static Ansi decide(Boolean flag, boolean terminal, String noColorEnv) {
        if (flag != null) {
            return new Ansi(flag);
        }
        return new Ansi(terminal && (noColorEnv == null || noColorEnv.isEmpty()));
    }

    String bold(String s) {
        return wrap("1", s);
    }

    String dim(String s) {
        return wrap("2", s);
    }

    String red(String s) {
        return wrap("31", s);
    }

    private String wrap(String code, String s) {
        return enabled ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
