package io.amdb.node.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The first eight bytes of a key packed big-endian into a {@code long}, zero-padded on the right
 * when the key is shorter: a cheap stand-in for the key that the skip list keeps in each node so
 * that most comparisons never touch the key array (one cache miss fewer per step of a search).
 *
 * <p>Contract: for all keys {@code a} and {@code b}, if {@code of(a) != of(b)} then
 * {@code Long.compareUnsigned(of(a), of(b))} has the sign of {@code Arrays.compareUnsigned(a, b)}.
 * Equal prefixes decide nothing (for example {@code {1}} and {@code {1, 0}}), so callers must
 * then compare the keys themselves. Proof sketch: let {@code i < 8} be the first byte where the
 * padded prefixes differ. If both keys have a real byte at {@code i}, that byte is also where
 * the keys first differ. Otherwise one key ends at {@code i} (its pad byte is 0) while the other
 * has a byte there greater than 0; the first key is then a proper prefix of the second and
 * sorts first, exactly as its smaller padded prefix does.
 */
final class KeyPrefix {
    private static final VarHandle BIG_ENDIAN_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private KeyPrefix() {
    }

    /** Returns the key's first eight bytes, big-endian, zero-padded; see the class contract. */
    static long of(byte[] key) {
        return of(key, 0);
    }

    /**
     * Returns eight bytes of the key starting at {@code offset}, big-endian, zero-padded. For keys that
     * share their first {@code offset} bytes, the class contract holds for these words too: the shared
     * bytes decide nothing, so the first difference lies at or after {@code offset}.
     */
    static long of(byte[] key, int offset) {
        if (key.length - offset >= Long.BYTES) {
            return (long) BIG_ENDIAN_LONGS.get(key, offset);
        }
        long prefix = 0;
        for (int i = offset; i < key.length; i++) {
            prefix |= (key[i] & 0xFFL) << (Long.SIZE - Byte.SIZE * (i - offset + 1));
        }
        return prefix;
    }
}
