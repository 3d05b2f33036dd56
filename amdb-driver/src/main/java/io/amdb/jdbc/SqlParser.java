package io.amdb.jdbc;

import io.amdb.jdbc.Command.Col;
import io.amdb.jdbc.Command.Operand;
import io.amdb.jdbc.Command.Predicate;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the SQL subset over {@code kv(k, v)}; the grammar is in docs/SQL.md and each
 * method below is one of its rules. Keywords and names ignore case.
 *
 * <p>Text that is not in the grammar is a 42000 syntax error at the first token that does not fit. Valid
 * SQL outside what a key-value store can run (a filter on v, a range DELETE) is 0A000 instead, with a
 * hint at what works.
 */
final class SqlParser {
    private SqlParser() {}

    static ParsedSql parse(String sql) throws SQLException {
        TokenCursor in = new TokenCursor(Lexer.sql(sql));
        Command command;
        if (in.acceptKeyword("INSERT")) {
            command = insert(in);
        } else if (in.acceptKeyword("SELECT")) {
            command = select(in);
        } else if (in.acceptKeyword("DELETE")) {
            command = delete(in);
        } else if (in.acceptKeyword("UPDATE")) {
            command = update(in);
        } else {
            throw in.expected("INSERT, SELECT, UPDATE, DELETE or a native command (PUT, GET, DEL, SCAN, INFO, PING)");
        }
        in.expectEnd();
        return new ParsedSql(command, in.parameters());
    }

    /** INSERT INTO kv [(col, col)] VALUES (operand, operand) [, (operand, operand)]… [ON CONFLICT DO NOTHING] */
    private static Command insert(TokenCursor in) throws SQLException {
        in.expectKeyword("INTO");
        table(in);
        List<Col> cols = List.of(Col.K, Col.V);
        if (in.acceptSymbol("(")) {
            int position = in.peek().position();
            cols = columnList(in);
            in.expectSymbol(")");
            if (cols.size() != 2 || cols.get(0) == cols.get(1)) {
                throw SqlErrors.syntax(position, "INSERT needs both columns, k and v, once each");
            }
        }
        in.expectKeyword("VALUES");
        boolean keyFirst = cols.get(0) == Col.K;
        List<Operand[]> rows = new ArrayList<>();
        do {
            in.expectSymbol("(");
            Operand first = in.operand(keyFirst ? "key" : "value");
            in.expectSymbol(",");
            Operand second = in.operand(keyFirst ? "value" : "key");
            in.expectSymbol(")");
            rows.add(keyFirst ? new Operand[] {first, second} : new Operand[] {second, first});
        } while (in.acceptSymbol(","));
        boolean ifAbsent = false;
        if (in.acceptKeyword("ON")) {
            in.expectKeyword("CONFLICT");
            in.expectKeyword("DO");
            if (in.peek().isKeyword("UPDATE")) {
                throw SqlErrors.notSupported("ON CONFLICT DO UPDATE", "a plain INSERT replaces an existing value");
            }
            in.expectKeyword("NOTHING");
            ifAbsent = true;
        }
        return new Command.Insert(List.copyOf(rows), ifAbsent);
    }

    /** UPDATE kv SET v = operand WHERE k = operand [AND v = operand] */
    private static Command update(TokenCursor in) throws SQLException {
        table(in);
        in.expectKeyword("SET");
        if (column(in) != Col.V) {
            throw SqlErrors.notSupported("SET k", "keys do not change; INSERT the new key and DELETE the old one");
        }
        in.expectSymbol("=");
        Operand value = in.operand("value");
        if (!in.acceptKeyword("WHERE")) {
            throw SqlErrors.notSupported("UPDATE without WHERE k = …", "update one key at a time: WHERE k = ?");
        }
        keyColumn(in);
        if (!in.acceptSymbol("=")) {
            throw SqlErrors.notSupported("UPDATE of several keys", "update one key at a time: WHERE k = ?");
        }
        Operand key = in.operand("key");
        return new Command.Update(key, value, expectedValue(in));
    }

    /** [AND v = operand] after {@code k = …}: the value a conditional write expects; null when absent. */
    private static Operand expectedValue(TokenCursor in) throws SQLException {
        if (!in.acceptKeyword("AND")) {
            return null;
        }
        if (column(in) != Col.V) {
            throw SqlErrors.notSupported("a second condition on k", "give k = … and, optionally, v = …");
        }
        in.expectSymbol("=");
        return in.operand("expected value");
    }

    /** SELECT (* | col [, col]…) FROM kv [WHERE predicate] [LIMIT number] */
    private static Command select(TokenCursor in) throws SQLException {
        List<Col> cols = in.acceptSymbol("*") ? List.of(Col.K, Col.V) : columnList(in);
        in.expectKeyword("FROM");
        table(in);
        Predicate where = in.acceptKeyword("WHERE") ? predicate(in) : new Command.All();
        long limit = in.acceptKeyword("LIMIT") ? in.number("LIMIT") : Long.MAX_VALUE;
        return new Command.Select(cols, where, limit);
    }

