package io.amdb.jdbc;

import static io.amdb.jdbc.TestNode.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AmDbPreparedStatementTest {
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
    void setBytes_binaryKeysAndValues_roundTripExactly() throws SQLException {
        byte[][] keys = {{0x00}, {(byte) 0xFF}, {0x00, (byte) 0xFF, 0x00}, {(byte) 0xC3, 0x28}, {(byte) 0x80}};
        byte[][] values = {{}, {0x00}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0xC3, 0x28}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};
        try (Connection c = node.connect();
             PreparedStatement put = c.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)");
             PreparedStatement get = c.prepareStatement("SELECT k, v FROM kv WHERE k = ?")) {
            for (int i = 0; i < keys.length; i++) {
                put.setBytes(1, keys[i]);
                put.setBytes(2, values[i]);
                assertEquals(1, put.executeUpdate());
            }
            for (int i = 0; i < keys.length; i++) {
                get.setBytes(1, keys[i]);
                try (ResultSet rs = get.executeQuery()) {
                    assertTrue(rs.next(), "row for key " + i);
                    assertArrayEquals(keys[i], rs.getBytes("K"));
                    assertArrayEquals(values[i], rs.getBytes(2));
                    assertArrayEquals(values[i], (byte[]) rs.getObject(2));
                    assertFalse(rs.next());
                }
            }
        }
    }

    @Test
    void setBytes_callerChangesArrayAfterwards_boundValueUnchanged() throws SQLException {
        try (Connection c = node.connect(); PreparedStatement put = c.prepareStatement("PUT ? ?")) {
            byte[] key = bytes("ps:copy");
            put.setBytes(1, key);
            put.setString(2, "v");
            key[0] = 'X';
            put.executeUpdate();
            try (ResultSet rs = c.createStatement().executeQuery("GET ps:copy")) {
                assertTrue(rs.next());
            }
        }
    }

    @Test
    void setString_utf8_getStringDecodes() throws SQLException {
        try (Connection c = node.connect(); PreparedStatement put = c.prepareStatement("INSERT INTO kv VALUES (?, ?)")) {
            put.setString(1, "ps:ключ");
            put.setObject(2, "värde ✓");
            put.executeUpdate();
            try (PreparedStatement get = c.prepareStatement("SELECT v FROM kv WHERE k = ?")) {
                get.setObject(1, bytes("ps:ключ"));
                try (ResultSet rs = get.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals("värde ✓", rs.getString(1));
                    assertArrayEquals(bytes("värde ✓"), rs.getBytes(1));
                }
            }
        }
    }

    @Test
    void executeUpdate_preparedConditionalWrites_countsFollowTheConditions() throws SQLException {
        try (Connection c = node.connect();
             PreparedStatement insert = c.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT DO NOTHING");
             PreparedStatement update = c.prepareStatement("UPDATE kv SET v = ? WHERE k = ? AND v = ?");
             PreparedStatement delete = c.prepareStatement("DELETE FROM kv WHERE k = ? AND v = ?")) {
            byte[] key = {0x00, (byte) 0xFF, 'p', 's'};
            insert.setBytes(1, key);
            insert.setBytes(2, new byte[] {(byte) 0xFF});
            assertEquals(1, insert.executeUpdate());
            assertEquals(0, insert.executeUpdate(), "the key has a value now");
            update.setBytes(1, new byte[] {1});
            update.setBytes(2, key);
            update.setBytes(3, new byte[] {(byte) 0xFF});
            assertEquals(1, update.executeUpdate());
            assertEquals(0, update.executeUpdate(), "the value is no longer 0xFF");
            delete.setBytes(1, key);
            delete.setBytes(2, new byte[] {(byte) 0xFF});
            assertEquals(0, delete.executeUpdate());
            delete.setBytes(2, new byte[] {1});
            assertEquals(1, delete.executeUpdate());
            try (PreparedStatement get = c.prepareStatement("SELECT v FROM kv WHERE k = ?")) {
                get.setBytes(1, key);
                try (ResultSet rs = get.executeQuery()) {
                    assertFalse(rs.next());
                }
            }
        }
    }

    @Test
    void executeUpdate_preparedUpdateExpectedValueNotSet_07002NamingIt() throws SQLException {
        try (Connection c = node.connect(); PreparedStatement ps = c.prepareStatement("UPDATE kv SET v = ? WHERE k = ? AND v = ?")) {
            ps.setString(1, "new");
            ps.setString(2, "ps:unset");
            SQLException e = assertThrows(SQLException.class, ps::executeUpdate);
            assertEquals("07002", e.getSQLState());
            assertEquals("parameter 3 (expected value) is not set", e.getMessage());
        }
    }

    @Test
    void setNull_onKey_22004AtOnce() throws SQLException {
        try (Connection c = node.connect(); PreparedStatement ps = c.prepareStatement("SELECT v FROM kv WHERE k = ?")) {
            SQLDataException e = assertThrows(SQLDataException.class, () -> ps.setNull(1, Types.VARBINARY));
            assertEquals("22004", e.getSQLState());
            assertTrue(e.getMessage().startsWith("parameter 1 (key) must not be null"), e.getMessage());
            assertEquals("22004", assertThrows(SQLDataException.class, () -> ps.setString(1, null)).getSQLState());
            assertEquals("22004", assertThrows(SQLDataException.class, () -> ps.setBytes(1, null)).getSQLState());
            assertEquals("22004", assertThrows(SQLDataException.class, () -> ps.setObject(1, null)).getSQLState());
        }
    }

    @Test
    void setString_indexOutOfRange_07009() throws SQLException {
        try (Connection c = node.connect(); PreparedStatement ps = c.prepareStatement("GET ?")) {
            assertEquals("07009", assertThrows(SQLException.class, () -> ps.setString(2, "x")).getSQLState());
            assertEquals("07009", assertThrows(SQLException.class, () -> ps.setString(0, "x")).getSQLState());
        }
    }

    @Test
    void executeQuery_parameterNotSet_07002NamingIt() throws SQLException {
        try (Connection c = node.connect(); PreparedStatement ps = c.prepareStatement("PUT ? ?")) {
            ps.setString(1, "k");
            SQLException e = assertThrows(SQLException.class, ps::executeUpdate);
            assertEquals("07002", e.getSQLState());
            assertEquals("parameter 2 (value) is not set", e.getMessage());
            ps.setString(2, "v");
            ps.clearParameters();
            assertEquals("07002", assertThrows(SQLException.class, ps::executeUpdate).getSQLState());
        }
    }

    @Test
    void setInt_notAByteString_featureNotSupported() throws SQLException {
        try (Connection c = node.connect(); PreparedStatement ps = c.prepareStatement("GET ?")) {
            assertThrows(SQLFeatureNotSupportedException.class, () -> ps.setInt(1, 1));
            assertThrows(SQLFeatureNotSupportedException.class, () -> ps.setObject(1, 42));
            assertThrows(SQLFeatureNotSupportedException.class, () -> ps.setObject(1, "x", Types.INTEGER));
            assertThrows(SQLFeatureNotSupportedException.class, () -> ps.setDate(1, null));
            assertThrows(SQLFeatureNotSupportedException.class, ps::getParameterMetaData);
        }
    }

    @Test
    void prepareStatement_badSql_syntaxErrorAtPrepare() throws SQLException {
        try (Connection c = node.connect()) {
            SQLSyntaxErrorException e = assertThrows(SQLSyntaxErrorException.class,
                    () -> c.prepareStatement("SELECT k v FROM kv"));
            assertEquals("syntax error at position 10: expected FROM, found 'v'", e.getMessage());
        }
    }

    @Test
    void getMetaData_query_columnsBeforeExecuting() throws SQLException {
        try (Connection c = node.connect()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT v, k FROM kv WHERE k IN (?, ?)")) {
                ResultSetMetaData md = ps.getMetaData();
                assertEquals(2, md.getColumnCount());
                assertEquals("V", md.getColumnName(1));
                assertEquals(Types.VARBINARY, md.getColumnType(2));
                assertEquals("[B", md.getColumnClassName(2));
                assertEquals(ResultSetMetaData.columnNoNulls, md.isNullable(1));
            }
            try (PreparedStatement ps = c.prepareStatement("PUT ? ?")) {
                assertNull(ps.getMetaData());
            }
        }
    }

    @Test
    void executeQuery_sqlStringOnPrepared_42809() throws SQLException {
        try (Connection c = node.connect(); PreparedStatement ps = c.prepareStatement("PING")) {
            assertEquals("42809", assertThrows(SQLException.class, () -> ps.executeQuery("PING")).getSQLState());
            assertEquals("42809", assertThrows(SQLException.class, () -> ps.addBatch("PUT a b")).getSQLState());
        }
    }

    @Test
    void executeQuery_preparedLikeAndRangeParameters_bound() throws SQLException {
        try (Connection c = node.connect()) {
            c.createStatement().executeUpdate("INSERT INTO kv VALUES ('ps:r:1','a'), ('ps:r:2','b'), ('ps:r:3','c')");
            try (PreparedStatement like = c.prepareStatement("SELECT k FROM kv WHERE k LIKE ?");
                 PreparedStatement range = c.prepareStatement("SELECT k FROM kv WHERE k > ? AND k <= ?")) {
                like.setString(1, "ps:r:%");
                assertEquals(3, count(like.executeQuery()));
                range.setString(1, "ps:r:1");
                range.setString(2, "ps:r:3");
                assertEquals(2, count(range.executeQuery()));
            }
        }
    }

    private static int count(ResultSet rs) throws SQLException {
        int n = 0;
        try (rs) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }
}
