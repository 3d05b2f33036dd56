package io.amdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AmDbDatabaseMetaDataTest {
    private static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start();
    }

    @AfterAll
    static void stopNode() throws Exception {
        node.close();
    }

    private static List<String> column(ResultSet rs, String name) throws SQLException {
        List<String> out = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                out.add(rs.getString(name));
            }
        }
        return out;
    }

    private static List<String> columnNames(ResultSet rs) throws SQLException {
        List<String> out = new ArrayList<>();
        try (rs) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.add(md.getColumnName(i));
            }
        }
        return out;
    }

    @Test
    void getTables_sqllineQuery_oneTableKv() throws SQLException {
        try (Connection c = node.connect()) {
            DatabaseMetaData md = c.getMetaData();
            try (ResultSet rs = md.getTables(c.getCatalog(), null, "%", new String[] {"TABLE"})) {
                assertTrue(rs.next());
                assertEquals("KV", rs.getString("TABLE_NAME"));
                assertEquals("TABLE", rs.getString("TABLE_TYPE"));
                assertEquals(null, rs.getString("TABLE_SCHEM"));
                assertFalse(rs.next());
            }
            assertEquals(List.of("KV"), column(md.getTables(null, null, null, null), "TABLE_NAME"));
            assertEquals(List.of("KV"), column(md.getTables("", "%", "k_", null), "TABLE_NAME"));
            assertEquals(List.of(), column(md.getTables(null, null, "x%", null), "TABLE_NAME"));
            assertEquals(List.of(), column(md.getTables(null, null, "%", new String[] {"VIEW"}), "TABLE_NAME"));
            assertEquals(List.of(), column(md.getTables("other", null, "%", null), "TABLE_NAME"));
            assertEquals(List.of(), column(md.getTables(null, "PUBLIC", "%", null), "TABLE_NAME"));
        }
    }

    @Test
    void getColumns_kv_kAndVVarbinaryNotNull() throws SQLException {
        try (Connection c = node.connect(); ResultSet rs = c.getMetaData().getColumns(null, null, "KV", "%")) {
            assertTrue(rs.next());
            assertEquals("K", rs.getString("COLUMN_NAME"));
            assertEquals(Types.VARBINARY, rs.getInt("DATA_TYPE"));
            assertEquals("VARBINARY", rs.getString("TYPE_NAME"));
            assertEquals(1, rs.getInt("ORDINAL_POSITION"));
            assertEquals("NO", rs.getString("IS_NULLABLE"));
            assertTrue(rs.next());
            assertEquals("V", rs.getString("COLUMN_NAME"));
            assertEquals(2, rs.getInt("ORDINAL_POSITION"));
            assertFalse(rs.next());
            assertEquals(24, rs.getMetaData().getColumnCount());
        }
    }

    @Test
    void getPrimaryKeys_kv_k() throws SQLException {
        try (Connection c = node.connect()) {
            assertEquals(List.of("K"), column(c.getMetaData().getPrimaryKeys(null, null, "kv"), "COLUMN_NAME"));
            assertEquals(List.of(), column(c.getMetaData().getPrimaryKeys(null, null, "other"), "COLUMN_NAME"));
        }
    }

    @Test
    void emptyResults_haveTheJavadocColumns() throws SQLException {
        try (Connection c = node.connect()) {
            DatabaseMetaData md = c.getMetaData();
            assertEquals(List.of("TABLE_SCHEM", "TABLE_CATALOG"), columnNames(md.getSchemas()));
            assertEquals(List.of("TABLE_CAT"), columnNames(md.getCatalogs()));
            assertEquals(List.of(), column(md.getSchemas(), "TABLE_SCHEM"));
            assertEquals(List.of("TABLE"), column(md.getTableTypes(), "TABLE_TYPE"));
            assertEquals(List.of("VARBINARY"), column(md.getTypeInfo(), "TYPE_NAME"));
            assertEquals(9, columnNames(md.getProcedures(null, null, "%")).size());
            assertEquals(13, columnNames(md.getIndexInfo(null, null, "KV", false, true)).size());
            assertEquals(14, columnNames(md.getImportedKeys(null, null, "KV")).size());
        }
    }

    @Test
    void identity_productDriverQuoting() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            DatabaseMetaData md = c.getMetaData();
            assertEquals("AmDb", md.getDatabaseProductName());
            String nodeVersion = null;
            try (ResultSet rs = s.executeQuery("INFO")) {
                while (rs.next()) {
                    nodeVersion = rs.getString(1).equals("version") ? rs.getString(2) : nodeVersion;
                }
            }
            assertEquals(nodeVersion, md.getDatabaseProductVersion());
            assertEquals(DriverVersion.VERSION, md.getDriverVersion());
            assertEquals("\"", md.getIdentifierQuoteString());
            assertEquals(node.url(), md.getURL());
            assertEquals(c, md.getConnection());
            assertEquals(Connection.TRANSACTION_NONE, md.getDefaultTransactionIsolation());
            assertFalse(md.supportsTransactions());
            assertTrue(md.supportsBatchUpdates());
            assertTrue(md.supportsResultSetType(ResultSet.TYPE_FORWARD_ONLY));
            assertFalse(md.supportsResultSetType(ResultSet.TYPE_SCROLL_INSENSITIVE));
            assertTrue(md.storesUpperCaseIdentifiers());
            assertEquals(4, md.getJDBCMajorVersion());
        }
    }

    @Test
    void capabilityMethods_evenOnClosedConnection_neverThrow() throws Exception {
        Connection c = node.connect();
        DatabaseMetaData md = c.getMetaData();
        c.close();
        int called = 0;
        for (Method m : DatabaseMetaData.class.getMethods()) {
            Class<?> r = m.getReturnType();
            if (r == boolean.class || r == int.class || r == String.class) {
                Object[] args = new Object[m.getParameterCount()];
                for (int i = 0; i < args.length; i++) {
                    args[i] = m.getParameterTypes()[i] == int.class ? 1 : null;
                }
                try {
                    m.invoke(md, args);
                    called++;
                } catch (InvocationTargetException e) {
                    throw new AssertionError(m.getName() + " threw " + e.getCause(), e.getCause());
                }
            }
        }
        assertTrue(called > 140, "called " + called);
        SQLException e = assertThrows(SQLException.class, () -> md.getTables(null, null, "%", null));
        assertEquals("08003", e.getSQLState());
    }
}
