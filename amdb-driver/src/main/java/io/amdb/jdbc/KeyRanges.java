package io.amdb.jdbc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Byte-string arithmetic that turns key predicates into SCAN bounds. Keys compare as unsigned bytes, and
 * {@code key + 0x00} is the smallest key after {@code key}: that is how exclusive lower bounds ({@code > x})
 * and inclusive upper bounds ({@code <= y}) become SCAN's inclusive start and exclusive end.
 */
final class KeyRanges {
    private static final byte[] UNBOUNDED = new byte[0];

    /** A SCAN range: {@code start} inclusive, {@code end} exclusive; an empty array means unbounded. */
    record ScanRange(byte[] start, byte[] end) {}

    private KeyRanges() {}

    /** The smallest key greater than {@code key}. */
    static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    /**
     * The smallest key greater than every key that starts with {@code prefix}: the prefix with trailing 0xFF
     * bytes dropped and the last remaining byte incremented. Empty (unbounded) when the prefix is all 0xFF
     * or empty.
     */
    static byte[] prefixEnd(byte[] prefix) {
        int n = prefix.length;
        while (n > 0 && prefix[n - 1] == (byte) 0xFF) {
            n--;
        }
        if (n == 0) {
            return UNBOUNDED;
        }
        byte[] end = Arrays.copyOf(prefix, n);
        end[n - 1]++;
        return end;
    }

    /**
     * The SCAN range for bounds on k (a null bound is absent), or null when no key can match, so the caller
     * need not ask the node. With {@code emptyUnbounded} (native SCAN) an empty bound means "no bound"; in
     * SQL an empty string is a real value: {@code k < ''} matches nothing.
     */
    static ScanRange range(byte[] lower, boolean lowerInclusive, byte[] upper, boolean upperInclusive,
                           boolean emptyUnbounded) {
        byte[] start = lower == null || (emptyUnbounded && lower.length == 0) ? UNBOUNDED
                : lowerInclusive ? lower : successor(lower);
        byte[] end;
        if (upper == null || (emptyUnbounded && upper.length == 0)) {
            end = UNBOUNDED;
        } else if (upperInclusive) {
            end = successor(upper);
        } else if (upper.length == 0) {
            return null; // k < '': no key is smaller than the empty string
        } else {
            end = upper;
        }
        if (end.length > 0 && Arrays.compareUnsigned(start, end) >= 0) {
            return null;
        }
        return new ScanRange(start, end);
    }

    /**
     * The literal prefix of a LIKE pattern of the form {@code 'prefix%'}, working on bytes (UTF-8 never puts
     * '%' or '_' inside a multi-byte character). Throws 0A000 for any other pattern, 22019 for an ESCAPE that
     * is not one byte, 22025 for a misused escape character.
     */
    static byte[] likePrefix(byte[] pattern, byte[] escape) throws SQLException {
        if (escape != null && escape.length != 1) {
            throw SqlErrors.data(SqlErrors.INVALID_ESCAPE_CHARACTER, "the ESCAPE character must be exactly one byte");
        }
        ByteArrayOutputStream prefix = new ByteArrayOutputStream(pattern.length);
        for (int i = 0; i < pattern.length; i++) {
            byte b = pattern[i];
            if (escape != null && b == escape[0]) {
                byte next = i + 1 < pattern.length ? pattern[i + 1] : 0;
                if (i + 1 == pattern.length || (next != '%' && next != '_' && next != escape[0])) {
                    throw SqlErrors.data(SqlErrors.INVALID_ESCAPE_SEQUENCE,
                            "in a LIKE pattern the escape character must be followed by %, _ or itself");
                }
                prefix.write(next);
                i++;
            } else if (b == '%' && i == pattern.length - 1) {
                return prefix.toByteArray();
            } else if (b == '%' || b == '_') {
                break;
            } else {
                prefix.write(b);
            }
        }
        throw SqlErrors.notSupported("LIKE pattern '" + new String(pattern, StandardCharsets.UTF_8) + "'",
                "only a prefix pattern 'prefix%' runs (escape a literal % or _ with ESCAPE)");
    }
}
