package io.amdb.jdbc;

import io.amdb.client.AmDbException;
import io.amdb.protocol.ErrorCode;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place where failures become {@link SQLException}s: the {@link ErrorCode} → SQLState and exception
 * class table, and factories for the states the driver raises itself. docs/SQL.md ("SQLStates") lists
 * the same table; change both together.
 *
 * <p>Every exception for a node or client error has the ErrorCode's wire number as vendor code and a
 * message starting with the ErrorCode's name ({@code KEY_TOO_LARGE: key of 20000 bytes exceeds …}).
 * Driver-side exceptions have vendor code 0.
 */
final class SqlErrors {
    static final String CANNOT_CONNECT = "08001";
    static final String CONNECTION_CLOSED = "08003";
    static final String CONNECTION_REJECTED = "08004";
    static final String CONNECTION_FAILURE = "08006";
    static final String PARAMETER_NOT_SET = "07002";
    static final String NOT_AN_UPDATE = "07003";
    static final String NOT_A_QUERY = "07005";
    static final String INVALID_INDEX = "07009";
    static final String NOT_SUPPORTED = "0A000";
    static final String DATA_TOO_LONG = "22001";
    static final String NULL_NOT_ALLOWED = "22004";
    static final String INVALID_CAST = "22018";
    static final String INVALID_ESCAPE_CHARACTER = "22019";
    static final String INVALID_PARAMETER = "22023";
    static final String INVALID_ESCAPE_SEQUENCE = "22025";
    static final String INVALID_CURSOR_STATE = "24000";
    static final String INVALID_TRANSACTION_STATE = "25000";
    static final String READ_ONLY = "25006";
    static final String INVALID_AUTHORIZATION = "28000";
    static final String RETRY = "40001";
    /** PostgreSQL's disk_full: the write was refused for lack of space. */
    static final String DISK_FULL = "53100";
    /** PostgreSQL's insufficient_resources: here, too few in-sync copies of the key's partition to take a write. */
    static final String INSUFFICIENT_RESOURCES = "53000";
    static final String SYNTAX_ERROR = "42000";
    static final String WRONG_OBJECT_TYPE = "42809";
    static final String INTERNAL = "50000";
    /**
     * A closed Statement or ResultSet. Not 08003: pools (HikariCP, for one) treat any 08 state as a broken
     * connection and evict it, while a closed statement says nothing about its connection. 55000 ("object not
     * in prerequisite state") is what PostgreSQL's driver uses for the same case.
     */
    static final String OBJECT_CLOSED = "55000";
    /** Data unavailable for a reason outside the statement (PostgreSQL's "system error"). */
    static final String UNAVAILABLE = "58000";
    /** Query timeout and cancel, as in PostgreSQL. */
    static final String CANCELLED = "57014";

    private SqlErrors() {}

