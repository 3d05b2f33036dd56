package io.amdb.jdbc;

import java.util.List;

/**
 * The column lists of the ResultSets that {@link java.sql.DatabaseMetaData} returns, in the order and with
 * the names and types its javadoc specifies (spec syntax: see {@link Column#list}). Tools read these columns
 * by name, so a result with no rows still has them all.
 */
final class MetaTables {
    static final List<Column> TABLES = Column.list("TABLE_CAT,TABLE_SCHEM,TABLE_NAME,TABLE_TYPE,REMARKS,TYPE_CAT,"
            + "TYPE_SCHEM,TYPE_NAME,SELF_REFERENCING_COL_NAME,REF_GENERATION");
    static final List<Column> COLUMNS = Column.list("TABLE_CAT,TABLE_SCHEM,TABLE_NAME,COLUMN_NAME,DATA_TYPE:i,"
            + "TYPE_NAME,COLUMN_SIZE:i,BUFFER_LENGTH:i,DECIMAL_DIGITS:i,NUM_PREC_RADIX:i,NULLABLE:i,REMARKS,"
            + "COLUMN_DEF,SQL_DATA_TYPE:i,SQL_DATETIME_SUB:i,CHAR_OCTET_LENGTH:i,ORDINAL_POSITION:i,IS_NULLABLE,"
            + "SCOPE_CATALOG,SCOPE_SCHEMA,SCOPE_TABLE,SOURCE_DATA_TYPE:s,IS_AUTOINCREMENT,IS_GENERATEDCOLUMN");
    static final List<Column> PRIMARY_KEYS = Column.list(
            "TABLE_CAT,TABLE_SCHEM,TABLE_NAME,COLUMN_NAME,KEY_SEQ:s,PK_NAME");
    static final List<Column> CATALOGS = Column.list("TABLE_CAT");
    static final List<Column> SCHEMAS = Column.list("TABLE_SCHEM,TABLE_CATALOG");
    static final List<Column> TABLE_TYPES = Column.list("TABLE_TYPE");
    static final List<Column> TYPE_INFO = Column.list("TYPE_NAME,DATA_TYPE:i,PRECISION:i,LITERAL_PREFIX,"
            + "LITERAL_SUFFIX,CREATE_PARAMS,NULLABLE:s,CASE_SENSITIVE:b,SEARCHABLE:s,UNSIGNED_ATTRIBUTE:b,"
            + "FIXED_PREC_SCALE:b,AUTO_INCREMENT:b,LOCAL_TYPE_NAME,MINIMUM_SCALE:s,MAXIMUM_SCALE:s,SQL_DATA_TYPE:i,"
            + "SQL_DATETIME_SUB:i,NUM_PREC_RADIX:i");
    static final List<Column> INDEX_INFO = Column.list("TABLE_CAT,TABLE_SCHEM,TABLE_NAME,NON_UNIQUE:b,"
            + "INDEX_QUALIFIER,INDEX_NAME,TYPE:s,ORDINAL_POSITION:s,COLUMN_NAME,ASC_OR_DESC,CARDINALITY:l,PAGES:l,"
            + "FILTER_CONDITION");
    static final List<Column> PROCEDURES = Column.list("PROCEDURE_CAT,PROCEDURE_SCHEM,PROCEDURE_NAME,RESERVED1,"
            + "RESERVED2,RESERVED3,REMARKS,PROCEDURE_TYPE:s,SPECIFIC_NAME");
    static final List<Column> PROCEDURE_COLUMNS = Column.list("PROCEDURE_CAT,PROCEDURE_SCHEM,PROCEDURE_NAME,"
            + "COLUMN_NAME,COLUMN_TYPE:s,DATA_TYPE:i,TYPE_NAME,PRECISION:i,LENGTH:i,SCALE:s,RADIX:s,NULLABLE:s,"
            + "REMARKS,COLUMN_DEF,SQL_DATA_TYPE:i,SQL_DATETIME_SUB:i,CHAR_OCTET_LENGTH:i,ORDINAL_POSITION:i,"
            + "IS_NULLABLE,SPECIFIC_NAME");
    static final List<Column> FUNCTIONS = Column.list(
            "FUNCTION_CAT,FUNCTION_SCHEM,FUNCTION_NAME,REMARKS,FUNCTION_TYPE:s,SPECIFIC_NAME");
    static final List<Column> FUNCTION_COLUMNS = Column.list("FUNCTION_CAT,FUNCTION_SCHEM,FUNCTION_NAME,"
            + "COLUMN_NAME,COLUMN_TYPE:s,DATA_TYPE:i,TYPE_NAME,PRECISION:i,LENGTH:i,SCALE:s,RADIX:s,NULLABLE:s,"
            + "REMARKS,CHAR_OCTET_LENGTH:i,ORDINAL_POSITION:i,IS_NULLABLE,SPECIFIC_NAME");
    static final List<Column> COLUMN_PRIVILEGES = Column.list(
            "TABLE_CAT,TABLE_SCHEM,TABLE_NAME,COLUMN_NAME,GRANTOR,GRANTEE,PRIVILEGE,IS_GRANTABLE");
    static final List<Column> TABLE_PRIVILEGES = Column.list(
            "TABLE_CAT,TABLE_SCHEM,TABLE_NAME,GRANTOR,GRANTEE,PRIVILEGE,IS_GRANTABLE");
    /** getBestRowIdentifier and getVersionColumns share this shape. */
    static final List<Column> ROW_IDENTIFIERS = Column.list("SCOPE:s,COLUMN_NAME,DATA_TYPE:i,TYPE_NAME,"
            + "COLUMN_SIZE:i,BUFFER_LENGTH:i,DECIMAL_DIGITS:s,PSEUDO_COLUMN:s");
    /** getImportedKeys, getExportedKeys and getCrossReference share this shape. */
    static final List<Column> KEYS = Column.list("PKTABLE_CAT,PKTABLE_SCHEM,PKTABLE_NAME,PKCOLUMN_NAME,"
            + "FKTABLE_CAT,FKTABLE_SCHEM,FKTABLE_NAME,FKCOLUMN_NAME,KEY_SEQ:s,UPDATE_RULE:s,DELETE_RULE:s,FK_NAME,"
            + "PK_NAME,DEFERRABILITY:s");
    static final List<Column> UDTS = Column.list(
            "TYPE_CAT,TYPE_SCHEM,TYPE_NAME,CLASS_NAME,DATA_TYPE:i,REMARKS,BASE_TYPE:s");
    static final List<Column> SUPER_TYPES = Column.list(
            "TYPE_CAT,TYPE_SCHEM,TYPE_NAME,SUPERTYPE_CAT,SUPERTYPE_SCHEM,SUPERTYPE_NAME");
    static final List<Column> SUPER_TABLES = Column.list("TABLE_CAT,TABLE_SCHEM,TABLE_NAME,SUPERTABLE_NAME");
    static final List<Column> ATTRIBUTES = Column.list("TYPE_CAT,TYPE_SCHEM,TYPE_NAME,ATTR_NAME,DATA_TYPE:i,"
            + "ATTR_TYPE_NAME,ATTR_SIZE:i,DECIMAL_DIGITS:i,NUM_PREC_RADIX:i,NULLABLE:i,REMARKS,ATTR_DEF,"
            + "SQL_DATA_TYPE:i,SQL_DATETIME_SUB:i,CHAR_OCTET_LENGTH:i,ORDINAL_POSITION:i,IS_NULLABLE,"
            + "SCOPE_CATALOG,SCOPE_SCHEMA,SCOPE_TABLE,SOURCE_DATA_TYPE:s");
    static final List<Column> CLIENT_INFO = Column.list("NAME,MAX_LEN:i,DEFAULT_VALUE,DESCRIPTION");
    static final List<Column> PSEUDO_COLUMNS = Column.list("TABLE_CAT,TABLE_SCHEM,TABLE_NAME,COLUMN_NAME,"
            + "DATA_TYPE:i,COLUMN_SIZE:i,DECIMAL_DIGITS:i,NUM_PREC_RADIX:i,COLUMN_USAGE,REMARKS,"
            + "CHAR_OCTET_LENGTH:i,IS_NULLABLE");

    private MetaTables() {}
}
