package io.amdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** addBatch / executeBatch: the continue policy, counts, chunking and per-key order ({@link Batch}). */
class BatchTest {
    private static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start();
    }

    @AfterAll
    static void stopNode() throws Exception {
        node.close();
    }

    private static String get(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM kv WHERE k = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void executeBatch_badItemInMiddle_continuesAndReportsExecuteFailed() throws SQLException {
        try (Connection c = node.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
            for (String key : new String[] {"b:1", "b:2", "", "b:4", "b:5"}) {
                ps.setString(1, key);
                ps.setString(2, "v" + key);
                ps.addBatch();
            }
            BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
            assertArrayEquals(new int[] {1, 1, Statement.EXECUTE_FAILED, 1, 1}, e.getUpdateCounts());
            assertArrayEquals(new long[] {1, 1, Statement.EXECUTE_FAILED, 1, 1}, e.getLargeUpdateCounts());
            assertEquals("22023", e.getSQLState());
            assertEquals(11, e.getErrorCode());
            assertTrue(e.getMessage().startsWith("1 of 5 batch commands failed"), e.getMessage());
            SQLException next = e.getNextException();
            assertNotNull(next);
            assertEquals("KEY_EMPTY: batch command 3: the key is empty", next.getMessage());
            assertNull(next.getNextException());
            for (String key : new String[] {"b:1", "b:2", "b:4", "b:5"}) {
                assertEquals("v" + key, get(c, key));
            }
        }
    }

    @Test
    void executeBatch_afterExecution_batchIsCleared() throws SQLException {
        try (Connection c = node.connect(); PreparedStatement ps = c.prepareStatement("PUT ? ?")) {
            ps.setString(1, "b:clear");
            ps.setString(2, "x");
            ps.addBatch();
            assertArrayEquals(new int[] {1}, ps.executeBatch());
            assertArrayEquals(new int[0], ps.executeBatch());
            ps.addBatch();
            ps.clearBatch();
            assertArrayEquals(new long[0], ps.executeLargeBatch());
        }
    }

    @Test
    void executeBatch_parametersReboundPerRow_eachRowKeepsItsValues() throws SQLException {
        try (Connection c = node.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO kv VALUES (?, ?)")) {
            ps.setString(2, "same");
            for (int i = 0; i < 3; i++) {
                ps.setString(1, "b:re:" + i);
                ps.addBatch();
            }
            assertArrayEquals(new long[] {1, 1, 1}, ps.executeLargeBatch());
            assertEquals("same", get(c, "b:re:2"));
        }
    }

    @Test
    void executeBatch_statementWithSqlStrings_insertCountsRowsDeleteNoInfo() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.addBatch("INSERT INTO kv VALUES ('b:s:1', 'a'), ('b:s:2', 'b')");
            s.addBatch("PUT b:s:3 c");
            s.addBatch("DELETE FROM kv WHERE k IN ('b:s:1', 'b:missing')");
            s.addBatch("DEL b:s:2");
            assertArrayEquals(new int[] {2, 1, Statement.SUCCESS_NO_INFO, Statement.SUCCESS_NO_INFO}, s.executeBatch());
            assertNull(get(c, "b:s:1"));
            assertNull(get(c, "b:s:2"));
            assertEquals("c", get(c, "b:s:3"));
        }
    }

    @Test
    void addBatch_queryOrBadSql_rejectedAtAdd() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            assertEquals("07003", assertThrows(SQLException.class, () -> s.addBatch("SELECT * FROM kv")).getSQLState());
            assertEquals("42000", assertThrows(SQLException.class, () -> s.addBatch("INSERT kv")).getSQLState());
            assertArrayEquals(new int[0], s.executeBatch());
        }
    }

    @Test
    void addBatch_conditionalWrites_07003AtAddAndNothingRuns() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            for (String sql : new String[] {"INSERT INTO kv VALUES ('b:cond', 'x') ON CONFLICT DO NOTHING",
                    "UPDATE kv SET v = 'x' WHERE k = 'b:cond'", "DELETE FROM kv WHERE k = 'b:cond' AND v = 'x'"}) {
                assertEquals("07003", assertThrows(SQLException.class, () -> s.addBatch(sql)).getSQLState(), sql);
            }
            assertArrayEquals(new int[0], s.executeBatch());
            assertNull(get(c, "b:cond"));
        }
        try (Connection c = node.connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO kv VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, "b:cond");
            ps.setString(2, "x");
            assertEquals("07003", assertThrows(SQLException.class, ps::addBatch).getSQLState());
            assertArrayEquals(new int[0], ps.executeBatch());
            assertNull(get(c, "b:cond"));
        }
    }

    @Test
    void executeBatch_moreRowsThanOneChunk_allApplied() throws SQLException {
        int rows = 2 * BatchSender.MAX_ITEMS + 500;
        try (Connection c = node.connect(); PreparedStatement ps = c.prepareStatement("PUT ? ?")) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, String.format("b:big:%06d", i));
                ps.setString(2, Integer.toString(i));
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            assertEquals(rows, counts.length);
            assertEquals(rows, java.util.Arrays.stream(counts).sum());
            assertEquals(Integer.toString(rows - 1), get(c, String.format("b:big:%06d", rows - 1)));
            try (ResultSet rs = c.createStatement().executeQuery("SELECT k FROM kv WHERE k LIKE 'b:big:%'")) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                assertEquals(rows, n);
            }
        }
    }

    @Test
    void executeBatch_sameKeyInTwoChunks_laterWriteWins() throws SQLException {
        try (Connection c = node.connect(); PreparedStatement ps = c.prepareStatement("PUT ? ?")) {
            for (int i = 0; i <= BatchSender.MAX_ITEMS; i++) { // the first and the last row land in different chunks
                ps.setString(1, i == 0 || i == BatchSender.MAX_ITEMS ? "b:order" : "b:fill:" + i);
                ps.setString(2, Integer.toString(i));
                ps.addBatch();
            }
            ps.executeBatch();
            assertEquals(Integer.toString(BatchSender.MAX_ITEMS), get(c, "b:order"));
        }
    }

    @Test
    void executeBatch_readOnlyConnection_25006AndBatchCleared() throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.addBatch("PUT b:ro x");
            c.setReadOnly(true);
            assertEquals("25006", assertThrows(SQLException.class, s::executeBatch).getSQLState());
            c.setReadOnly(false);
            assertArrayEquals(new int[0], s.executeBatch());
        }
    }
}
