package io.amdb.jdbc;

import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;

/**
 * The rows behind a ResultSet, read forward once. Each row is an array of cells in the ResultSet's column
 * order. Single-threaded, like the ResultSet that owns it.
 */
interface RowSource {
    /** The next row, or null after the last. */
    Object[] next() throws SQLException;

    /** Drops whatever is buffered; later {@link #next()} calls are not made. */
    default void close() {}

    /** Fetch size hint for sources that page (0 = the source's default). */
    default void fetchSize(int rows) {}

    /** Rows already in memory. */
    static RowSource of(List<Object[]> rows) {
        Iterator<Object[]> it = rows.iterator();
        return () -> it.hasNext() ? it.next() : null;
    }
}
