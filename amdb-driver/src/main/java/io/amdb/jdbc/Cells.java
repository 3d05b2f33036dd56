package io.amdb.jdbc;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * Conversions of a result cell (byte[], String, Integer, Short, Long, Boolean, or null) to what a ResultSet
 * getter returns. Bytes become text by UTF-8 decoding (invalid sequences turn into U+FFFD, so use getBytes
 * for binary data); text becomes a number by parsing it. A value that does not convert is 22018, one out of
 * the target's range 22003. Null becomes null, 0 or false, as JDBC specifies.
 */
final class Cells {
    private static final String OUT_OF_RANGE = "22003";

    private Cells() {}

    static String string(Object cell) {
        if (cell instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return cell == null ? null : cell.toString();
    }

    /** A copy, so a caller changing the array cannot change the row. */
    static byte[] bytes(Object cell) {
        if (cell instanceof byte[] b) {
            return b.clone();
        }
        return cell == null ? null : cell.toString().getBytes(StandardCharsets.UTF_8);
    }

    static long integer(Object cell, long min, long max, String target) throws SQLException {
        long n;
        if (cell == null) {
            return 0;
        } else if (cell instanceof Boolean b) {
            n = b ? 1 : 0;
        } else if (cell instanceof Number num) {
            n = num.longValue();
        } else {
            String text = string(cell).trim();
            try {
                n = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw cannotConvert(text, target);
            }
        }
        if (n < min || n > max) {
            throw SqlErrors.data(OUT_OF_RANGE, n + " is out of range for " + target);
        }
        return n;
    }

    static BigDecimal decimal(Object cell, String target) throws SQLException {
        if (cell == null) {
            return null;
        } else if (cell instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        } else if (cell instanceof Number num) {
            return BigDecimal.valueOf(num.longValue());
        }
        String text = string(cell).trim();
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw cannotConvert(text, target);
        }
    }

    static double floating(Object cell, String target) throws SQLException {
        BigDecimal d = decimal(cell, target);
        return d == null ? 0 : d.doubleValue();
    }

    /** true/false, 1/0 (ignoring case and blanks); any other text is 22018. */
    static boolean bool(Object cell) throws SQLException {
        if (cell == null) {
            return false;
        } else if (cell instanceof Boolean b) {
            return b;
        } else if (cell instanceof Number num) {
            return num.longValue() != 0;
        }
        String text = string(cell).trim();
        if (text.equalsIgnoreCase("true") || text.equals("1")) {
            return true;
        } else if (text.equalsIgnoreCase("false") || text.equals("0")) {
            return false;
        }
        throw cannotConvert(text, "boolean");
    }

    /** {@code getObject(column, type)}: the cell as {@code type}; 0A000 for a type with no conversion. */
    static <T> T as(Object cell, Class<T> type) throws SQLException {
        Object v;
        if (cell == null) {
            v = null;
        } else if (type == String.class) {
            v = string(cell);
        } else if (type == byte[].class) {
            v = bytes(cell);
        } else if (type == Long.class) {
            v = integer(cell, Long.MIN_VALUE, Long.MAX_VALUE, "long");
        } else if (type == Integer.class) {
            v = (int) integer(cell, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
        } else if (type == Short.class) {
            v = (short) integer(cell, Short.MIN_VALUE, Short.MAX_VALUE, "short");
        } else if (type == Byte.class) {
            v = (byte) integer(cell, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
        } else if (type == Boolean.class) {
            v = bool(cell);
        } else if (type == BigDecimal.class) {
            v = decimal(cell, "BigDecimal");
        } else if (type == Double.class) {
            v = floating(cell, "double");
        } else if (type == Float.class) {
            v = (float) floating(cell, "float");
        } else if (type == Object.class) {
            v = cell instanceof byte[] b ? b.clone() : cell;
        } else {
            throw SqlErrors.notSupported("getObject as " + type.getName(),
                    "use String, byte[], a boxed number, Boolean or BigDecimal");
        }
        return type.cast(v);
    }

    private static SQLException cannotConvert(String text, String target) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return SqlErrors.data(SqlErrors.INVALID_CAST, "cannot convert '" + shown + "' to " + target);
    }
}