    /** DELETE FROM kv WHERE (k = operand [AND v = operand] | k IN (…)) */
    private static Command delete(TokenCursor in) throws SQLException {
        in.expectKeyword("FROM");
        table(in);
        if (!in.acceptKeyword("WHERE")) {
            if (in.peek().is(Token.Kind.END) || in.peek().isSymbol(";")) {
                throw SqlErrors.notSupported("DELETE without WHERE", "delete keys with WHERE k = … or k IN (…)");
            }
            throw in.expected("WHERE");
        }
        Predicate where = predicate(in);
        if (!(where instanceof Command.Equals) && !(where instanceof Command.In)) {
            throw SqlErrors.notSupported("DELETE by range or pattern", "delete keys with WHERE k = … or k IN (…)");
        }
        return new Command.Delete(where, where instanceof Command.Equals ? expectedValue(in) : null);
    }

    /**
     * k = operand | k IN (operand [, operand]…) | k BETWEEN operand AND operand
     * | k LIKE operand [ESCAPE operand] | bound [AND bound], where bound = k (&lt; | &lt;= | &gt; | &gt;=) operand
     */
    private static Predicate predicate(TokenCursor in) throws SQLException {
        keyColumn(in);
        if (in.acceptSymbol("=")) {
            return new Command.Equals(in.operand("key"));
        } else if (in.acceptKeyword("IN")) {
            in.expectSymbol("(");
            List<Operand> keys = new ArrayList<>();
            do {
                keys.add(in.operand("key"));
            } while (in.acceptSymbol(","));
            in.expectSymbol(")");
            return new Command.In(List.copyOf(keys));
        } else if (in.acceptKeyword("BETWEEN")) {
            Operand lower = in.operand("lower bound");
            in.expectKeyword("AND");
            return new Command.Range(lower, true, in.operand("upper bound"), true, false);
        } else if (in.acceptKeyword("LIKE")) {
            Operand pattern = in.operand("LIKE pattern");
            return new Command.Like(pattern, in.acceptKeyword("ESCAPE") ? in.operand("ESCAPE character") : null);
        }
        Bound first = bound(in);
        if (!in.acceptKeyword("AND")) {
            return first.lower ? new Command.Range(first.value, first.inclusive, null, false, false)
                    : new Command.Range(null, false, first.value, first.inclusive, false);
        }
        keyColumn(in);
        Bound second = bound(in);
        if (first.lower == second.lower) {
            throw SqlErrors.notSupported("two " + (first.lower ? "lower" : "upper") + " bounds on k",
                    "give one lower bound (> or >=) and one upper bound (< or <=)");
        }
        Bound lo = first.lower ? first : second;
        Bound hi = first.lower ? second : first;
        return new Command.Range(lo.value, lo.inclusive, hi.value, hi.inclusive, false);
    }

    private record Bound(boolean lower, boolean inclusive, Operand value) {}

    private static Bound bound(TokenCursor in) throws SQLException {
        Token op = in.peek();
        if (op.isSymbol("<>") || op.isSymbol("!=")) {
            throw SqlErrors.notSupported("k " + op.text() + " …", "use =, IN, BETWEEN, LIKE 'prefix%', <, <=, > or >=");
        }
        boolean lower = op.isSymbol(">") || op.isSymbol(">=");
        if (!lower && !op.isSymbol("<") && !op.isSymbol("<=")) {
            throw in.expected("=, IN, BETWEEN, LIKE, <, <=, > or >=");
        }
        in.take();
        return new Bound(lower, op.text().endsWith("="), in.operand(lower ? "lower bound" : "upper bound"));
    }

    private static void keyColumn(TokenCursor in) throws SQLException {
        if (column(in) == Col.V) {
            throw SqlErrors.notSupported("a condition on v", "WHERE can only test the key k (values are not indexed)");
        }
    }

    private static List<Col> columnList(TokenCursor in) throws SQLException {
        List<Col> cols = new ArrayList<>();
        do {
            cols.add(column(in));
        } while (in.acceptSymbol(","));
        return List.copyOf(cols);
    }

    private static Col column(TokenCursor in) throws SQLException {
        Token t = in.peek();
        if (t.isName("k") || t.isName("v")) {
            in.take();
            return t.isName("k") ? Col.K : Col.V;
        }
        throw in.expected("column k or v");
    }

    private static void table(TokenCursor in) throws SQLException {
        Token t = in.peek();
        if (t.isName("kv")) {
            in.take();
        } else if (t.is(Token.Kind.WORD) || t.is(Token.Kind.QUOTED_IDENT)) {
            throw SqlErrors.syntax(t.position(), "unknown table " + t.describe() + "; the only table is kv");
        } else {
            throw in.expected("table kv");
        }
    }
}