    /**
     * Converts a failure of a client future: unwraps CompletionException / ExecutionException, maps an
     * {@link AmDbException} by its code, anything else to 50000.
     */
    static SQLException fromClient(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof SQLException sql) {
            return sql;
        }
        if (t instanceof AmDbException e) {
            return of(e.code(), e.getMessage(), e);
        }
        return new SQLException("INTERNAL_ERROR: driver failure: " + t, INTERNAL, ErrorCode.INTERNAL_ERROR.code(), t);
    }

    /** The exception for {@code code}; its message is {@code "<CODE>: <detail>"}. */
    static SQLException of(ErrorCode code, String detail, Throwable cause) {
        String message = code.name() + ": " + detail;
        int vendor = code.code();
        return switch (code) {
            case MALFORMED_FRAME, UNSUPPORTED_VERSION, FRAME_TOO_LARGE, SHUTTING_DOWN, CONNECTION_LOST, SLOW_CONSUMER ->
                    // The node closed the connection, or it broke, and the request's outcome is unknown (it may
                    // have been applied). The client does not resend it, and a retry can only succeed once a newer
                    // partition table names a live owner: not something to retry blindly, so non-transient.
                    new SQLNonTransientConnectionException(message, CONNECTION_FAILURE, vendor, cause);
            case TOO_MANY_CONNECTIONS ->
                    // The node refused the connection for now; a later attempt may be let in.
                    new SQLTransientConnectionException(message, CONNECTION_REJECTED, vendor, cause);
            case KEY_EMPTY, INVALID_ARGUMENT -> new SQLDataException(message, INVALID_PARAMETER, vendor, cause);
            case KEY_TOO_LARGE, VALUE_TOO_LARGE, BATCH_TOO_LARGE, RESPONSE_TOO_LARGE ->
                    new SQLDataException(message, DATA_TOO_LONG, vendor, cause);
            case CONDITION_FAILED -> // the driver reports a failed condition as an update count of 0, not as an error
                    new SQLDataException(message, INVALID_PARAMETER, vendor, cause);
            case UNKNOWN_OPCODE -> new SQLFeatureNotSupportedException(message, NOT_SUPPORTED, vendor, cause);
            case TIMEOUT -> new SQLTimeoutException(message, CANCELLED, vendor, cause);
            case WRONG_OWNER ->
                    // The partition moved; running the statement again (after the client refreshed its table) can
                    // succeed. 40001 is the state tools and frameworks already treat as "retry".
                    new SQLTransactionRollbackException(message, RETRY, vendor, cause);
            case PARTITION_LOST ->
                    // Data unavailable until an operator acts: no retry helps, and it is not the statement's fault.
                    new SQLNonTransientException(message, UNAVAILABLE, vendor, cause);
            case NOT_ENOUGH_REPLICAS ->
                    // Nothing was applied; the same statement succeeds once the partition has its copies in sync again.
                    new SQLTransientException(message, INSUFFICIENT_RESOURCES, vendor, cause);
            case STORAGE_FULL ->
                    // Nothing was applied; the same statement succeeds once the node's disk has room again.
                    new SQLTransientException(message, DISK_FULL, vendor, cause);
            case OWNER_UNREACHABLE ->
                    // Nothing was applied; the same statement can succeed once the network heals or the table moves.
                    // 40001 like WRONG_OWNER: "retry", and never a class-08 state, on which pools evict the connection.
                    new SQLTransactionRollbackException(message, RETRY, vendor, cause);
            case UNAUTHORIZED, FORBIDDEN -> // HTTP/WebSocket codes: the driver never receives them today
                    new SQLInvalidAuthorizationSpecException(message, INVALID_AUTHORIZATION, vendor, cause);
            case OK, INTERNAL_ERROR -> new SQLException(message, INTERNAL, vendor, cause);
        };
    }

    /** A closed Connection (08003), or a closed Statement / ResultSet (55000, see {@link #OBJECT_CLOSED}). */
    static SQLException closed(String what) {
        return what.equals("connection")
                ? new SQLNonTransientConnectionException("connection is closed", CONNECTION_CLOSED)
                : new SQLException(what + " is closed", OBJECT_CLOSED);
    }

    static SQLFeatureNotSupportedException notSupported(String what) {
        return new SQLFeatureNotSupportedException(what + " is not supported by AmDb", NOT_SUPPORTED);
    }

    /** 0A000 with a hint at what works instead. */
    static SQLFeatureNotSupportedException notSupported(String what, String hint) {
        return new SQLFeatureNotSupportedException(what + " is not supported by AmDb; " + hint, NOT_SUPPORTED);
    }

    /** A statement that does not parse; {@code position} is 1-based, counted in characters of the SQL text. */
    static SQLSyntaxErrorException syntax(int position, String message) {
        return new SQLSyntaxErrorException("syntax error at position " + position + ": " + message, SYNTAX_ERROR);
    }

    /** 42S22, the X/Open state for an unknown column name. */
    static SQLSyntaxErrorException noSuchColumn(String label, String known) {
        return new SQLSyntaxErrorException("no column labelled '" + label + "'; the columns are " + known, "42S22");
    }

    static SQLDataException data(String state, String message) {
        return new SQLDataException(message, state);
    }

    static SQLException nullNotAllowed(String what) {
        return data(NULL_NOT_ALLOWED, what + " must not be null: AmDb keys and values are byte strings, never NULL");
    }

    static SQLException state(String state, String message) {
        return new SQLException(message, state);
    }

    static SQLNonTransientConnectionException cannotConnect(String message, Throwable cause) {
        return new SQLNonTransientConnectionException(message, CANNOT_CONNECT, 0, cause);
    }

    static SQLTimeoutException queryTimeout(int seconds) {
        return new SQLTimeoutException("query timeout of " + seconds + " s expired", CANCELLED);
    }

    static SQLException cancelled(String why) {
        return new SQLException("statement " + why, CANCELLED);
    }

    /**
     * A failed BATCH item. The client reports only a status per item (the node's, or CONNECTION_LOST / TIMEOUT /
     * PARTITION_LOST for the part of a split batch that failed), so the detail is the driver's.
     */
    static SQLException batchItem(ErrorCode code, String where, byte[] key, byte[] value) {
        String detail = switch (code) {
            case KEY_EMPTY -> "the key is empty";
            case KEY_TOO_LARGE -> "key of " + key.length + " bytes is over the node's max-key-bytes";
            case VALUE_TOO_LARGE -> "value of " + (value == null ? 0 : value.length)
                    + " bytes is over the node's max-value-bytes";
            case CONNECTION_LOST, TIMEOUT -> "no answer from the key's owner; the row may or may not be applied";
            case PARTITION_LOST -> "the key's partition is lost";
            case STORAGE_FULL -> "the owner's disk is full; nothing was applied";
            case OWNER_UNREACHABLE -> "the key's owner is unreachable from the node; nothing was applied";
            case WRONG_OWNER -> "the key's partition kept moving; retries used up";
            default -> "rejected by the node";
        };
        return of(code, where + ": " + detail, null);
    }
}
