package io.amdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.client.AmDbException;
import io.amdb.protocol.ErrorCode;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class SqlErrorsTest {
    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
        "MALFORMED_FRAME,      08006, java.sql.SQLNonTransientConnectionException",
        "UNSUPPORTED_VERSION,  08006, java.sql.SQLNonTransientConnectionException",
        "FRAME_TOO_LARGE,      08006, java.sql.SQLNonTransientConnectionException",
        "SHUTTING_DOWN,        08006, java.sql.SQLNonTransientConnectionException",
        "CONNECTION_LOST,      08006, java.sql.SQLNonTransientConnectionException",
        "TOO_MANY_CONNECTIONS, 08004, java.sql.SQLTransientConnectionException",
        "KEY_EMPTY,            22023, java.sql.SQLDataException",
        "INVALID_ARGUMENT,     22023, java.sql.SQLDataException",
        "KEY_TOO_LARGE,        22001, java.sql.SQLDataException",
        "VALUE_TOO_LARGE,      22001, java.sql.SQLDataException",
        "BATCH_TOO_LARGE,      22001, java.sql.SQLDataException",
        "RESPONSE_TOO_LARGE,   22001, java.sql.SQLDataException",
        "CONDITION_FAILED,     22023, java.sql.SQLDataException",
        "UNKNOWN_OPCODE,       0A000, java.sql.SQLFeatureNotSupportedException",
        "TIMEOUT,              57014, java.sql.SQLTimeoutException",
        "WRONG_OWNER,          40001, java.sql.SQLTransactionRollbackException",
        "PARTITION_LOST,       58000, java.sql.SQLNonTransientException",
        "NOT_ENOUGH_REPLICAS,  53000, java.sql.SQLTransientException",
        "INTERNAL_ERROR,       50000, java.sql.SQLException",
        "UNAUTHORIZED,         28000, java.sql.SQLInvalidAuthorizationSpecException",
        "FORBIDDEN,            28000, java.sql.SQLInvalidAuthorizationSpecException",
        "SLOW_CONSUMER,        08006, java.sql.SQLNonTransientConnectionException",
    })
    void of_errorCode_mapsToStateAndClass(ErrorCode code, String state, String className) {
        SQLException e = SqlErrors.of(code, "detail", null);
        assertEquals(state, e.getSQLState());
        assertEquals(className, e.getClass().getName());
        assertEquals(code.code(), e.getErrorCode());
        assertEquals(code.name() + ": detail", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void of_everyErrorCode_stateClassMatchesJavaSubclass(ErrorCode code) {
        SQLException e = SqlErrors.of(code, "x", null);
        String stateClass = e.getSQLState().substring(0, 2);
        switch (stateClass) {
            case "08" -> assertTrue(e instanceof SQLNonTransientConnectionException
                    || e instanceof SQLTransientConnectionException, e.getClass().getName());
            case "22" -> assertTrue(e instanceof SQLDataException, e.getClass().getName());
            case "0A" -> assertTrue(e instanceof SQLFeatureNotSupportedException, e.getClass().getName());
            case "28" -> assertTrue(e instanceof java.sql.SQLInvalidAuthorizationSpecException, e.getClass().getName());
            case "57" -> assertTrue(e instanceof SQLTimeoutException, e.getClass().getName());
            case "40" -> assertTrue(e instanceof java.sql.SQLTransactionRollbackException, e.getClass().getName());
            case "53" -> assertTrue(e instanceof java.sql.SQLTransientException, e.getClass().getName()); // insufficient resources
            case "50", "58" -> assertTrue(e.getClass() == SQLException.class
                    || e.getClass() == java.sql.SQLNonTransientException.class, e.getClass().getName());
            default -> throw new AssertionError("unexpected state " + e.getSQLState() + " for " + code);
        }
    }

    @Test
    void fromClient_wrappedAmDbException_unwrapsAndKeepsNodeMessage() {
        AmDbException cause = new AmDbException(ErrorCode.KEY_TOO_LARGE, "key of 20000 bytes exceeds the limit of 16384");
        SQLException e = SqlErrors.fromClient(new ExecutionException(new CompletionException(cause)));
        assertEquals("KEY_TOO_LARGE: key of 20000 bytes exceeds the limit of 16384", e.getMessage());
        assertEquals("22001", e.getSQLState());
        assertSame(cause, e.getCause());
    }

    @Test
    void fromClient_unexpectedThrowable_internalError() {
        SQLException e = SqlErrors.fromClient(new CompletionException(new IllegalStateException("boom")));
        assertEquals("50000", e.getSQLState());
        assertTrue(e.getMessage().startsWith("INTERNAL_ERROR: "), e.getMessage());
    }

    @Test
    void closed_connection_08003NonTransientConnection() {
        SQLException e = SqlErrors.closed("connection");
        assertEquals("08003", e.getSQLState());
        assertTrue(e instanceof SQLNonTransientConnectionException);
    }

    @Test
    void closed_statement_55000PlainSqlException() {
        SQLException e = SqlErrors.closed("statement");
        assertEquals("55000", e.getSQLState());
        assertEquals(SQLException.class, e.getClass());
    }

    @Test
    void syntax_position_42000SyntaxErrorNamingPosition() {
        SQLException e = SqlErrors.syntax(14, "expected FROM");
        assertTrue(e instanceof SQLSyntaxErrorException);
        assertEquals("42000", e.getSQLState());
        assertEquals("syntax error at position 14: expected FROM", e.getMessage());
    }

    @Test
    void batchItem_keyEmpty_messageStartsWithCodeName() {
        SQLException e = SqlErrors.batchItem(ErrorCode.KEY_EMPTY, "batch command 3", new byte[0], new byte[1]);
        assertEquals("KEY_EMPTY: batch command 3: the key is empty", e.getMessage());
        assertEquals(ErrorCode.KEY_EMPTY.code(), e.getErrorCode());
    }

    @Test
    void notSupported_isFeatureNotSupported0A000() {
        SQLException e = SqlErrors.notSupported("savepoints");
        assertTrue(e instanceof SQLFeatureNotSupportedException);
        assertEquals("0A000", e.getSQLState());
    }
}
