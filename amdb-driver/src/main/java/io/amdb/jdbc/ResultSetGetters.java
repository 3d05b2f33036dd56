package io.amdb.jdbc;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * The getters of a ResultSet, over one primitive, {@link #cell(int)}: getters by index convert the cell (see
 * {@link Cells}: {@code getString} decodes bytes as UTF-8, {@code getObject} returns byte[] for VARBINARY);
 * getters by label find the column (ignoring case) and call the getter by index; getters for types AmDb
 * never returns (dates, LOBs, refs…) throw 0A000, and so does scrolling, which TYPE_FORWARD_ONLY results
 * refuse. The cursor itself is {@link AmDbResultSet}.
 */
abstract class ResultSetGetters extends ResultSetUpdates {
    private SQLException unsupported(String getter) throws SQLException {
        checkOpen();
        return SqlErrors.notSupported(getter, "columns are VARBINARY or text: use getString, getBytes or getObject");
    }

    private SQLException forwardOnly(String method) throws SQLException {
        checkOpen();
        return SqlErrors.notSupported(method, "results are TYPE_FORWARD_ONLY: read them with next()");
    }

    @Override
    public void beforeFirst() throws SQLException {
        throw forwardOnly("beforeFirst");
    }

    @Override
    public void afterLast() throws SQLException {
        throw forwardOnly("afterLast");
    }

    @Override
    public boolean first() throws SQLException {
        throw forwardOnly("first");
    }

    @Override
    public boolean last() throws SQLException {
        throw forwardOnly("last");
    }

    @Override
    public boolean absolute(int row) throws SQLException {
        throw forwardOnly("absolute");
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        throw forwardOnly("relative");
    }

    @Override
    public boolean previous() throws SQLException {
        throw forwardOnly("previous");
    }

    @Override
    public String getCursorName() throws SQLException {
        checkOpen();
        throw SqlErrors.notSupported("named cursors");
    }

    /** The current row's cell in column {@code column} (1-based), recording wasNull; 24000 / 07009 when none. */
    abstract Object cell(int column) throws SQLException;

    // Getters by index: conversions of the cell (see Cells).

    @Override
    public String getString(int c) throws SQLException {
        return Cells.string(cell(c));
    }

    @Override
    public String getNString(int c) throws SQLException {
        return getString(c);
    }

    @Override
    public byte[] getBytes(int c) throws SQLException {
        return Cells.bytes(cell(c));
    }

    @Override
    public Object getObject(int c) throws SQLException {
        Object v = cell(c);
        return v instanceof byte[] b ? b.clone() : v;
    }

    @Override
    public <T> T getObject(int c, Class<T> type) throws SQLException {
        return Cells.as(cell(c), type);
    }

    @Override
    public boolean getBoolean(int c) throws SQLException {
        return Cells.bool(cell(c));
    }

