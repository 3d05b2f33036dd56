package io.amdb.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;

/**
 * A {@link java.sql.PreparedStatement}: the SQL is parsed once, at prepare time (so a syntax error is thrown by
 * {@code prepareStatement}); each execution binds the current parameters.
 *
 * <p>Parameters are byte strings: {@code setString} (UTF-8), {@code setBytes} (copied), and {@code setObject}
 * with a String or byte[]. Every parameter is a key, value, bound or pattern, none of which may be null:
 * {@code setNull} and null values fail at once with 22004. An index out of range is 07009; executing with a
 * parameter never set is 07002. {@code addBatch} binds the current values into the batch, so the same
 * parameters can be set again for the next row.
 */
final class AmDbPreparedStatement extends PreparedStatementBase {
    private final ParsedSql sql;
    private final byte[][] params;

    AmDbPreparedStatement(AmDbConnection connection, ParsedSql sql) {
        super(connection);
        this.sql = sql;
        this.params = new byte[sql.parameterCount()][];
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return runQuery(sql, params);
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return runUpdate(sql, params);
    }

    @Override
    public int executeUpdate() throws SQLException {
        return (int) Math.min(Integer.MAX_VALUE, executeLargeUpdate());
    }

    @Override
    public boolean execute() throws SQLException {
        return run(sql, params);
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        addToBatch(new CommandRunner(connection.client(), waits, sql, params).batchEntry());
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        Arrays.fill(params, null);
    }

    /** The columns a query will return; null for a statement that returns no ResultSet, as the javadoc allows. */
    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        return Command.isQuery(sql.command()) ? new AmDbResultSetMetaData(Command.columns(sql.command())) : null;
    }

    @Override
    public void setString(int i, String x) throws SQLException {
        set(i, x == null ? null : x.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void setNString(int i, String x) throws SQLException {
        setString(i, x);
    }

    @Override
    public void setBytes(int i, byte[] x) throws SQLException {
        set(i, x == null ? null : x.clone());
    }

    @Override
    public void setNull(int i, int sqlType) throws SQLException {
        set(i, null);
    }

    @Override
    public void setNull(int i, int sqlType, String typeName) throws SQLException {
        set(i, null);
    }

    /** A String (UTF-8) or byte[]; anything else is 0A000. */
    @Override
    public void setObject(int i, Object x) throws SQLException {
        if (x == null || x instanceof String) {
            setString(i, (String) x);
        } else if (x instanceof byte[] b) {
            setBytes(i, b);
        } else {
            throw bytesOnly("setObject with a " + x.getClass().getName());
        }
    }

    /** As {@link #setObject(int, Object)}, for a character or binary target type. */
    @Override
    public void setObject(int i, Object x, int targetSqlType) throws SQLException {
        switch (targetSqlType) {
            case Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.NVARCHAR, Types.NCHAR, Types.LONGNVARCHAR,
                    Types.VARBINARY, Types.BINARY, Types.LONGVARBINARY -> setObject(i, x);
            default -> throw bytesOnly("setObject with target type " + targetSqlType);
        }
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        setObject(i, x, targetSqlType);
    }

    private void set(int i, byte[] value) throws SQLException {
        checkOpen();
        if (i < 1 || i > params.length) {
            throw SqlErrors.state(SqlErrors.INVALID_INDEX, "parameter index " + i + " is out of range: the statement has "
                    + params.length + " parameter" + (params.length == 1 ? "" : "s"));
        }
        if (value == null) {
            throw SqlErrors.nullNotAllowed("parameter " + i + " (" + sql.parameters().get(i - 1) + ")");
        }
        params[i - 1] = value;
    }
}
