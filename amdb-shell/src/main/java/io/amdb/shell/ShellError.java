package io.amdb.shell;

import io.amdb.protocol.ErrorCode;

/**
 * A failed statement as the shell reports it: {@code ERROR <name>: <message>} on stderr. The name is an
 * {@link ErrorCode} name for failures of the node or client, or one of the shell's own names below
 * (documented in docs/SHELL.md). Built from driver and client failures by {@link Errors}.
 */
final class ShellError extends Exception {
    private static final long serialVersionUID = 1L;

    /** The statement does not parse, or a command got the wrong arguments. */
    static final String SYNTAX = "SYNTAX";
    /** Ctrl-C stopped the statement; a request already sent may still be applied. */
    static final String CANCELLED = "CANCELLED";
    /** No host of the URL answered (also ends the shell with exit code 3). */
    static final String CANNOT_CONNECT = "CANNOT_CONNECT";
    /** A file for {@code -f} or {@code \source} cannot be read. */
    static final String IO_ERROR = "IO_ERROR";

    private final String name;
    private final boolean connectionGone;
    private final boolean reported;

    ShellError(String name, String message, boolean connectionGone) {
        this(name, message, connectionGone, false);
    }

    private ShellError(String name, String message, boolean connectionGone, boolean reported) {
        super(message);
        this.name = name;
        this.connectionGone = connectionGone;
        this.reported = reported;
    }

    /** A failure already printed where it happened (inside a {@code \source}d script): only its outcome travels. */
    static ShellError reported(boolean connectionGone) {
        return new ShellError("REPORTED", "already reported", connectionGone, true);
    }

    static ShellError syntax(String message) {
        return new ShellError(SYNTAX, message, false);
    }

    /** The error name printed after {@code ERROR}. */
    String name() {
        return name;
    }

    /**
     * True when the session cannot go on without a new connection (could not connect, connection lost, node
     * shutting down): scripts stop even with --force and the shell exits with code 3.
     */
    boolean connectionGone() {
        return connectionGone;
    }

    boolean reported() {
        return reported;
    }

    /** The line the shell prints on stderr, without a location. */
    String line() {
        return "ERROR " + name + ": " + getMessage();
    }
}
