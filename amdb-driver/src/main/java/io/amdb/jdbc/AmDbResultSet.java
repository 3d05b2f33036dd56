package io.amdb.jdbc;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A forward-only, read-only ResultSet over a {@link RowSource}: kv rows (K, V as VARBINARY), INFO and PING
 * rows, or DatabaseMetaData rows.
 *
 * <p>Reading: {@code getBytes} returns the stored bytes (a copy); {@code getString} decodes them as UTF-8;
 * {@code getObject} returns byte[] for VARBINARY columns, else the column's class; numeric getters parse
 * text (22018 when it is not a number). Reading before {@code next()} or after the last row is 24000; a
 * column index out of range is 07009; an unknown label 42S22 (labels match ignoring case). Every method
 * checks the result set is open (55000 once it, its statement or its connection is closed).
 *
 * <p>Range results are paged (see {@link ScanRows}): {@code setFetchSize} changes the size of later pages.
 * {@code isBeforeFirst} and {@code isLast} look one row ahead, which may wait for the next page.
 * Not thread-safe.
 */
final class AmDbResultSet extends ResultSetGetters {
    private final StatementBase statement;
    private final List<Column> columns;
    private final Map<String, Integer> labels = new HashMap<>();
    private final RowSource rows;
    private Object[] row;
    private Object[] peeked;
    private long rowNumber;
    private boolean afterLast;
    private boolean wasNull;
    private int fetchSize;
    private boolean closed;

    /** @param statement the statement that produced it, or null for DatabaseMetaData results */
    AmDbResultSet(StatementBase statement, List<Column> columns, RowSource rows, int fetchSize) {
        this.statement = statement;
        this.columns = columns;
        this.rows = rows;
        this.fetchSize = fetchSize;
        for (int i = columns.size() - 1; i >= 0; i--) {
            labels.put(columns.get(i).name().toUpperCase(Locale.ROOT), i + 1); // the first column wins a tie
        }
    }

    /** Rows in memory, with no statement: DatabaseMetaData results. */
    static AmDbResultSet of(List<Column> columns, List<Object[]> rows) {
        return new AmDbResultSet(null, columns, RowSource.of(rows), 0);
    }

    @Override
    void checkOpen() throws SQLException {
        if (isClosed()) {
            throw SqlErrors.closed("result set");
        }
    }

    @Override
    public boolean next() throws SQLException {
        checkOpen();
        if (afterLast) {
            return false;
        }
        row = peeked != null ? peeked : rows.next();
        peeked = null;
        if (row == null) {
            afterLast = true;
            rows.close();
            return false;
        }
        rowNumber++;
        return true;
    }

    /** Closes the rows and tells the statement (for closeOnCompletion). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closeQuietly();
            if (statement != null) {
                statement.resultSetClosed(this);
            }
        }
    }

    /** Closes without telling the statement: the statement itself is replacing or closing this result. */
    void closeQuietly() {
        closed = true;
        row = null;
        peeked = null;
        rows.close();
    }

    @Override
    public boolean isClosed() {
        return closed || (statement != null && statement.isClosed());
    }

    /** The current row's cell; records wasNull. */
    @Override
    Object cell(int column) throws SQLException {
        checkOpen();
        if (row == null) {
            throw SqlErrors.state(SqlErrors.INVALID_CURSOR_STATE, afterLast
                    ? "the cursor is after the last row" : "no current row: call next() first");
        }
        if (column < 1 || column > columns.size()) {
            throw SqlErrors.state(SqlErrors.INVALID_INDEX, "column index " + column + " is out of range 1.."
                    + columns.size());
        }
        Object value = row[column - 1];
        wasNull = value == null;
        return value;
    }

    @Override
    public boolean wasNull() throws SQLException {
        checkOpen();
        return wasNull;
    }

    @Override
    public int findColumn(String label) throws SQLException {
        checkOpen();
        Integer index = label == null ? null : labels.get(label.toUpperCase(Locale.ROOT));
        if (index == null) {
            throw SqlErrors.noSuchColumn(label, columns.stream().map(Column::name).collect(Collectors.joining(", ")));
        }
        return index;
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        return new AmDbResultSetMetaData(columns);
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        checkOpen();
        if (rowNumber > 0 || afterLast) {
            return false;
        }
        if (peeked == null) {
            peeked = rows.next();
        }
        return peeked != null; // false for an empty result, as the javadoc asks
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        checkOpen();
        return afterLast && rowNumber > 0;
    }

    @Override
    public boolean isFirst() throws SQLException {
        checkOpen();
        return rowNumber == 1 && !afterLast;
    }

    @Override
    public boolean isLast() throws SQLException {
        checkOpen();
        if (row == null) {
            return false;
        }
        if (peeked == null) {
            peeked = rows.next();
        }
        return peeked == null;
    }

    @Override
    public int getRow() throws SQLException {
        checkOpen();
        return afterLast ? 0 : (int) Math.min(Integer.MAX_VALUE, rowNumber);
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != ResultSet.FETCH_FORWARD) {
            throw SqlErrors.notSupported("fetch direction " + direction, "results are read forward only");
        }
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return ResultSet.FETCH_FORWARD;
    }

    /** The page size of later SCAN pages; 0 restores the statement's. */
    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (rows < 0) {
            throw SqlErrors.data(SqlErrors.INVALID_PARAMETER, "fetch size must be >= 0: " + rows);
        }
        fetchSize = rows;
        this.rows.fetchSize(rows);
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public int getType() throws SQLException {
        checkOpen();
        return ResultSet.TYPE_FORWARD_ONLY;
    }

    @Override
    public int getConcurrency() throws SQLException {
        checkOpen();
        return ResultSet.CONCUR_READ_ONLY;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return ResultSet.CLOSE_CURSORS_AT_COMMIT;
    }

    /** The producing statement; null for DatabaseMetaData results, as the javadoc specifies. */
    @Override
    public Statement getStatement() throws SQLException {
        checkOpen();
        return statement;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return null; // the driver raises no warnings on results
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return Wrappers.isWrapperFor(this, iface);
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return Wrappers.unwrap(this, iface);
    }
}
