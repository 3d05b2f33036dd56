package io.amdb.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * AmDb as {@link DatabaseMetaData} describes a database: one table {@code KV} (type TABLE) with columns
 * {@code K} and {@code V} (VARBINARY, NOT NULL, primary key K), no catalogs, schemas, procedures or
 * functions. Capabilities and limits are in {@link MetaDataFeatures}.
 *
 * <p>Name patterns are LIKE patterns ({@code %}, {@code _}, escape {@code \}) matched ignoring case; a
 * catalog or schema of null matches, "" matches "none" (so kv, which has neither), anything else matches
 * nothing. Methods returning a ResultSet check the connection is open (08003); results about features AmDb
 * lacks are empty but have every column the javadoc lists. Identity answers (names, versions, keywords)
 * never throw.
 */
final class AmDbDatabaseMetaData extends MetaDataFeatures {
    static final String TABLE = "KV";

    private final AmDbConnection connection;

    AmDbDatabaseMetaData(AmDbConnection connection) {
        this.connection = connection;
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public String getURL() {
        return connection.settings().url();
    }

    /** The user name given when connecting ("" if none); AmDb does not check it. */
    @Override
    public String getUserName() {
        String user = connection.settings().user();
        return user == null ? "" : user;
    }

    @Override
    public boolean isReadOnly() {
        return connection.readOnlyFlag();
    }

    @Override
    public String getDatabaseProductName() {
        return "AmDb";
    }

    /** The node's version, as its INFO answered when the connection was opened. */
    @Override
    public String getDatabaseProductVersion() {
        return connection.nodeInfo().getOrDefault("version", "unknown");
    }

    @Override
    public int getDatabaseMajorVersion() {
        return DriverVersion.part(getDatabaseProductVersion(), 0);
    }

    @Override
    public int getDatabaseMinorVersion() {
        return DriverVersion.part(getDatabaseProductVersion(), 1);
    }

    @Override
    public String getDriverName() {
        return "AmDb JDBC driver";
    }

    @Override
    public String getDriverVersion() {
        return DriverVersion.VERSION;
    }

    @Override
    public int getDriverMajorVersion() {
        return DriverVersion.MAJOR;
    }

    @Override
    public int getDriverMinorVersion() {
        return DriverVersion.MINOR;
    }

    @Override
    public String getIdentifierQuoteString() {
        return "\"";
    }

    /** Words of AmDb's dialect that are not SQL:2003 keywords. */
    @Override
    public String getSQLKeywords() {
        return "DEL,INFO,LIMIT,PING,PUT,SCAN";
    }

    @Override
    public String getNumericFunctions() {
        return "";
    }

    @Override
    public String getStringFunctions() {
        return "";
    }

    @Override
    public String getSystemFunctions() {
        return "";
    }

    @Override
    public String getTimeDateFunctions() {
        return "";
    }

    @Override
    public String getSearchStringEscape() {
        return "\\";
    }

    @Override
    public String getExtraNameCharacters() {
        return "";
    }

    @Override
    public String getSchemaTerm() {
        return "schema";
    }

    @Override
    public String getProcedureTerm() {
        return "procedure";
    }

    @Override
    public String getCatalogTerm() {
        return "catalog";
    }

    @Override
    public String getCatalogSeparator() {
        return ".";
    }

    @Override
    public ResultSet getTables(String catalog, String schemaPattern, String tablePattern, String[] types)
            throws SQLException {
        boolean typeMatches = types == null || List.of(types).stream().anyMatch("TABLE"::equalsIgnoreCase);
        List<Object[]> rows = new ArrayList<>();
        if (isKv(catalog, schemaPattern, tablePattern) && typeMatches) {
            rows.add(new Object[] {null, null, TABLE, "TABLE", "the key-value store: k VARBINARY primary key, "
                    + "v VARBINARY", null, null, null, null, null});
        }
        return result(MetaTables.TABLES, rows);
    }

    @Override
    public ResultSet getColumns(String catalog, String schemaPattern, String tablePattern, String columnPattern)
            throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        if (isKv(catalog, schemaPattern, tablePattern)) {
            int position = 0;
            for (Column c : List.of(Column.K, Column.V)) {
                position++;
                if (like(columnPattern, c.name())) {
                    rows.add(new Object[] {null, null, TABLE, c.name(), Types.VARBINARY, "VARBINARY", c.precision(),
                            null, null, null, DatabaseMetaData.columnNoNulls, c == Column.K ? "the key" : "the value",
                            null, null, null, c.precision(), position, "NO", null, null, null, null, "NO", "NO"});
                }
            }
        }
        return result(MetaTables.COLUMNS, rows);
    }