    @Override
    public byte getByte(int c) throws SQLException {
        return (byte) Cells.integer(cell(c), Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
    }

    @Override
    public short getShort(int c) throws SQLException {
        return (short) Cells.integer(cell(c), Short.MIN_VALUE, Short.MAX_VALUE, "short");
    }

    @Override
    public int getInt(int c) throws SQLException {
        return (int) Cells.integer(cell(c), Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
    }

    @Override
    public long getLong(int c) throws SQLException {
        return Cells.integer(cell(c), Long.MIN_VALUE, Long.MAX_VALUE, "long");
    }

    @Override
    public float getFloat(int c) throws SQLException {
        return (float) Cells.floating(cell(c), "float");
    }

    @Override
    public double getDouble(int c) throws SQLException {
        return Cells.floating(cell(c), "double");
    }

    @Override
    public BigDecimal getBigDecimal(int c) throws SQLException {
        return Cells.decimal(cell(c), "BigDecimal");
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int c, int scale) throws SQLException {
        BigDecimal d = getBigDecimal(c);
        return d == null ? null : d.setScale(scale, RoundingMode.HALF_UP);
    }

    @Override
    public InputStream getBinaryStream(int c) throws SQLException {
        byte[] b = getBytes(c);
        return b == null ? null : new ByteArrayInputStream(b);
    }

    @Override
    public Reader getCharacterStream(int c) throws SQLException {
        String s = getString(c);
        return s == null ? null : new StringReader(s);
    }

    @Override
    public Reader getNCharacterStream(int c) throws SQLException {
        return getCharacterStream(c);
    }

    // Getters by label.

    @Override
    public String getString(String label) throws SQLException { return getString(findColumn(label)); }
    @Override
    public boolean getBoolean(String label) throws SQLException { return getBoolean(findColumn(label)); }
    @Override
    public byte getByte(String label) throws SQLException { return getByte(findColumn(label)); }
    @Override
    public short getShort(String label) throws SQLException { return getShort(findColumn(label)); }
    @Override
    public int getInt(String label) throws SQLException { return getInt(findColumn(label)); }
    @Override
    public long getLong(String label) throws SQLException { return getLong(findColumn(label)); }
    @Override
    public float getFloat(String label) throws SQLException { return getFloat(findColumn(label)); }
    @Override
    public double getDouble(String label) throws SQLException { return getDouble(findColumn(label)); }
    @Override
    public BigDecimal getBigDecimal(String label) throws SQLException { return getBigDecimal(findColumn(label)); }
    @Override
    @Deprecated
    public BigDecimal getBigDecimal(String label, int scale) throws SQLException { return getBigDecimal(findColumn(label), scale); }
    @Override
    public byte[] getBytes(String label) throws SQLException { return getBytes(findColumn(label)); }
    @Override
    public Object getObject(String label) throws SQLException { return getObject(findColumn(label)); }
    @Override
    public <T> T getObject(String label, Class<T> type) throws SQLException { return getObject(findColumn(label), type); }
    @Override
    public InputStream getBinaryStream(String label) throws SQLException { return getBinaryStream(findColumn(label)); }
    @Override
    public Reader getCharacterStream(String label) throws SQLException { return getCharacterStream(findColumn(label)); }
    @Override
    public String getNString(String label) throws SQLException { return getNString(findColumn(label)); }
    @Override
    public Reader getNCharacterStream(String label) throws SQLException { return getNCharacterStream(findColumn(label)); }

    // Types that are not byte strings, text or numbers: refused.

    @Override
    public Date getDate(int c) throws SQLException { throw unsupported("getDate"); }
    @Override
    public Date getDate(String c) throws SQLException { throw unsupported("getDate"); }
    @Override
    public Date getDate(int c, Calendar cal) throws SQLException { throw unsupported("getDate"); }
    @Override
    public Date getDate(String c, Calendar cal) throws SQLException { throw unsupported("getDate"); }
    @Override
    public Time getTime(int c) throws SQLException { throw unsupported("getTime"); }
    @Override
    public Time getTime(String c) throws SQLException { throw unsupported("getTime"); }
    @Override
    public Time getTime(int c, Calendar cal) throws SQLException { throw unsupported("getTime"); }
    @Override
    public Time getTime(String c, Calendar cal) throws SQLException { throw unsupported("getTime"); }
    @Override
    public Timestamp getTimestamp(int c) throws SQLException { throw unsupported("getTimestamp"); }
    @Override
    public Timestamp getTimestamp(String c) throws SQLException { throw unsupported("getTimestamp"); }
    @Override
    public Timestamp getTimestamp(int c, Calendar cal) throws SQLException { throw unsupported("getTimestamp"); }
    @Override
    public Timestamp getTimestamp(String c, Calendar cal) throws SQLException { throw unsupported("getTimestamp"); }
    @Override
    public InputStream getAsciiStream(int c) throws SQLException { throw unsupported("getAsciiStream"); }
    @Override
    public InputStream getAsciiStream(String c) throws SQLException { throw unsupported("getAsciiStream"); }
    @Override
    @Deprecated
    public InputStream getUnicodeStream(int c) throws SQLException { throw unsupported("getUnicodeStream"); }
    @Override
    @Deprecated
    public InputStream getUnicodeStream(String c) throws SQLException { throw unsupported("getUnicodeStream"); }
    @Override
    public Object getObject(int c, Map<String, Class<?>> map) throws SQLException { throw unsupported("getObject"); }
    @Override
    public Object getObject(String c, Map<String, Class<?>> map) throws SQLException { throw unsupported("getObject"); }
    @Override
    public Ref getRef(int c) throws SQLException { throw unsupported("getRef"); }
    @Override
    public Ref getRef(String c) throws SQLException { throw unsupported("getRef"); }
    @Override
    public Blob getBlob(int c) throws SQLException { throw unsupported("getBlob"); }
    @Override
    public Blob getBlob(String c) throws SQLException { throw unsupported("getBlob"); }
    @Override
    public Clob getClob(int c) throws SQLException { throw unsupported("getClob"); }
    @Override
    public Clob getClob(String c) throws SQLException { throw unsupported("getClob"); }
    @Override
    public Array getArray(int c) throws SQLException { throw unsupported("getArray"); }
    @Override
    public Array getArray(String c) throws SQLException { throw unsupported("getArray"); }
    @Override
    public URL getURL(int c) throws SQLException { throw unsupported("getURL"); }
    @Override
    public URL getURL(String c) throws SQLException { throw unsupported("getURL"); }
    @Override
    public RowId getRowId(int c) throws SQLException { throw unsupported("getRowId"); }
    @Override
    public RowId getRowId(String c) throws SQLException { throw unsupported("getRowId"); }
    @Override
    public NClob getNClob(int c) throws SQLException { throw unsupported("getNClob"); }
    @Override
    public NClob getNClob(String c) throws SQLException { throw unsupported("getNClob"); }
    @Override
    public SQLXML getSQLXML(int c) throws SQLException { throw unsupported("getSQLXML"); }
    @Override
    public SQLXML getSQLXML(String c) throws SQLException { throw unsupported("getSQLXML"); }
}
