package io.amdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AmDbResultSetTest {
    private static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start();
        try (Connection c = node.connect(); PreparedStatement ps = c.prepareStatement("PUT ? ?")) {
            for (int i = 0; i < 2_500; i++) {
                ps.setString(1, String.format("rs:page:%05d", i));
                ps.setString(2, Integer.toString(i));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @AfterAll
    static void stopNode() throws Exception {
        node.close();
    }

    private static long scansAnswered(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("INFO")) {
            while (rs.next()) {
                if (rs.getString("NAME").equals("ops_scan")) {
                    return rs.getLong("VALUE");
                }
            }
        }
        throw new AssertionError("INFO has no ops_scan");
    }

    @Test
    void next_rangeLargerThanOnePage_allRowsInOrderFetchedPageByPage() throws SQLException {
        try (Connection c = node.connect("fetchSize=300"); Statement s = c.createStatement()) {
            long scansBefore = scansAnswered(s);
            int n = 0;
            try (Statement query = c.createStatement();
                 ResultSet rs = query.executeQuery("SELECT k, v FROM kv WHERE k LIKE 'rs:page:%'")) {
                assertEquals(300, rs.getFetchSize());
                while (rs.next()) {
                    assertEquals(String.format("rs:page:%05d", n), rs.getString(1));
                    assertEquals(n, rs.getInt(2));
                    n++;
                    assertEquals(n, rs.getRow());
                }
            }
            assertEquals(2_500, n);
            assertEquals(9, scansAnswered(s) - scansBefore, "ceil(2500 / 300) pages of one SCAN each");
        }
    }

    @Test
    void setFetchSize_onStatementAndMidResult_laterPagesUseIt() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement(); Statement info = c.createStatement()) {
            s.setFetchSize(500);
            long before = scansAnswered(info);
            int n = 0;
            try (ResultSet rs = s.executeQuery("SELECT k FROM kv WHERE k >= 'rs:page:' AND k < 'rs:page;'")) {
                while (rs.next()) {
                    if (++n == 1) {
                        rs.setFetchSize(2_000); // page 2 (500 rows) is already requested; page 3 takes the rest
                    }
                }
            }
            assertEquals(2_500, n);
            assertEquals(3, scansAnswered(info) - before);
        }
    }

    @Test
    void next_limitSmallerThanPage_stopsAtLimit() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.setFetchSize(7);
            try (ResultSet rs = s.executeQuery("SELECT k FROM kv WHERE k LIKE 'rs:page:%' LIMIT 20")) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                assertEquals(20, n);
            }
        }
    }

    @Test
    void cursorPosition_beforeDuringAfter_reported() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT k FROM kv WHERE k LIKE 'rs:page:0000%'")) {
            assertTrue(rs.isBeforeFirst());
            assertEquals("24000", assertThrows(SQLException.class, () -> rs.getString(1)).getSQLState());
            assertTrue(rs.next());
            assertTrue(rs.isFirst());
            assertFalse(rs.isLast());
            for (int i = 1; i < 10; i++) {
                assertTrue(rs.next());
            }
            assertTrue(rs.isLast());
            assertFalse(rs.next());
            assertTrue(rs.isAfterLast());
            assertEquals(0, rs.getRow());
            assertEquals("24000", assertThrows(SQLException.class, () -> rs.getString(1)).getSQLState());
            assertFalse(rs.next());
        }
    }

    @Test
    void isBeforeFirst_emptyResult_false() throws SQLException {
        try (Connection c = node.connect(); ResultSet rs = c.createStatement().executeQuery("GET rs:none")) {
            assertFalse(rs.isBeforeFirst());
            assertFalse(rs.next());
            assertFalse(rs.isAfterLast());
        }
    }

    @Test
    void getters_columnsByLabelAnyCase_convertedOrRefused() throws SQLException {
        try (Connection c = node.connect(); ResultSet rs = c.createStatement().executeQuery("GET rs:page:00042")) {
            assertTrue(rs.next());
            assertEquals(1, rs.findColumn("k"));
            assertEquals(2, rs.findColumn("V"));
            assertEquals("42", rs.getString("v"));
            assertEquals(42, rs.getInt("v"));
            assertEquals(42L, rs.getObject("V", Long.class));
            assertEquals(42.0, rs.getDouble(2));
            assertArrayEquals("42".getBytes(), rs.getObject(2, byte[].class));
            assertInstanceOf(byte[].class, rs.getObject(1));
            assertFalse(rs.wasNull());
            assertEquals("22018", assertThrows(SQLDataException.class, () -> rs.getInt(1)).getSQLState());
            assertEquals("42S22", assertThrows(SQLSyntaxErrorException.class, () -> rs.findColumn("x")).getSQLState());
            assertEquals("07009", assertThrows(SQLException.class, () -> rs.getString(3)).getSQLState());
            assertThrows(SQLFeatureNotSupportedException.class, () -> rs.getDate(1));
            assertThrows(SQLFeatureNotSupportedException.class, () -> rs.getBlob("V"));
            assertThrows(SQLFeatureNotSupportedException.class, () -> rs.getObject(1, java.time.Instant.class));
        }
    }

    @Test
    void wasNull_nullCell_trueAndDefaults() throws SQLException {
        try (Connection c = node.connect();
             ResultSet rs = c.getMetaData().getColumns(null, null, "KV", "K")) {
            assertTrue(rs.next());
            assertNull(rs.getString("TABLE_CAT"));
            assertTrue(rs.wasNull());
            assertEquals(0, rs.getInt("DECIMAL_DIGITS"));
            assertTrue(rs.wasNull());
            assertEquals(1, rs.getInt("ORDINAL_POSITION"));
            assertFalse(rs.wasNull());
            assertEquals(DatabaseMetaData.columnNoNulls, rs.getInt("NULLABLE"));
        }
    }

    @Test
    void scrollingAndUpdating_forwardOnlyReadOnly_featureNotSupported() throws SQLException {
        try (Connection c = node.connect(); ResultSet rs = c.createStatement().executeQuery("PING")) {
            assertEquals(ResultSet.TYPE_FORWARD_ONLY, rs.getType());
            assertEquals(ResultSet.CONCUR_READ_ONLY, rs.getConcurrency());
            assertThrows(SQLFeatureNotSupportedException.class, rs::previous);
            assertThrows(SQLFeatureNotSupportedException.class, () -> rs.absolute(1));
            assertThrows(SQLFeatureNotSupportedException.class, rs::beforeFirst);
            assertThrows(SQLFeatureNotSupportedException.class, () -> rs.setFetchDirection(ResultSet.FETCH_REVERSE));
            assertTrue(rs.next());
            assertThrows(SQLFeatureNotSupportedException.class, () -> rs.updateString(1, "x"));
            assertThrows(SQLFeatureNotSupportedException.class, rs::updateRow);
            assertThrows(SQLFeatureNotSupportedException.class, rs::moveToInsertRow);
            assertFalse(rs.rowUpdated());
        }
    }

    @Test
    void close_statementClosed_resultSetClosedToo() throws SQLException {
        try (Connection c = node.connect()) {
            Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("PING");
            s.close();
            assertTrue(rs.isClosed());
            assertEquals("55000", assertThrows(SQLException.class, rs::next).getSQLState());
            rs.close();
        }
    }

    @Test
    void closeOnCompletion_lastResultClosed_closesStatement() throws SQLException {
        try (Connection c = node.connect()) {
            Statement s = c.createStatement();
            s.closeOnCompletion();
            ResultSet first = s.executeQuery("PING");
            ResultSet second = s.executeQuery("PING"); // replacing a result does not count as completion
            assertTrue(first.isClosed());
            assertFalse(s.isClosed());
            second.close();
            assertTrue(s.isClosed());
        }
    }

    @Test
    void getStatement_queryResult_itsStatement() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PING")) {
            assertEquals(s, rs.getStatement());
            assertTrue(rs.isWrapperFor(ResultSet.class));
            assertEquals(rs, rs.unwrap(ResultSet.class));
            assertEquals("42809", assertThrows(SQLException.class, () -> rs.unwrap(Connection.class)).getSQLState());
        }
    }
}
