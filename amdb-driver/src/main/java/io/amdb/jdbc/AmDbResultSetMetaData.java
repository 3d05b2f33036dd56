package io.amdb.jdbc;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * Describes a fixed list of {@link Column}s. Immutable, and independent of the result set it came from, so
 * it stays usable after that is closed. A column index out of range is 07009.
 */
final class AmDbResultSetMetaData implements ResultSetMetaData {
    private final List<Column> columns;

    AmDbResultSetMetaData(List<Column> columns) {
        this.columns = columns;
    }

    private Column column(int index) throws SQLException {
        if (index < 1 || index > columns.size()) {
            throw SqlErrors.state(SqlErrors.INVALID_INDEX, "column index " + index + " is out of range 1.."
                    + columns.size());
        }
        return columns.get(index - 1);
    }

    @Override
    public int getColumnCount() {
        return columns.size();
    }

    @Override
    public String getColumnLabel(int column) throws SQLException {
        return column(column).name();
    }

    @Override
    public String getColumnName(int column) throws SQLException {
        return column(column).name();
    }

    @Override
    public int getColumnType(int column) throws SQLException {
        return column(column).type();
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
        return column(column).typeName();
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
        return column(column).className();
    }

    @Override
    public int isNullable(int column) throws SQLException {
        return column(column).nullable();
    }

    @Override
    public int getPrecision(int column) throws SQLException {
        return column(column).precision();
    }

    @Override
    public int getScale(int column) throws SQLException {
        column(column);
        return 0;
    }

    /** The precision, or 40 characters for text of unknown length. */
    @Override
    public int getColumnDisplaySize(int column) throws SQLException {
        Column c = column(column);
        return c.precision() > 0 ? c.precision() : 40;
    }

    @Override
    public boolean isSigned(int column) throws SQLException {
        return column(column).isNumeric();
    }

    @Override
    public boolean isCaseSensitive(int column) throws SQLException {
        int type = column(column).type();
        return type == Types.VARBINARY || type == Types.VARCHAR;
    }

    /** Only k can appear in a WHERE clause. */
    @Override
    public boolean isSearchable(int column) throws SQLException {
        return column(column) == Column.K;
    }

    @Override
    public boolean isCurrency(int column) throws SQLException {
        column(column);
        return false;
    }

    @Override
    public boolean isAutoIncrement(int column) throws SQLException {
        column(column);
        return false;
    }

    @Override
    public boolean isReadOnly(int column) throws SQLException {
        column(column);
        return true;
    }

    @Override
    public boolean isWritable(int column) throws SQLException {
        column(column);
        return false;
    }

    @Override
    public boolean isDefinitelyWritable(int column) throws SQLException {
        column(column);
        return false;
    }

    @Override
    public String getTableName(int column) throws SQLException {
        return column(column).table();
    }

    /** "": AmDb has no schemas. */
    @Override
    public String getSchemaName(int column) throws SQLException {
        column(column);
        return "";
    }

    /** "": AmDb has no catalogs. */
    @Override
    public String getCatalogName(int column) throws SQLException {
        column(column);
        return "";
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
