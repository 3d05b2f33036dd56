package io.amdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyRangesTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] b(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void successor_appendsZeroByte() {
        assertArrayEquals(b('a', 0), KeyRanges.successor(b("a")));
    }

    @Test
    void prefixEnd_plainPrefix_incrementsLastByte() {
        assertArrayEquals(b("user;"), KeyRanges.prefixEnd(b("user:")));
    }

    @Test
    void prefixEnd_trailing0xFF_dropsThemFirst() {
        assertArrayEquals(b('a', 0x80), KeyRanges.prefixEnd(b('a', 0x7F, 0xFF, 0xFF)));
    }

    @Test
    void prefixEnd_all0xFFOrEmpty_unbounded() {
        assertEquals(0, KeyRanges.prefixEnd(b(0xFF, 0xFF)).length);
        assertEquals(0, KeyRanges.prefixEnd(new byte[0]).length);
    }

    @Test
    void range_exclusiveLowerInclusiveUpper_adjustedWithZeroByte() {
        KeyRanges.ScanRange r = KeyRanges.range(b("a"), false, b("c"), true, false);
        assertArrayEquals(b('a', 0), r.start());
        assertArrayEquals(b('c', 0), r.end());
    }

    @Test
    void range_inclusiveLowerExclusiveUpper_unchanged() {
        KeyRanges.ScanRange r = KeyRanges.range(b("a"), true, b("c"), false, false);
        assertArrayEquals(b("a"), r.start());
        assertArrayEquals(b("c"), r.end());
    }

    @Test
    void range_noBounds_unboundedBothWays() {
        KeyRanges.ScanRange r = KeyRanges.range(null, false, null, false, false);
        assertEquals(0, r.start().length);
        assertEquals(0, r.end().length);
    }

    @Test
    void range_emptyOrInvertedBounds_null() {
        assertNull(KeyRanges.range(b("c"), true, b("a"), false, false), "inverted");
        assertNull(KeyRanges.range(b("a"), true, b("a"), false, false), "k >= a AND k < a");
        assertNull(KeyRanges.range(b("a"), false, b("a"), true, false), "k > a AND k <= a");
        assertNull(KeyRanges.range(null, false, new byte[0], false, false), "k < ''");
    }

    @Test
    void range_betweenSameKey_exactlyThatKey() {
        KeyRanges.ScanRange r = KeyRanges.range(b("a"), true, b("a"), true, false);
        assertArrayEquals(b("a"), r.start());
        assertArrayEquals(b('a', 0), r.end());
    }

    @Test
    void range_nativeEmptyBounds_unbounded() {
        KeyRanges.ScanRange r = KeyRanges.range(new byte[0], true, new byte[0], false, true);
        assertEquals(0, r.start().length);
        assertEquals(0, r.end().length);
    }

    @Test
    void likePrefix_trailingPercent_prefix() throws SQLException {
        assertArrayEquals(b("user:"), KeyRanges.likePrefix(b("user:%"), null));
        assertArrayEquals(new byte[0], KeyRanges.likePrefix(b("%"), null));
    }

    @Test
    void likePrefix_escapedWildcards_literal() throws SQLException {
        assertArrayEquals(b("a_b%\\"), KeyRanges.likePrefix(b("a\\_b\\%\\\\%"), b("\\")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "%abc", "a%c", "a_c%", "a%%", "ab_"})
    void likePrefix_notAPrefixPattern_featureNotSupported(String pattern) {
        SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class,
                () -> KeyRanges.likePrefix(b(pattern), null));
        assertEquals("0A000", e.getSQLState());
    }

    @Test
    void likePrefix_badEscapes_dataExceptions() {
        assertEquals("22019", assertThrows(SQLDataException.class,
                () -> KeyRanges.likePrefix(b("a%"), b("ab"))).getSQLState());
        assertEquals("22025", assertThrows(SQLDataException.class,
                () -> KeyRanges.likePrefix(b("a!x%"), b("!"))).getSQLState());
        assertEquals("22025", assertThrows(SQLDataException.class,
                () -> KeyRanges.likePrefix(b("a!"), b("!"))).getSQLState());
    }
}
