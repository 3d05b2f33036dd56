package io.amdb.jdbc;

import java.sql.SQLException;

/**
 * {@code unwrap} / {@code isWrapperFor} for the driver's objects: each wraps nothing but itself (and a
 * connection its native client), so an object unwraps to any interface it implements.
 */
final class Wrappers {
    private Wrappers() {}

    static boolean isWrapperFor(Object self, Class<?> iface) {
        return iface != null && iface.isInstance(self);
    }

    /** {@code self} as {@code iface}; 42809 when it is not one. */
    static <T> T unwrap(Object self, Class<T> iface) throws SQLException {
        if (isWrapperFor(self, iface)) {
            return iface.cast(self);
        }
        throw SqlErrors.state(SqlErrors.WRONG_OBJECT_TYPE, self.getClass().getSimpleName() + " does not wrap "
                + (iface == null ? "null" : iface.getName()));
    }
}
