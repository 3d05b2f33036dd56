package io.amdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Two sweeping contracts, checked by reflection over the java.sql interfaces: every method of a closed
 * object throws (08003 for a connection, 55000 for a statement or result set), and optional features
 * AmDb lacks throw SQLFeatureNotSupportedException rather than doing nothing.
 */
class ClosedAndUnsupportedTest {
    /** Methods that must work on closed objects, per their javadoc. */
    private static final Set<String> ALLOWED_WHEN_CLOSED = Set.of("close", "isClosed", "isValid", "isWrapperFor", "unwrap");

    private static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start();
    }

    @AfterAll
    static void stopNode() throws Exception {
        node.close();
    }

    /** Calls every method of {@code iface} the object implements itself; returns how many were checked. */
    private static int assertEveryMethodThrows(Class<?> iface, Object closed, String state) throws Exception {
        int checked = 0;
        for (Method m : iface.getMethods()) {
            Method impl = closed.getClass().getMethod(m.getName(), m.getParameterTypes());
            if (ALLOWED_WHEN_CLOSED.contains(m.getName()) || impl.isDefault()) {
                continue; // interface defaults (enquoteLiteral, beginRequest…) are the JDK's, not ours
            }
            try {
                impl.setAccessible(true);
                impl.invoke(closed, defaultArgs(m.getParameterTypes()));
                throw new AssertionError(iface.getSimpleName() + "." + m.getName() + " did not throw when closed");
            } catch (InvocationTargetException e) {
                SQLException sql = (SQLException) e.getCause();
                assertEquals(state, sql.getSQLState(), m + ": " + sql);
            }
            checked++;
        }
        return checked;
    }

    private static Object[] defaultArgs(Class<?>[] types) {
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            args[i] = t == int.class ? 1 : t == long.class ? 1L : t == boolean.class ? false : t == short.class ? (short) 1
                    : t == byte.class ? (byte) 1 : t == float.class ? 1f : t == double.class ? 1d
                    : t == String.class ? "x" : t == Properties.class ? new Properties() : t == Class.class ? Object.class
                    : null;
        }
        return args;
    }

    @Test
    void closedConnection_everyMethod_08003() throws Exception {
        Connection c = node.connect();
        c.close();
        assertTrue(assertEveryMethodThrows(Connection.class, c, "08003") > 40);
    }

    @Test
    void closedStatement_everyMethod_55000() throws Exception {
        try (Connection c = node.connect()) {
            Statement s = c.createStatement();
            s.close();
            assertTrue(assertEveryMethodThrows(Statement.class, s, "55000") > 40);
        }
    }

    @Test
    void closedPreparedStatement_everyMethod_55000() throws Exception {
        try (Connection c = node.connect()) {
            PreparedStatement ps = c.prepareStatement("SELECT * FROM kv WHERE k = ?");
            ps.close();
            assertTrue(assertEveryMethodThrows(PreparedStatement.class, ps, "55000") > 90);
        }
    }

    @Test
    void closedResultSet_everyMethod_55000() throws Exception {
        try (Connection c = node.connect()) {
            ResultSet rs = c.createStatement().executeQuery("PING");
            rs.close();
            assertTrue(assertEveryMethodThrows(ResultSet.class, rs, "55000") > 180);
        }
    }

    @Test
    void unsupportedFeatures_throwFeatureNotSupported() throws Exception {
        try (Connection c = node.connect(); Statement s = c.createStatement();
             PreparedStatement ps = c.prepareStatement("GET ?"); ResultSet rs = s.executeQuery("PING")) {
            List<Executable> calls = List.of(
                    () -> c.setAutoCommit(false),
                    () -> c.prepareCall("x"),
                    () -> c.setSavepoint(),
                    () -> c.releaseSavepoint(null),
                    () -> c.createBlob(),
                    () -> c.createClob(),
                    () -> c.createArrayOf("VARCHAR", new Object[0]),
                    () -> c.getTypeMap(),
                    () -> c.nativeSQL("x"),
                    () -> c.abort(Runnable::run),
                    () -> c.setNetworkTimeout(Runnable::run, 1),
                    () -> c.setHoldability(ResultSet.HOLD_CURSORS_OVER_COMMIT),
                    () -> c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY),
                    () -> c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE),
                    () -> c.prepareStatement("PING", Statement.RETURN_GENERATED_KEYS),
                    () -> c.prepareStatement("PING", new int[] {1}),
                    () -> s.getGeneratedKeys(),
                    () -> s.setCursorName("c"),
                    () -> s.setEscapeProcessing(true),
                    () -> s.setMaxFieldSize(10),
                    () -> s.setFetchDirection(ResultSet.FETCH_REVERSE),
                    () -> s.executeUpdate("PUT a b", Statement.RETURN_GENERATED_KEYS),
                    () -> s.getMoreResults(Statement.KEEP_CURRENT_RESULT),
                    () -> ps.setLong(1, 1L),
                    () -> ps.setTimestamp(1, null),
                    () -> ps.setBlob(1, (java.sql.Blob) null),
                    () -> ps.getParameterMetaData(),
                    () -> rs.getCursorName(),
                    () -> rs.getTimestamp(1),
                    () -> rs.getArray("RESULT"),
                    () -> rs.last(),
                    () -> rs.updateNull(1),
                    () -> rs.insertRow());
            for (Executable call : calls) {
                SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class, call);
                assertEquals("0A000", e.getSQLState());
            }
        }
    }
}
