package io.amdb.shell;

import io.amdb.client.AmDbException;
import io.amdb.protocol.ErrorCode;

import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns driver and client failures into {@link ShellError}s, so every error the shell prints is named by the
 * one catalogue: an {@link AmDbException}'s code, or a {@link SQLException}'s vendor code (the driver sets
 * it to the ErrorCode's wire number). Errors the JDBC driver raises itself (vendor code 0) are named by
 * their SQLState class; the table is in docs/SHELL.md.
 */
final class Errors {
    /** Codes after which the session has no usable connection. */
    private static final Set<ErrorCode> CONNECTION_GONE =
            Set.of(ErrorCode.CONNECTION_LOST, ErrorCode.SHUTTING_DOWN, ErrorCode.TOO_MANY_CONNECTIONS);

    private Errors() {}

    /** A ShellError crossing an Iterator (a row source failing while the printer reads it). */
    static final class Unchecked extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unchecked(ShellError error) {
            super(error);
        }
    }

    static ShellError from(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException || t instanceof Unchecked)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ShellError e) {
            return e;
        }
        if (t instanceof AmDbException e) {
            return of(e.code(), e.getMessage());
        }
        if (t instanceof SQLException e) {
            return fromSql(e);
        }
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return cancelled();
        }
        return new ShellError(ErrorCode.INTERNAL_ERROR.name(), "shell failure: " + t, false);
    }

    static ShellError of(ErrorCode code, String message) {
        return new ShellError(code.name(), message, CONNECTION_GONE.contains(code));
    }

    static ShellError cancelled() {
        return new ShellError(ShellError.CANCELLED, "cancelled (Ctrl-C); a request already sent may still be applied",
                false);
    }

    private static ShellError fromSql(SQLException e) {
        ErrorCode code = e.getErrorCode() > 0 ? ErrorCode.ofCode(e.getErrorCode()) : null;
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (code != null) {
            String prefix = code.name() + ": ";
            return of(code, message.startsWith(prefix) ? message.substring(prefix.length()) : message);
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("08001")) {
            return new ShellError(ShellError.CANNOT_CONNECT, message, true);
        }
        if (state.startsWith("08")) {
            return of(ErrorCode.CONNECTION_LOST, message);
        }
        if (state.equals("57014")) {
            return message.contains("timeout") ? of(ErrorCode.TIMEOUT, message) : cancelled();
        }
        return new ShellError(nameOfState(state), message, false);
    }

    /** Names for the states the driver raises itself; docs/SHELL.md lists them. */
    private static String nameOfState(String state) {
        if (state.startsWith("42")) {
            return ShellError.SYNTAX;
        } else if (state.startsWith("0A")) {
            return "NOT_SUPPORTED";
        } else if (state.startsWith("22")) {
            return ErrorCode.INVALID_ARGUMENT.name();
        } else if (state.equals("25006")) {
            return "READ_ONLY";
        }
        return "SQLSTATE_" + (state.isEmpty() ? "NONE" : state);
    }
}
