package io.amdb.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The option getters and setters of {@link Statement}, and the ones AmDb cannot honour (0A000): a
 * statement's settings, kept apart from running statements in {@link StatementBase}. Every method checks
 * the statement is open first.
 */
abstract class StatementOptions implements Statement {
    final Waits waits = new Waits();
    private final int defaultFetchSize;
    private long maxRows;
    private int fetchSize;
    private boolean poolable;
    private boolean closeOnCompletion;

    StatementOptions(int defaultFetchSize) {
        this.defaultFetchSize = defaultFetchSize;
    }

    /** Throws 55000 when the statement (or its connection) is closed. */
    abstract void checkOpen() throws SQLException;

    @Override
    public long getLargeMaxRows() throws SQLException {
        checkOpen();
        return maxRows;
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        checkOpen();
        if (max < 0) {
            throw SqlErrors.data(SqlErrors.INVALID_PARAMETER, "maxRows must be >= 0: " + max);
        }
        maxRows = max;
    }

    @Override
    public int getMaxRows() throws SQLException {
        return (int) Math.min(Integer.MAX_VALUE, getLargeMaxRows());
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        setLargeMaxRows(max);
    }

    /** The SCAN page size: what setFetchSize set, or the connection's fetchSize property. */
    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize > 0 ? fetchSize : defaultFetchSize;
    }

    /** 0 restores the connection's fetchSize. */
    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (rows < 0) {
            throw SqlErrors.data(SqlErrors.INVALID_PARAMETER, "fetch size must be >= 0: " + rows);
        }
        fetchSize = rows;
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        checkOpen();
        return waits.timeoutSeconds();
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        checkOpen();
        if (seconds < 0) {
            throw SqlErrors.data(SqlErrors.INVALID_PARAMETER, "query timeout must be >= 0: " + seconds);
        }
        waits.timeoutSeconds(seconds);
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return ResultSet.FETCH_FORWARD;
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != ResultSet.FETCH_FORWARD) {
            throw SqlErrors.notSupported("fetch direction " + direction, "results are read forward only");
        }
    }

    /** 0: no limit on column sizes beyond the node's. */
    @Override
    public int getMaxFieldSize() throws SQLException {
        checkOpen();
        return 0;
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        checkOpen();
        if (max != 0) {
            throw SqlErrors.notSupported("setMaxFieldSize(" + max + ")", "values are returned whole");
        }
    }

    /** false is accepted (nothing is escaped); true is 0A000, as JDBC escape syntax is not supported. */
    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        checkOpen();
        if (enable) {
            throw SqlErrors.notSupported("JDBC escape syntax ({fn …}, {d …})");
        }
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        checkOpen();
        throw SqlErrors.notSupported("named cursors");
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        checkOpen();
        throw SqlErrors.notSupported("generated keys");
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        checkOpen();
        return ResultSet.CONCUR_READ_ONLY;
    }

    @Override
    public int getResultSetType() throws SQLException {
        checkOpen();
        return ResultSet.TYPE_FORWARD_ONLY;
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        checkOpen();
        return ResultSet.CLOSE_CURSORS_AT_COMMIT;
    }

    /** A hint for statement pools, kept and returned; the driver itself does not pool. */
    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        checkOpen();
        this.poolable = poolable;
    }

    @Override
    public boolean isPoolable() throws SQLException {
        checkOpen();
        return poolable;
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        checkOpen();
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        checkOpen();
        return closeOnCompletion;
    }

    final boolean isCloseOnCompletionSet() {
        return closeOnCompletion;
    }
}
