package io.amdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.client.AmDbClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AmDbConnectionTest {
    private static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start();
    }

    @AfterAll
    static void stopNode() throws Exception {
        node.close();
    }

    @Test
    void autoCommit_trueAcceptedFalseRefused() throws SQLException {
        try (Connection c = node.connect()) {
            assertTrue(c.getAutoCommit());
            c.setAutoCommit(true);
            SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class,
                    () -> c.setAutoCommit(false));
            assertEquals("0A000", e.getSQLState());
            assertTrue(c.getAutoCommit());
        }
    }

    @Test
    void commitAndRollback_autoCommitMode_sqlException25000() throws SQLException {
        try (Connection c = node.connect()) {
            SQLException commit = assertThrows(SQLException.class, c::commit);
            assertEquals("25000", commit.getSQLState());
            assertFalse(commit instanceof SQLFeatureNotSupportedException);
            assertEquals("25000", assertThrows(SQLException.class, c::rollback).getSQLState());
        }
    }

    @Test
    void transactionIsolation_none_andNoLevelCanBeSet() throws SQLException {
        try (Connection c = node.connect()) {
            assertEquals(Connection.TRANSACTION_NONE, c.getTransactionIsolation());
            assertThrows(SQLFeatureNotSupportedException.class,
                    () -> c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED));
        }
    }

    @Test
    void isValid_openThenClosed_trueThenFalse() throws SQLException {
        Connection c = node.connect();
        assertTrue(c.isValid(5));
        assertTrue(c.isValid(0));
        assertThrows(SQLException.class, () -> c.isValid(-1));
        c.close();
        assertFalse(c.isValid(5));
        c.close(); // idempotent
        assertTrue(c.isClosed());
    }

    @Test
    void closedConnection_methods08003AndStatementsClosed() throws SQLException {
        Connection c = node.connect();
        Statement s = c.createStatement();
        c.close();
        SQLNonTransientConnectionException e = assertThrows(SQLNonTransientConnectionException.class, c::createStatement);
        assertEquals("08003", e.getSQLState());
        assertTrue(s.isClosed());
        assertEquals("55000", assertThrows(SQLException.class, () -> s.execute("PING")).getSQLState());
    }

    @Test
    void unwrap_nativeClient_sharesTheConnection() throws Exception {
        try (Connection c = node.connect()) {
            assertTrue(c.isWrapperFor(AmDbClient.class));
            assertTrue(c.isWrapperFor(Connection.class));
            assertFalse(c.isWrapperFor(Statement.class));
            AmDbClient client = c.unwrap(AmDbClient.class);
            client.put("conn:native".getBytes(), "v".getBytes()).get(10, TimeUnit.SECONDS);
            try (var rs = c.createStatement().executeQuery("GET conn:native")) {
                assertTrue(rs.next());
            }
            assertEquals(c, c.unwrap(Connection.class));
            assertEquals("42809", assertThrows(SQLException.class, () -> c.unwrap(Statement.class)).getSQLState());
        }
    }

    @Test
    void catalogSchemaClientInfo_noneSettingWarns() throws SQLException {
        try (Connection c = node.connect()) {
            assertNull(c.getCatalog());
            assertNull(c.getSchema());
            assertNull(c.getWarnings());
            c.setCatalog("cat");
            c.setSchema("sch");
            c.setClientInfo("ApplicationName", "test");
            assertTrue(c.getWarnings().getMessage().contains("no catalogs"));
            assertTrue(c.getWarnings().getNextWarning().getMessage().contains("no schemas"));
            assertNotNull(c.getWarnings().getNextWarning().getNextWarning());
            assertNull(c.getClientInfo("ApplicationName"));
            assertTrue(c.getClientInfo().isEmpty());
            c.clearWarnings();
            assertNull(c.getWarnings());
        }
    }

    @Test
    void nodeStops_openConnection_08006AndInvalid() throws Exception {
        TestNode own = TestNode.start();
        Connection c = own.connect();
        try {
            own.close();
            SQLException e = assertThrows(SQLException.class, () -> c.createStatement().executeQuery("PING"));
            assertEquals("08006", e.getSQLState(), e.toString());
            assertInstanceOf(SQLNonTransientConnectionException.class, e);
            assertFalse(c.isValid(5));
        } finally {
            c.close();
        }
    }
}
