package io.amdb.jdbc;

import java.sql.Types;
import java.util.List;

/**
 * A parsed statement over the virtual table {@code kv(k, v)}; native commands parse into the same shapes
 * (GET is a SELECT by key, PUT an INSERT, DEL a DELETE, SCAN a range SELECT). Immutable; literal bytes
 * are never modified.
 */
sealed interface Command {

    /** A key, value or pattern: a literal, or the {@code index}th (0-based) {@code ?} parameter. */
    sealed interface Operand {}

    record Literal(byte[] bytes) implements Operand {}

    record Param(int index) implements Operand {}

    /** A column of kv. */
    enum Col { K, V }

    /** Which keys a SELECT or DELETE touches. */
    sealed interface Predicate {}

    /** No WHERE: every key. */
    record All() implements Predicate {}

    /** {@code k = key}. */
    record Equals(Operand key) implements Predicate {}

    /** {@code k IN (keys…)}. */
    record In(List<Operand> keys) implements Predicate {}

    /**
     * {@code k} between two optional bounds (null = absent). {@code emptyUnbounded} is SCAN's convention, where an
     * empty bound means "no bound"; in SQL an empty string is just the smallest key.
     */
    record Range(Operand lower, boolean lowerInclusive, Operand upper, boolean upperInclusive,
                 boolean emptyUnbounded) implements Predicate {}

    /** {@code k LIKE pattern [ESCAPE escape]}; escape may be null. Only 'prefix%' patterns run. */
    record Like(Operand pattern, Operand escape) implements Predicate {}

    /**
     * INSERT (an upsert), PUT: each row is {key, value}. With {@code ifAbsent} (INSERT … ON CONFLICT DO NOTHING) a
     * row is written only when its key has no value, atomically on the key's primary.
     */
    record Insert(List<Operand[]> rows, boolean ifAbsent) implements Command {
        Insert(List<Operand[]> rows) {
            this(rows, false);
        }
    }

    /**
     * UPDATE kv SET v = value WHERE k = key [AND v = expected]: a compare-and-set on the key's value, or (no
     * {@code expected}, null) on whatever value it has; a key with no value is not updated.
     */
    record Update(Operand key, Operand value, Operand expected) implements Command {}

    /** SELECT, GET, SCAN. {@code limit} is Long.MAX_VALUE when absent. */
    record Select(List<Col> columns, Predicate where, long limit) implements Command {}

    /**
     * DELETE, DEL: {@code where} is an Equals or an In. {@code expected} (null: none) is {@code AND v = expected}
     * after an Equals: the key is deleted only while it holds that value.
     */
    record Delete(Predicate where, Operand expected) implements Command {
        Delete(Predicate where) {
            this(where, null);
        }
    }

    /** INFO: rows of (NAME, VALUE). */
    record Info() implements Command {}

    /** PING: one row, RESULT = 'PONG'. */
    record Ping() implements Command {}

    /** True for commands that write. */
    static boolean writes(Command c) {
        return c instanceof Insert || c instanceof Delete || c instanceof Update;
    }

    /** True for commands that produce a ResultSet. */
    static boolean isQuery(Command c) {
        return c instanceof Select || c instanceof Info || c instanceof Ping;
    }

    /** The columns of the ResultSet a query produces. */
    static List<Column> columns(Command c) {
        if (c instanceof Select s) {
            return s.columns().stream().map(col -> col == Col.K ? Column.K : Column.V).toList();
        } else if (c instanceof Info) {
            return List.of(Column.of("NAME", Types.VARCHAR), Column.of("VALUE", Types.VARCHAR));
        } else if (c instanceof Ping) {
            return List.of(Column.of("RESULT", Types.VARCHAR));
        }
        return List.of();
    }
}
