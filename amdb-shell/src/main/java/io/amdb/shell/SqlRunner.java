package io.amdb.shell;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * Runs an SQL statement (INSERT, SELECT, UPDATE, DELETE; docs/SQL.md) on the session's JDBC connection. A query's
 * rows stream from the ResultSet as the printer reads them (the driver pages range scans), cells read with
 * {@code getBytes} so binary values survive; an update prints its count as {@code INSERT n}, {@code UPDATE n} or {@code DELETE n}.
 */
final class SqlRunner {
    private SqlRunner() {}

    static void run(Shell shell, String sql) throws ShellError {
        Statement statement = shell.session().statement();
        try {
            if (statement.execute(sql)) {
                ResultSet rs = statement.getResultSet();
                shell.emit(new Result.Rows(null, columns(rs.getMetaData()), rows(rs)));
            } else {
                String verb = sql.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
                shell.emit(new Result.Count(statement.getLargeUpdateCount(), verb));
            }
        } catch (SQLException e) {
            throw Errors.from(e);
        }
    }

    private static List<String> columns(ResultSetMetaData meta) throws SQLException {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            names.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /** The rows of {@code rs}; a failure while fetching surfaces as {@link Errors.Unchecked}. */
    private static Iterator<byte[][]> rows(ResultSet rs) throws SQLException {
        int columns = rs.getMetaData().getColumnCount();
        return new Iterator<>() {
            private Boolean ready;

            @Override
            public boolean hasNext() {
                if (ready == null) {
                    try {
                        ready = rs.next();
                    } catch (SQLException e) {
                        throw new Errors.Unchecked(Errors.from(e));
                    }
                }
                return ready;
            }

            @Override
            public byte[][] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ready = null;
                byte[][] row = new byte[columns][];
                try {
                    for (int i = 0; i < columns; i++) {
                        row[i] = rs.getBytes(i + 1);
                    }
                } catch (SQLException e) {
                    throw new Errors.Unchecked(Errors.from(e));
                }
                return row;
            }
        };
    }
}
