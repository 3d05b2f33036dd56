package io.amdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.amdb.client.AmDbException;
import io.amdb.protocol.ErrorCode;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WaitsTest {
    @Test
    void await_completedFuture_value() throws SQLException {
        assertEquals("x", new Waits().await(CompletableFuture.completedFuture("x")));
    }

    @Test
    void await_failedFuture_mappedException() {
        Waits waits = new Waits();
        SQLException e = assertThrows(SQLDataException.class, () -> waits.await(
                CompletableFuture.failedFuture(new AmDbException(ErrorCode.KEY_EMPTY, "keys must be at least 1 byte"))));
        assertEquals("KEY_EMPTY: keys must be at least 1 byte", e.getMessage());
    }

    @Test
    void await_queryTimeoutExpires_57014TimeoutLeavesFutureAlone() {
        Waits waits = new Waits();
        waits.timeoutSeconds(1);
        CompletableFuture<String> never = new CompletableFuture<>();
        SQLTimeoutException e = assertThrows(SQLTimeoutException.class, () -> waits.await(never));
        assertEquals("57014", e.getSQLState());
        assertFalse(never.isDone(), "the client's future is not cancelled");
    }

    @Test
    void cancel_fromAnotherThread_endsTheWaitWith57014() throws Exception {
        Waits waits = new Waits();
        CompletableFuture<String> never = new CompletableFuture<>();
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                waits.await(never);
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
        waits.cancel(); // before or during the wait: either way the wait ends
        SQLException e = assertInstanceOf(SQLException.class, outcome.get(10, TimeUnit.SECONDS));
        assertEquals("57014", e.getSQLState());
        assertFalse(never.isDone());
    }

    @Test
    void reset_afterCancel_nextWaitRunsNormally() throws SQLException {
        Waits waits = new Waits();
        waits.cancel();
        waits.reset();
        assertEquals("y", waits.await(CompletableFuture.completedFuture("y")));
    }
}