    /** K is the primary key of KV; {@code table} is a name here, not a pattern. */
    @Override
    public ResultSet getPrimaryKeys(String catalog, String schema, String table) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        if (matchesNone(catalog) && matchesNone(schema) && TABLE.equalsIgnoreCase(table)) {
            rows.add(new Object[] {null, null, TABLE, "K", (short) 1, "KV_PK"});
        }
        return result(MetaTables.PRIMARY_KEYS, rows);
    }

    @Override
    public ResultSet getTableTypes() throws SQLException {
        return result(MetaTables.TABLE_TYPES, List.<Object[]>of(new Object[] {"TABLE"}));
    }

    @Override
    public ResultSet getTypeInfo() throws SQLException {
        Object[] varbinary = {"VARBINARY", Types.VARBINARY, Column.V.precision(), "X'", "'", null,
                (short) DatabaseMetaData.typeNoNulls, true, (short) DatabaseMetaData.typeSearchable, false, false, false,
                null, (short) 0, (short) 0, null, null, null};
        return result(MetaTables.TYPE_INFO, List.<Object[]>of(varbinary));
    }

    @Override
    public ResultSet getCatalogs() throws SQLException {
        return empty(MetaTables.CATALOGS);
    }

    @Override
    public ResultSet getSchemas() throws SQLException {
        return empty(MetaTables.SCHEMAS);
    }

    @Override
    public ResultSet getSchemas(String catalog, String schemaPattern) throws SQLException {
        return empty(MetaTables.SCHEMAS);
    }

    @Override
    public ResultSet getIndexInfo(String catalog, String schema, String table, boolean unique, boolean approximate)
            throws SQLException {
        return empty(MetaTables.INDEX_INFO);
    }

    @Override
    public ResultSet getProcedures(String catalog, String schemaPattern, String procedurePattern) throws SQLException {
        return empty(MetaTables.PROCEDURES);
    }

    @Override
    public ResultSet getProcedureColumns(String catalog, String schemaPattern, String procedurePattern,
                                         String columnPattern) throws SQLException {
        return empty(MetaTables.PROCEDURE_COLUMNS);
    }

    @Override
    public ResultSet getFunctions(String catalog, String schemaPattern, String functionPattern) throws SQLException {
        return empty(MetaTables.FUNCTIONS);
    }

    @Override
    public ResultSet getFunctionColumns(String catalog, String schemaPattern, String functionPattern,
                                        String columnPattern) throws SQLException {
        return empty(MetaTables.FUNCTION_COLUMNS);
    }

    @Override
    public ResultSet getColumnPrivileges(String catalog, String schema, String table, String columnPattern)
            throws SQLException {
        return empty(MetaTables.COLUMN_PRIVILEGES);
    }

    @Override
    public ResultSet getTablePrivileges(String catalog, String schemaPattern, String tablePattern) throws SQLException {
        return empty(MetaTables.TABLE_PRIVILEGES);
    }

    @Override
    public ResultSet getBestRowIdentifier(String catalog, String schema, String table, int scope, boolean nullable)
            throws SQLException {
        return empty(MetaTables.ROW_IDENTIFIERS);
    }

    @Override
    public ResultSet getVersionColumns(String catalog, String schema, String table) throws SQLException {
        return empty(MetaTables.ROW_IDENTIFIERS);
    }

    @Override
    public ResultSet getImportedKeys(String catalog, String schema, String table) throws SQLException {
        return empty(MetaTables.KEYS);
    }

    @Override
    public ResultSet getExportedKeys(String catalog, String schema, String table) throws SQLException {
        return empty(MetaTables.KEYS);
    }

    @Override
    public ResultSet getCrossReference(String parentCatalog, String parentSchema, String parentTable,
                                       String foreignCatalog, String foreignSchema, String foreignTable)
            throws SQLException {
        return empty(MetaTables.KEYS);
    }

    @Override
    public ResultSet getUDTs(String catalog, String schemaPattern, String typePattern, int[] types) throws SQLException {
        return empty(MetaTables.UDTS);
    }

    @Override
    public ResultSet getSuperTypes(String catalog, String schemaPattern, String typePattern) throws SQLException {
        return empty(MetaTables.SUPER_TYPES);
    }

    @Override
    public ResultSet getSuperTables(String catalog, String schemaPattern, String tablePattern) throws SQLException {
        return empty(MetaTables.SUPER_TABLES);
    }

    @Override
    public ResultSet getAttributes(String catalog, String schemaPattern, String typePattern, String attributePattern)
            throws SQLException {
        return empty(MetaTables.ATTRIBUTES);
    }

    @Override
    public ResultSet getClientInfoProperties() throws SQLException {
        return empty(MetaTables.CLIENT_INFO);
    }

    @Override
    public ResultSet getPseudoColumns(String catalog, String schemaPattern, String tablePattern, String columnPattern)
            throws SQLException {
        return empty(MetaTables.PSEUDO_COLUMNS);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return Wrappers.isWrapperFor(this, iface);
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return Wrappers.unwrap(this, iface);
    }

    private ResultSet result(List<Column> columns, List<Object[]> rows) throws SQLException {
        connection.checkOpen();
        return AmDbResultSet.of(columns, rows);
    }

    private ResultSet empty(List<Column> columns) throws SQLException {
        return result(columns, List.of());
    }

    private static boolean isKv(String catalog, String schemaPattern, String tablePattern) {
        return matchesNone(catalog) && (schemaPattern == null || like(schemaPattern, "")) && like(tablePattern, TABLE);
    }

    /** Null ("do not narrow") or "" ("without one"): kv has no catalog or schema. */
    private static boolean matchesNone(String name) {
        return name == null || name.isEmpty();
    }

    /** SQL LIKE with escape '\', ignoring case; a null pattern matches everything. */
    static boolean like(String pattern, String value) {
        if (pattern == null) {
            return true;
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL).matcher(value).matches();
    }
}
