package io.amdb.jdbc;

import io.amdb.protocol.Limits;

import java.sql.ResultSetMetaData;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * One result column as {@link ResultSetMetaData} describes it.
 *
 * @param name      name and label (upper case, like the unquoted identifiers it stands for)
 * @param type      a {@link Types} constant: VARBINARY for k and v; VARCHAR, INTEGER, SMALLINT, BIGINT or BOOLEAN
 *                  for INFO, PING and metadata rows
 * @param nullable  a {@code ResultSetMetaData.column*} constant
 * @param precision the most bytes (VARBINARY), digits (numbers), or 0 when not applicable
 * @param table     "KV" for kv's columns, "" otherwise
 */
record Column(String name, int type, int nullable, int precision, String table) {
    /** The key column. Precision is the node's default max-key-bytes; a node may be configured otherwise. */
    static final Column K = new Column("K", Types.VARBINARY, ResultSetMetaData.columnNoNulls,
            Limits.DEFAULTS.maxKeyBytes(), "KV");
    /** The value column; never null (a missing key has no row). */
    static final Column V = new Column("V", Types.VARBINARY, ResultSetMetaData.columnNoNulls,
            Limits.DEFAULTS.maxValueBytes(), "KV");

    /** A nullable column outside kv. */
    static Column of(String name, int type) {
        int precision = switch (type) {
            case Types.INTEGER -> 10;
            case Types.SMALLINT -> 5;
            case Types.BIGINT -> 19;
            case Types.BOOLEAN -> 1;
            default -> 0;
        };
        return new Column(name, type, ResultSetMetaData.columnNullable, precision, "");
    }

    /**
     * Columns from a compact spec, "NAME,NAME:i,…": no suffix VARCHAR, {@code :i} INTEGER, {@code :s} SMALLINT,
     * {@code :l} BIGINT, {@code :b} BOOLEAN. Used for the fixed column lists of DatabaseMetaData results.
     */
    static List<Column> list(String spec) {
        List<Column> columns = new ArrayList<>();
        for (String item : spec.split(",")) {
            int colon = item.indexOf(':');
            String name = colon < 0 ? item : item.substring(0, colon);
            int type = colon < 0 ? Types.VARCHAR : switch (item.charAt(colon + 1)) {
                case 'i' -> Types.INTEGER;
                case 's' -> Types.SMALLINT;
                case 'l' -> Types.BIGINT;
                case 'b' -> Types.BOOLEAN;
                default -> throw new IllegalArgumentException("bad column spec: " + item);
            };
            columns.add(of(name, type));
        }
        return List.copyOf(columns);
    }

    String typeName() {
        return switch (type) {
            case Types.VARBINARY -> "VARBINARY";
            case Types.INTEGER -> "INTEGER";
            case Types.SMALLINT -> "SMALLINT";
            case Types.BIGINT -> "BIGINT";
            case Types.BOOLEAN -> "BOOLEAN";
            default -> "VARCHAR";
        };
    }

    /** The class {@code getObject} returns for this column. */
    String className() {
        return switch (type) {
            case Types.VARBINARY -> byte[].class.getName();
            case Types.INTEGER -> Integer.class.getName();
            case Types.SMALLINT -> Short.class.getName();
            case Types.BIGINT -> Long.class.getName();
            case Types.BOOLEAN -> Boolean.class.getName();
            default -> String.class.getName();
        };
    }

    boolean isNumeric() {
        return type == Types.INTEGER || type == Types.SMALLINT || type == Types.BIGINT;
    }
}
