package io.amdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.jdbc.Command.Col;
import java.nio.charset.StandardCharsets;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLSyntaxErrorException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The SQL grammar of docs/SQL.md, parse only: {@link SqlParser} through {@link ParsedSql#parse}. */
class SqlParserTest {
    private static String text(Command.Operand o) {
        return new String(((Command.Literal) o).bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void parse_preparedInsert_twoParametersKeyThenValue() throws SQLException {
        ParsedSql p = ParsedSql.parse("INSERT INTO kv (k, v) VALUES (?, ?)");
        Command.Insert insert = assertInstanceOf(Command.Insert.class, p.command());
        assertEquals(new Command.Param(0), insert.rows().get(0)[0]);
        assertEquals(new Command.Param(1), insert.rows().get(0)[1]);
        assertEquals(List.of("key", "value"), p.parameters());
    }

    @Test
    void parse_multiRowInsertWithLiterals_rowsInOrder() throws SQLException {
        Command.Insert insert = (Command.Insert) ParsedSql.parse(
                "insert into KV values ('a', 'it''s'), ('c', X'00fF');").command();
        assertEquals(2, insert.rows().size());
        assertEquals("a", text(insert.rows().get(0)[0]));
        assertEquals("it's", text(insert.rows().get(0)[1]));
        assertArrayEquals(new byte[] {0, (byte) 0xFF}, ((Command.Literal) insert.rows().get(1)[1]).bytes());
    }

    @Test
    void parse_insertColumnsReversed_keyStillFirst() throws SQLException {
        ParsedSql p = ParsedSql.parse("INSERT INTO \"kv\" (\"V\", k) VALUES (?, 'key')");
        Command.Insert insert = (Command.Insert) p.command();
        assertEquals("key", text(insert.rows().get(0)[0]));
        assertEquals(new Command.Param(0), insert.rows().get(0)[1]);
        assertEquals(List.of("value"), p.parameters());
    }

    @Test
    void parse_selectByKey_equalsPredicateAllColumns() throws SQLException {
        Command.Select s = (Command.Select) ParsedSql.parse("SELECT * FROM kv WHERE k = ?;").command();
        assertEquals(List.of(Col.K, Col.V), s.columns());
        assertEquals(new Command.Equals(new Command.Param(0)), s.where());
        assertEquals(Long.MAX_VALUE, s.limit());
    }

    @Test
    void parse_selectIn_keysAndLimit() throws SQLException {
        Command.Select s = (Command.Select) ParsedSql.parse(
                "-- a comment\nselect v from \"KV\" where K in (?, 'b', ?) limit 5").command();
        assertEquals(List.of(Col.V), s.columns());
        assertEquals(3, ((Command.In) s.where()).keys().size());
        assertEquals(5, s.limit());
    }

    @Test
    void parse_insertOnConflictDoNothing_putIfAbsentRows() throws SQLException {
        Command.Insert insert = (Command.Insert) ParsedSql.parse(
                "insert into kv values ('a', ?), (?, 'd') on conflict do nothing;").command();
        assertTrue(insert.ifAbsent());
        assertEquals(2, insert.rows().size());
        assertEquals("a", text(insert.rows().get(0)[0]));
        assertFalse(((Command.Insert) ParsedSql.parse("INSERT INTO kv VALUES ('a', 'b')").command()).ifAbsent());
    }

    @Test
    void parse_updateWithExpectedValue_parametersInStatementOrder() throws SQLException {
        ParsedSql p = ParsedSql.parse("UPDATE kv SET v = ? WHERE k = ? AND v = ?");
        Command.Update update = assertInstanceOf(Command.Update.class, p.command());
        assertEquals(new Command.Param(0), update.value());
        assertEquals(new Command.Param(1), update.key());
        assertEquals(new Command.Param(2), update.expected());
        assertEquals(List.of("value", "key", "expected value"), p.parameters());
        assertTrue(Command.writes(update));
    }

    @Test
    void parse_updateWithoutExpectedValue_expectedIsNull() throws SQLException {
        Command.Update update = (Command.Update) ParsedSql.parse("update \"KV\" set V = 'new' where K = 'a'").command();
        assertEquals("new", text(update.value()));
        assertEquals("a", text(update.key()));
        assertNull(update.expected());
    }

    @Test
    void parse_deleteWithExpectedValue_equalsAndExpected() throws SQLException {
        Command.Delete d = (Command.Delete) ParsedSql.parse("DELETE FROM kv WHERE k = 'a' AND v = ?").command();
        assertEquals("a", text(assertInstanceOf(Command.Equals.class, d.where()).key()));
        assertEquals(new Command.Param(0), d.expected());
        assertNull(((Command.Delete) ParsedSql.parse("DELETE FROM kv WHERE k = 'a'").command()).expected());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO kv VALUES ('a', 'b') ON CONFLICT DO UPDATE SET v = 'c'",
        "UPDATE kv SET k = 'b' WHERE k = 'a'",
        "UPDATE kv SET v = 'b'",
        "UPDATE kv SET v = 'b' WHERE k > 'a'",
        "UPDATE kv SET v = 'b' WHERE k IN ('a')",
        "UPDATE kv SET v = 'b' WHERE v = 'a'",
        "UPDATE kv SET v = 'b' WHERE k = 'a' AND k = 'c'",
        "DELETE FROM kv WHERE k = 'a' AND k = 'c'",
    })
    void parse_conditionalWriteAmDbCannotRun_featureNotSupported(String sql) {
        SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class, () -> ParsedSql.parse(sql));
        assertEquals("0A000", e.getSQLState());
        assertTrue(e.getMessage().contains("not supported by AmDb; "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO kv VALUES ('a', 'b') ON CONFLICT",
        "INSERT INTO kv VALUES ('a', 'b') ON CONFLICT DO",
        "INSERT INTO kv VALUES ('a', 'b') ON DUPLICATE KEY UPDATE v = 'c'",
        "UPDATE kv SET v = 'b' WHERE k = 'a' AND v",
        "UPDATE kv SET v WHERE k = 'a'",
        "UPDATE kv v = 'b' WHERE k = 'a'",
        "UPDATE kv SET v = 'b' WHERE k = 'a' AND v = 'x' AND v = 'y'",
        "DELETE FROM kv WHERE k IN ('a') AND v = 'b'",
        "SELECT * FROM kv WHERE k = 'a' AND v = 'b'",
    })
    void parse_malformedConditionalWrite_syntaxError(String sql) {
        assertEquals("42000", assertThrows(SQLSyntaxErrorException.class, () -> ParsedSql.parse(sql)).getSQLState());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "SELECT k FROM kv WHERE k BETWEEN 'a' AND 'c'       | a | true  | c | true",
        "SELECT k FROM kv WHERE k > 'a' AND k <= 'c'        | a | false | c | true",
        "SELECT k FROM kv WHERE k < 'c' AND k >= 'a'        | a | true  | c | false",
    })
    void parse_rangePredicates_boundsAndInclusiveness(String sql, String lo, boolean loIn, String hi, boolean hiIn)
            throws SQLException {
        Command.Range r = (Command.Range) ((Command.Select) ParsedSql.parse(sql).command()).where();
        assertEquals(lo, text(r.lower()));
        assertEquals(loIn, r.lowerInclusive());
        assertEquals(hi, text(r.upper()));
        assertEquals(hiIn, r.upperInclusive());
    }

    @Test
    void parse_oneSidedRange_otherBoundAbsent() throws SQLException {
        Command.Range r = (Command.Range) ((Command.Select) ParsedSql.parse(
                "SELECT k, v FROM kv WHERE k >= ?").command()).where();
        assertEquals(new Command.Param(0), r.lower());
        assertEquals(null, r.upper());
    }

    @Test
    void parse_likeWithEscape_patternAndEscape() throws SQLException {
        Command.Like like = (Command.Like) ((Command.Select) ParsedSql.parse(
                "SELECT k, v FROM kv WHERE k LIKE 'user\\_%' ESCAPE '\\'").command()).where();
        assertEquals("user\\_%", text(like.pattern()));
        assertEquals("\\", text(like.escape()));
    }

    @Test
    void parse_deleteIn_deleteCommand() throws SQLException {
        Command.Delete d = (Command.Delete) ParsedSql.parse("DELETE FROM kv WHERE k IN ('a', ?)").command();
        assertEquals(2, ((Command.In) d.where()).keys().size());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "SELECT k, v kv                         | syntax error at position 13: expected FROM, found 'kv'",
        "SELEC * FROM kv                        | syntax error at position 1: expected INSERT, SELECT, UPDATE, DELETE or a native command (PUT, GET, DEL, SCAN, INFO, PING), found 'SELEC'",
        "SELECT * FROM kv WHERE                 | syntax error at position 23: expected column k or v, found end of statement",
        "SELECT * FROM users                    | syntax error at position 15: unknown table 'users'; the only table is kv",
        "SELECT * FROM kv WHERE k = 'abc        | syntax error at position 28: unterminated string literal",
        "SELECT * FROM kv WHERE k = 1           | syntax error at position 28: expected a string literal, X'…' literal or ? for the key, found '1'",
        "SELECT * FROM kv LIMIT x               | syntax error at position 24: expected a number for LIMIT, found 'x'",
        "INSERT INTO kv (k) VALUES ('a')        | syntax error at position 17: INSERT needs both columns, k and v, once each",
        "SELECT * FROM kv WHERE k = 'a' OR k = 'b' | syntax error at position 32: expected end of statement, found 'OR'",
        "SELECT * FROM kv; SELECT               | syntax error at position 19: expected end of statement, found 'SELECT'",
        "SELECT * FROM kv WHERE k = X'0'        | syntax error at position 28: invalid hex literal X'0': expected an even number of hex digits",
        "SELECT * FROM kv WHERE k = 'a' #       | syntax error at position 32: unexpected character '#'",
        "x                                      | syntax error at position 1: expected INSERT, SELECT, UPDATE, DELETE or a native command (PUT, GET, DEL, SCAN, INFO, PING), found 'x'",
        "GET                                    | syntax error at position 4: expected a string literal, X'…' literal or ? for the key, found end of statement",
        "GET a b                                | syntax error at position 7: expected end of GET (quote a key or value that contains blanks), found 'b'",
        "PUT 'a'b c                             | syntax error at position 8: expected a blank after the closing quote",
        "SCAN a b LIMIT                         | syntax error at position 15: expected a number for LIMIT, found end of statement",
    })
    void parse_badStatement_syntaxErrorNamesPosition(String sql, String message) {
        SQLSyntaxErrorException e = assertThrows(SQLSyntaxErrorException.class, () -> ParsedSql.parse(sql));
        assertEquals("42000", e.getSQLState());
        assertEquals(message, e.getMessage());
    }

    @Test
    void parse_stringFirst_syntaxErrorShowsString() {
        SQLSyntaxErrorException e = assertThrows(SQLSyntaxErrorException.class, () -> ParsedSql.parse("'it''s'"));
        assertEquals("syntax error at position 1: expected INSERT, SELECT, UPDATE, DELETE or a native command (PUT, GET, DEL, "
                + "SCAN, INFO, PING), found string 'it's'", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT * FROM kv WHERE v = 'a'",
        "DELETE FROM kv",
        "DELETE FROM kv WHERE k > 'a'",
        "DELETE FROM kv WHERE k LIKE 'a%'",
        "SELECT * FROM kv WHERE k <> 'a'",
        "SELECT * FROM kv WHERE k > 'a' AND k > 'b'",
    })
    void parse_validSqlAmDbCannotRun_featureNotSupported(String sql) {
        SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class, () -> ParsedSql.parse(sql));
        assertEquals("0A000", e.getSQLState());
        assertTrue(e.getMessage().contains("not supported by AmDb; "), e.getMessage());
    }

    @Test
    void parse_nullLiteral_22004() {
        SQLDataException e = assertThrows(SQLDataException.class,
                () -> ParsedSql.parse("INSERT INTO kv VALUES ('a', NULL)"));
        assertEquals("22004", e.getSQLState());
    }

    @Test
    void parse_nativePutBareWords_takenLiterally() throws SQLException {
        Command.Insert put = (Command.Insert) ParsedSql.parse("PUT user:1 {\"a\":1}").command();
        assertEquals("user:1", text(put.rows().get(0)[0]));
        assertEquals("{\"a\":1}", text(put.rows().get(0)[1]));
    }

    @Test
    void parse_nativeQuotedTokens_unescaped() throws SQLException {
        Command.Insert put = (Command.Insert) ParsedSql.parse("put 'two words' 'it''s';").command();
        assertEquals("two words", text(put.rows().get(0)[0]));
        assertEquals("it's", text(put.rows().get(0)[1]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET k;", "get 'k';", "GET k ;", "  Get\tk  "})
    void parse_nativeGet_trailingSemicolonDropped(String sql) throws SQLException {
        Command.Select get = (Command.Select) ParsedSql.parse(sql).command();
        assertEquals("k", text(((Command.Equals) get.where()).key()));
        assertEquals(List.of(Col.K, Col.V), get.columns());
    }

    @Test
    void parse_nativeGetHex_binaryKey() throws SQLException {
        Command.Select get = (Command.Select) ParsedSql.parse("GET X'00ff'").command();
        assertArrayEquals(new byte[] {0, (byte) 0xFF}, ((Command.Literal) ((Command.Equals) get.where()).key()).bytes());
    }

    @Test
    void parse_nativeScanWithLimit_rangeWithEmptyMeaningUnbounded() throws SQLException {
        Command.Select scan = (Command.Select) ParsedSql.parse("scan '' b limit 10").command();
        Command.Range r = (Command.Range) scan.where();
        assertEquals("", text(r.lower()));
        assertEquals("b", text(r.upper()));
        assertTrue(r.lowerInclusive() && !r.upperInclusive() && r.emptyUnbounded());
        assertEquals(10, scan.limit());
    }

    @Test
    void parse_nativeDelParameter_roleKey() throws SQLException {
        ParsedSql p = ParsedSql.parse("DEL ?");
        assertInstanceOf(Command.Delete.class, p.command());
        assertEquals(List.of("key"), p.parameters());
    }

    @Test
    void parse_infoAndPing_noOperands() throws SQLException {
        assertInstanceOf(Command.Info.class, ParsedSql.parse("INFO").command());
        assertInstanceOf(Command.Ping.class, ParsedSql.parse("ping;").command());
    }
}
