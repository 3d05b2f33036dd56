package io.amdb.jdbc;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The parts of {@link Connection} about features AmDb does not have (transactions, savepoints, stored
 * procedures, LOBs, type maps, catalogs) and the overloads that add only result set options. Each
 * checks the connection is open (08003), then answers as the javadoc specifies for a driver without the
 * feature, or throws 0A000: never a silent no-op.
 */
abstract class ConnectionBase implements Connection {
    /** Throws 08003 when the connection is closed. */
    abstract void checkOpen() throws SQLException;

    @Override
    public Statement createStatement(int type, int concurrency) throws SQLException {
        return createStatement(type, concurrency, ResultSet.CLOSE_CURSORS_AT_COMMIT);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency) throws SQLException {
        return prepareStatement(sql, type, concurrency, ResultSet.CLOSE_CURSORS_AT_COMMIT);
    }

    /** Auto-commit is the only mode: true is accepted, false is 0A000. */
    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        checkOpen();
        if (!autoCommit) {
            throw SqlErrors.notSupported("setAutoCommit(false) (transactions)", "every statement applies on its own");
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return true;
    }

    /** Always 25000: the javadoc's SQLException for commit in auto-commit mode. */
    @Override
    public void commit() throws SQLException {
        checkOpen();
        throw SqlErrors.state(SqlErrors.INVALID_TRANSACTION_STATE, "commit() in auto-commit mode: nothing to commit");
    }

    /** Always 25000: the javadoc's SQLException for rollback in auto-commit mode. */
    @Override
    public void rollback() throws SQLException {
        checkOpen();
        throw SqlErrors.state(SqlErrors.INVALID_TRANSACTION_STATE, "rollback() in auto-commit mode: nothing to roll back");
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return Connection.TRANSACTION_NONE;
    }

    /** 0A000 for every level: AmDb has no transactions, and the javadoc excludes TRANSACTION_NONE here. */
    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        throw SqlErrors.notSupported("transaction isolation level " + level, "AmDb has no transactions");
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return ResultSet.CLOSE_CURSORS_AT_COMMIT;
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        checkHoldability(holdability);
    }

    void checkHoldability(int holdability) throws SQLException {
        if (holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
            throw SqlErrors.notSupported("holdability " + holdability, "results are CLOSE_CURSORS_AT_COMMIT");
        }
    }

    /** Null: AmDb has no catalogs. */
    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        return null;
    }

    /** Null: AmDb has no schemas. */
    @Override
    public String getSchema() throws SQLException {
        checkOpen();
        return null;
    }

    /** Null: no client info property is supported, so none is ever set. */
    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        return null;
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        return new Properties();
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        throw unsupported("stored procedures (prepareCall)");
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency) throws SQLException {
        throw unsupported("stored procedures (prepareCall)");
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency, int holdability) throws SQLException {
        throw unsupported("stored procedures (prepareCall)");
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        throw unsupported("nativeSQL");
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        throw unsupported("generated keys");
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        throw unsupported("generated keys");
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        throw unsupported("type maps");
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        throw unsupported("type maps");
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        throw unsupported("savepoints");
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        throw unsupported("savepoints");
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        throw unsupported("savepoints");
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        throw unsupported("savepoints");
    }

    @Override
    public Clob createClob() throws SQLException {
        throw unsupported("Clob");
    }

    @Override
    public Blob createBlob() throws SQLException {
        throw unsupported("Blob");
    }

    @Override
    public NClob createNClob() throws SQLException {
        throw unsupported("NClob");
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        throw unsupported("SQLXML");
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        throw unsupported("arrays");
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        throw unsupported("structs");
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        throw unsupported("abort");
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        throw unsupported("setNetworkTimeout (use the requestTimeoutMs property)");
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        throw unsupported("getNetworkTimeout (see the requestTimeoutMs property)");
    }

    /** 08003 when closed, else 0A000 for {@code what}. */
    private SQLException unsupported(String what) throws SQLException {
        checkOpen();
        return SqlErrors.notSupported(what);
    }
}
