package io.amdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SQL and native commands through a plain Statement against a real node. */
class AmDbStatementTest {
    private static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start();
    }

    @AfterAll
    static void stopNode() throws Exception {
        node.close();
    }

    /** "k=v" pairs of the query's rows, in the order returned. */
    private static List<String> rows(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                out.add(columns == 1 ? rs.getString(1) : rs.getString(1) + "=" + rs.getString(2));
            }
        }
        return out;
    }

    @Test
    void executeUpdate_insertThenSelectByKey_readsValue() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("INSERT INTO kv (k, v) VALUES ('st:eq', 'hello')"));
            assertEquals(List.of("st:eq=hello"), rows(s, "SELECT k, v FROM kv WHERE k = 'st:eq'"));
            assertEquals(List.of(), rows(s, "SELECT k, v FROM kv WHERE k = 'st:missing'"));
        }
    }

    @Test
    void executeUpdate_insertExistingKey_upsertReplacesValue() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO kv VALUES ('st:up', 'one')");
            assertEquals(1, s.executeUpdate("INSERT INTO kv VALUES ('st:up', 'two')"));
            assertEquals(List.of("two"), rows(s, "SELECT v FROM kv WHERE k = 'st:up'"));
        }
    }

    @Test
    void executeUpdate_multiRowInsert_countsRows() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            assertEquals(3, s.executeUpdate("INSERT INTO kv VALUES ('st:m1','a'), ('st:m2','b'), ('st:m1','c')"));
            assertEquals(List.of("st:m1=c", "st:m2=b"), rows(s, "SELECT * FROM kv WHERE k IN ('st:m1', 'st:m2')"));
        }
    }

    @Test
    void executeQuery_in_keyOrderDistinctMissingOmitted() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO kv VALUES ('st:in:b','2'), ('st:in:a','1'), ('st:in:c','3')");
            assertEquals(List.of("st:in:a=1", "st:in:b=2", "st:in:c=3"), rows(s,
                    "SELECT k, v FROM kv WHERE k IN ('st:in:c', 'st:in:x', 'st:in:a', 'st:in:b', 'st:in:a')"));
        }
    }

    @Test
    void executeQuery_betweenAndComparisons_boundsHonoured() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO kv VALUES ('st:r:a','1'), ('st:r:b','2'), ('st:r:c','3'), ('st:r:d','4')");
            assertEquals(List.of("st:r:b", "st:r:c"), rows(s, "SELECT k FROM kv WHERE k BETWEEN 'st:r:b' AND 'st:r:c'"));
            assertEquals(List.of("st:r:b", "st:r:c"), rows(s, "SELECT k FROM kv WHERE k > 'st:r:a' AND k <= 'st:r:c'"));
            assertEquals(List.of("st:r:b"), rows(s, "SELECT k FROM kv WHERE k >= 'st:r:b' AND k < 'st:r:c'"));
            assertEquals(List.of("st:r:c", "st:r:d"), rows(s, "SELECT k FROM kv WHERE k > 'st:r:b' AND k < 'st:r:e'"));
            assertEquals(List.of(), rows(s, "SELECT k FROM kv WHERE k BETWEEN 'st:r:c' AND 'st:r:b'"));
        }
    }

    @Test
    void executeQuery_likePrefix_onlyKeysWithPrefix() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO kv VALUES ('st:like:1','a'), ('st:like:2','b'), ('st:like;','c'), "
                    + "('st:lik','d'), ('st:like_x','e')");
            assertEquals(List.of("st:like:1", "st:like:2"), rows(s, "SELECT k FROM kv WHERE k LIKE 'st:like:%'"));
            assertEquals(List.of("st:like_x"), rows(s, "SELECT k FROM kv WHERE k LIKE 'st:like!_%' ESCAPE '!'"));
        }
    }

    @Test
    void executeQuery_likeNotPrefix_featureNotSupportedWithHint() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class,
                    () -> s.executeQuery("SELECT k FROM kv WHERE k LIKE '%x'"));
            assertTrue(e.getMessage().contains("only a prefix pattern 'prefix%' runs"), e.getMessage());
        }
    }

    @Test
    void executeQuery_noWhereWithLimit_firstKeysInOrder() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO kv VALUES (X'0001','a'), (X'0002','b')"); // sort before every text key
            List<String> first = rows(s, "SELECT v FROM kv LIMIT 2");
            assertEquals(List.of("a", "b"), first);
        }
    }

    @Test
    void executeQuery_projection_columnsInSelectOrder() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("PUT st:proj value");
            try (ResultSet rs = s.executeQuery("SELECT v, k FROM kv WHERE k = 'st:proj'")) {
                assertEquals("V", rs.getMetaData().getColumnLabel(1));
                assertTrue(rs.next());
                assertEquals("value", rs.getString(1));
                assertEquals("st:proj", rs.getString("k"));
            }
        }
    }

    @Test
    void executeUpdate_delete_countsKeysThatExisted() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO kv VALUES ('st:d1','a'), ('st:d2','b')");
            assertEquals(1, s.executeUpdate("DELETE FROM kv WHERE k = 'st:d1'"));
            assertEquals(0, s.executeUpdate("DELETE FROM kv WHERE k = 'st:d1'"));
            assertEquals(1, s.executeUpdate("DELETE FROM kv WHERE k IN ('st:d1', 'st:d2', 'st:d2', 'st:d3')"));
            assertEquals(List.of(), rows(s, "SELECT k FROM kv WHERE k IN ('st:d1', 'st:d2')"));
        }
    }

    @Test
    void executeUpdate_insertOnConflictDoNothing_countsRowsInsertedAndKeepsExistingValues() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO kv VALUES ('st:ic:1', 'old')");
            assertEquals(2, s.executeUpdate("INSERT INTO kv VALUES ('st:ic:1', 'new'), ('st:ic:2', 'new'), "
                    + "('st:ic:3', 'first'), ('st:ic:3', 'second') ON CONFLICT DO NOTHING"));
            assertEquals(List.of("st:ic:1=old", "st:ic:2=new", "st:ic:3=first"),
                    rows(s, "SELECT * FROM kv WHERE k IN ('st:ic:1', 'st:ic:2', 'st:ic:3')"));
            assertEquals(0, s.executeUpdate("INSERT INTO kv VALUES ('st:ic:2', 'again') ON CONFLICT DO NOTHING"));
        }
    }

    @Test
    void executeUpdate_updateWithoutCondition_oneWhenTheKeyHasAValueZeroOtherwise() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO kv VALUES ('st:u:1', 'a')");
            assertEquals(1, s.executeUpdate("UPDATE kv SET v = 'b' WHERE k = 'st:u:1'"));
            assertEquals(List.of("b"), rows(s, "SELECT v FROM kv WHERE k = 'st:u:1'"));
            assertEquals(0, s.executeUpdate("UPDATE kv SET v = 'b' WHERE k = 'st:u:missing'"));
            assertEquals(List.of(), rows(s, "SELECT v FROM kv WHERE k = 'st:u:missing'"), "UPDATE creates nothing");
        }
    }

    @Test
    void executeUpdate_updateAndV_oneWhileTheValueMatchesZeroOnceItChanged() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO kv VALUES ('st:u:2', 'a')");
            assertEquals(1, s.executeUpdate("UPDATE kv SET v = 'b' WHERE k = 'st:u:2' AND v = 'a'"));
            assertEquals(0, s.executeUpdate("UPDATE kv SET v = 'c' WHERE k = 'st:u:2' AND v = 'a'"));
            assertEquals(List.of("b"), rows(s, "SELECT v FROM kv WHERE k = 'st:u:2'"));
            assertEquals(0, s.executeUpdate("UPDATE kv SET v = 'c' WHERE k = 'st:u:none' AND v = 'a'"));
        }
    }

    @Test
    void executeUpdate_deleteAndV_deletesOnlyWhileTheValueMatches() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO kv VALUES ('st:dv', 'a')");
            assertEquals(0, s.executeUpdate("DELETE FROM kv WHERE k = 'st:dv' AND v = 'b'"));
            assertEquals(List.of("a"), rows(s, "SELECT v FROM kv WHERE k = 'st:dv'"));
            assertEquals(1, s.executeUpdate("DELETE FROM kv WHERE k = 'st:dv' AND v = 'a'"));
            assertEquals(List.of(), rows(s, "SELECT v FROM kv WHERE k = 'st:dv'"));
            assertEquals(0, s.executeUpdate("DELETE FROM kv WHERE k = 'st:dv' AND v = 'a'"));
        }
    }

    @Test
    void execute_conditionalWrites_reportUpdateCountsAndAreRefusedOnReadOnlyConnections() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            assertFalse(s.execute("INSERT INTO kv VALUES ('st:cx', 'a') ON CONFLICT DO NOTHING"));
            assertEquals(1, s.getUpdateCount());
            assertFalse(s.execute("UPDATE kv SET v = 'b' WHERE k = 'st:cx' AND v = 'zzz'"));
            assertEquals(0, s.getUpdateCount());
            c.setReadOnly(true);
            assertEquals("25006", assertThrows(SQLException.class,
                    () -> s.executeUpdate("UPDATE kv SET v = 'c' WHERE k = 'st:cx'")).getSQLState());
            assertEquals("07005", assertThrows(SQLException.class,
                    () -> s.executeQuery("UPDATE kv SET v = 'c' WHERE k = 'st:cx'")).getSQLState());
            assertEquals(List.of("a"), rows(s, "SELECT v FROM kv WHERE k = 'st:cx'"));
        }
    }

    @Test
    void executeUpdate_conditionalWriteOverNodeLimits_22001() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            String key = "k".repeat(20_000);
            assertEquals("22001", assertThrows(SQLDataException.class,
                    () -> s.executeUpdate("UPDATE kv SET v = 'x' WHERE k = '" + key + "' AND v = 'y'")).getSQLState());
            assertEquals("22023", assertThrows(SQLDataException.class,
                    () -> s.executeUpdate("INSERT INTO kv VALUES ('', 'x') ON CONFLICT DO NOTHING")).getSQLState());
        }
    }

    @Test
    void execute_nativeCommands_behaveLikeTheirSql() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            assertFalse(s.execute("PUT st:n:1 'one value'"));
            assertEquals(1, s.getUpdateCount());
            s.executeUpdate("put st:n:2 two;");
            assertEquals(List.of("st:n:1=one value"), rows(s, "GET st:n:1"));
            assertEquals(List.of("st:n:1=one value", "st:n:2=two"), rows(s, "SCAN st:n: st:n; LIMIT 10"));
            assertEquals(List.of("st:n:1=one value"), rows(s, "SCAN st:n: '' LIMIT 1"));
            assertEquals(1, s.executeUpdate("DEL st:n:1"));
            assertEquals(0, s.executeUpdate("del st:n:1"));
            assertEquals(List.of("PONG"), rows(s, "PING"));
        }
    }

    @Test
    void executeQuery_info_nameValueRowsIncludingVersion() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            List<String> info = rows(s, "INFO");
            assertTrue(info.stream().anyMatch(r -> r.startsWith("version=")), info.toString());
            assertTrue(info.stream().anyMatch(r -> r.startsWith("ops_get=")), info.toString());
        }
    }

    @Test
    void execute_queryThenUpdate_resultKindsReported() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            assertTrue(s.execute("SELECT * FROM kv WHERE k = 'x'"));
            assertEquals(-1, s.getUpdateCount());
            assertFalse(s.getMoreResults());
            assertEquals(null, s.getResultSet());
            assertFalse(s.execute("DEL x"));
            assertEquals(null, s.getResultSet());
            assertEquals(0, s.getLargeUpdateCount());
        }
    }

    @Test
    void executeQuery_update_07005BeforeSending() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("PUT st:never x"));
            assertEquals("07005", e.getSQLState());
            assertEquals(List.of(), rows(s, "GET st:never"));
        }
    }

    @Test
    void executeUpdate_query_07003() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            assertEquals("07003", assertThrows(SQLException.class, () -> s.executeUpdate("PING")).getSQLState());
        }
    }

    @Test
    void executeQuery_parameterInPlainStatement_07002() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM kv WHERE k = ?"));
            assertEquals("07002", e.getSQLState());
            assertEquals("parameter 1 (key) is not set", e.getMessage());
        }
    }

    @Test
    void setMaxRows_capsRowsOfEveryQuery() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO kv VALUES ('st:max:1','a'), ('st:max:2','b'), ('st:max:3','c')");
            s.setMaxRows(2);
            assertEquals(2, rows(s, "SELECT k FROM kv WHERE k LIKE 'st:max:%'").size());
            assertEquals(2, rows(s, "SELECT k FROM kv WHERE k IN ('st:max:1', 'st:max:2', 'st:max:3')").size());
            assertEquals(1, rows(s, "SELECT k FROM kv WHERE k LIKE 'st:max:%' LIMIT 1").size());
        }
    }

    @Test
    void executeUpdate_keyOverNodeLimit_22001WithNodeMessage() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            String key = "k".repeat(20_000);
            SQLDataException e = assertThrows(SQLDataException.class,
                    () -> s.executeUpdate("INSERT INTO kv VALUES ('" + key + "', 'v')"));
            assertEquals("22001", e.getSQLState());
            assertEquals(12, e.getErrorCode());
            assertEquals("KEY_TOO_LARGE: key of 20000 bytes exceeds the limit of 16384", e.getMessage());
        }
    }

    @Test
    void executeUpdate_emptyKey_22023KeyEmpty() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            SQLDataException e = assertThrows(SQLDataException.class, () -> s.executeUpdate("PUT '' v"));
            assertEquals("22023", e.getSQLState());
            assertTrue(e.getMessage().startsWith("KEY_EMPTY: "), e.getMessage());
        }
    }

    @Test
    void executeUpdate_readOnlyConnection_25006ButReadsWork() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            c.setReadOnly(true);
            assertEquals("25006", assertThrows(SQLException.class, () -> s.executeUpdate("PUT st:ro x")).getSQLState());
            assertEquals(List.of(), rows(s, "GET st:ro"));
            c.setReadOnly(false);
            assertEquals(1, s.executeUpdate("PUT st:ro x"));
        }
    }

    @Test
    void executeQuery_newExecution_closesPreviousResultSet() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            ResultSet first = s.executeQuery("PING");
            s.executeQuery("PING");
            assertTrue(first.isClosed());
        }
    }
}
