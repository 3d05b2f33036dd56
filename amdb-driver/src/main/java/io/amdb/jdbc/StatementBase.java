package io.amdb.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * What {@link AmDbStatement} and {@link AmDbPreparedStatement} share: running a parsed command and holding
 * its result, the batch, and the statement options.
 *
 * <p>Every method checks that the statement is open (55000 once it or its connection is closed).
 * Options: {@code maxRows} caps every query's rows; {@code fetchSize} is the SCAN page size (0 = the
 * connection's fetchSize); the query timeout bounds each wait for the node (see {@link Waits});
 * {@link #cancel()} ends the current wait from another thread. Not thread-safe, except {@code cancel}.
 */
abstract class StatementBase extends StatementOptions implements Statement {
    final AmDbConnection connection;
    private final Batch batch = new Batch();
    private volatile boolean closed;
    private AmDbResultSet resultSet;
    private long updateCount = -1;

    StatementBase(AmDbConnection connection) {
        super(connection.settings().fetchSize());
        this.connection = connection;
    }

    @Override
    final void checkOpen() throws SQLException {
        if (closed || connection.isClosed()) {
            throw SqlErrors.closed(closed ? "statement" : "statement (its connection is closed)");
        }
    }

    /** Runs {@code sql}, replacing the current result; returns true when the result is a ResultSet. */
    final boolean run(ParsedSql sql, byte[][] params) throws SQLException {
        checkOpen();
        closeResult();
        if (Command.writes(sql.command())) {
            connection.checkWritable();
        }
        waits.reset();
        CommandRunner.Outcome outcome = new CommandRunner(connection.client(), waits, sql, params)
                .run(getLargeMaxRows(), getFetchSize());
        if (outcome instanceof CommandRunner.Rows rows) {
            resultSet = new AmDbResultSet(this, rows.columns(), rows.rows(), getFetchSize());
            return true;
        }
        updateCount = ((CommandRunner.Count) outcome).count();
        return false;
    }

    /** executeQuery: 07005 for a statement that is not a query, checked before anything is sent. */
    final ResultSet runQuery(ParsedSql sql, byte[][] params) throws SQLException {
        checkOpen();
        if (!Command.isQuery(sql.command())) {
            throw SqlErrors.state(SqlErrors.NOT_A_QUERY, "executeQuery needs SELECT, GET, SCAN, INFO or PING; "
                    + "use executeUpdate or execute");
        }
        run(sql, params);
        return resultSet;
    }

    /** executeUpdate: 07003 for a query, checked before anything is sent. */
    final long runUpdate(ParsedSql sql, byte[][] params) throws SQLException {
        checkOpen();
        if (Command.isQuery(sql.command())) {
            throw SqlErrors.state(SqlErrors.NOT_AN_UPDATE, "executeUpdate cannot run a query; use executeQuery");
        }
        run(sql, params);
        return updateCount;
    }

    final void addToBatch(Batch.Entry entry) throws SQLException {
        checkOpen();
        batch.add(entry);
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch.clear();
    }

    /** See {@link Batch} for the policy (continue past failures) and the counts. */
    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        closeResult();
        try {
            connection.checkWritable();
        } catch (SQLException e) {
            batch.clear();
            throw e;
        }
        waits.reset();
        return batch.execute(connection.client(), waits);
    }

    @Override
    public int[] executeBatch() throws SQLException {
        long[] counts = executeLargeBatch();
        int[] result = new int[counts.length];
        for (int i = 0; i < counts.length; i++) {
            result[i] = (int) Math.min(Integer.MAX_VALUE, counts[i]);
        }
        return result;
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        checkOpen();
        return resultSet;
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        checkOpen();
        return updateCount;
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return (int) Math.min(Integer.MAX_VALUE, getLargeUpdateCount());
    }

    /** There is only ever one result: closes it and returns false. */
    @Override
    public boolean getMoreResults() throws SQLException {
        return getMoreResults(Statement.CLOSE_CURRENT_RESULT);
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        checkOpen();
        if (current != Statement.CLOSE_CURRENT_RESULT) {
            throw SqlErrors.notSupported("keeping results open across getMoreResults", "use CLOSE_CURRENT_RESULT");
        }
        closeResult();
        return false;
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return connection;
    }

    @Override
    public void cancel() throws SQLException {
        checkOpen();
        waits.cancel();
    }

    /** Closes the current ResultSet, if any. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeResult();
        }
    }

    @Override
    public boolean isClosed() {
        return closed || connection.isClosed();
    }

    /** Called by a ResultSet of this statement when it closes. */
    final void resultSetClosed(AmDbResultSet rs) {
        if (rs == resultSet) {
            resultSet = null;
        }
        if (isCloseOnCompletionSet()) {
            close();
        }
    }

    private void closeResult() {
        AmDbResultSet rs = resultSet;
        resultSet = null;
        updateCount = -1;
        if (rs != null) {
            rs.closeQuietly();
        }
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return null; // the driver raises no warnings on statements
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
