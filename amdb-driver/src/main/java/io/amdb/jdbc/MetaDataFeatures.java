package io.amdb.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.RowIdLifetime;

/**
 * What AmDb can do, as {@link DatabaseMetaData} asks it: the boolean capability methods and the numeric
 * limits. Every one answers and none throws, whatever the connection's state: tools such as sqlline call
 * them while connecting and give up on an exception. A table of one-liners.
 *
 * <p>The true answers: every table (the one, kv) is selectable; unquoted and quoted identifiers are matched
 * ignoring case and reported in upper case; batches, LIKE … ESCAPE and NOT NULL columns are supported;
 * results are TYPE_FORWARD_ONLY, CONCUR_READ_ONLY and CLOSE_CURSORS_AT_COMMIT; the one isolation level is
 * TRANSACTION_NONE. Limits are 0 ("none or unknown", per the javadoc) except for the fixed shape of kv.
 */
abstract class MetaDataFeatures implements DatabaseMetaData {
    @Override
    public int getDefaultTransactionIsolation() { return Connection.TRANSACTION_NONE; }
    @Override
    public int getResultSetHoldability() { return ResultSet.CLOSE_CURSORS_AT_COMMIT; }
    @Override
    public int getSQLStateType() { return DatabaseMetaData.sqlStateSQL; }
    @Override
    public RowIdLifetime getRowIdLifetime() { return RowIdLifetime.ROWID_UNSUPPORTED; }
    @Override
    public int getJDBCMajorVersion() { return 4; }
    @Override
    public int getJDBCMinorVersion() { return 3; }

    // Limits: kv has 2 columns and a 1-column key; the rest is "none or unknown".

    @Override
    public int getMaxColumnsInTable() { return 2; }
    @Override
    public int getMaxColumnsInIndex() { return 1; }
    @Override
    public int getMaxTablesInSelect() { return 1; }
    @Override
    public int getMaxBinaryLiteralLength() { return 0; }
    @Override
    public int getMaxCatalogNameLength() { return 0; }
    @Override
    public int getMaxCharLiteralLength() { return 0; }
    @Override
    public int getMaxColumnNameLength() { return 0; }
    @Override
    public int getMaxColumnsInGroupBy() { return 0; }
    @Override
    public int getMaxColumnsInOrderBy() { return 0; }
    @Override
    public int getMaxColumnsInSelect() { return 0; }
    @Override
    public int getMaxConnections() { return 0; }
    @Override
    public int getMaxCursorNameLength() { return 0; }
    @Override
    public int getMaxIndexLength() { return 0; }
    @Override
    public int getMaxProcedureNameLength() { return 0; }
    @Override
    public int getMaxRowSize() { return 0; }
    @Override
    public int getMaxSchemaNameLength() { return 0; }
    @Override
    public int getMaxStatementLength() { return 0; }
    @Override
    public int getMaxStatements() { return 0; }
    @Override
    public int getMaxTableNameLength() { return 0; }
    @Override
    public int getMaxUserNameLength() { return 0; }

    // Capabilities.

    @Override
    public boolean allProceduresAreCallable() { return false; }
    @Override
    public boolean allTablesAreSelectable() { return true; }
    @Override
    public boolean dataDefinitionCausesTransactionCommit() { return false; }
    @Override
    public boolean dataDefinitionIgnoredInTransactions() { return false; }
    @Override
    public boolean deletesAreDetected(int type) { return false; }
    @Override
    public boolean doesMaxRowSizeIncludeBlobs() { return false; }
    @Override
    public boolean generatedKeyAlwaysReturned() { return false; }
    @Override
    public boolean insertsAreDetected(int type) { return false; }
    @Override
    public boolean isCatalogAtStart() { return false; }
    @Override
    public boolean locatorsUpdateCopy() { return false; }
    @Override
    public boolean nullPlusNonNullIsNull() { return true; }
    @Override
    public boolean nullsAreSortedAtEnd() { return false; }
    @Override
    public boolean nullsAreSortedAtStart() { return false; }
    @Override
    public boolean nullsAreSortedHigh() { return false; }
    @Override
    public boolean nullsAreSortedLow() { return false; }
    @Override
    public boolean othersDeletesAreVisible(int type) { return false; }
    @Override
    public boolean othersInsertsAreVisible(int type) { return false; }
    @Override
    public boolean othersUpdatesAreVisible(int type) { return false; }
    @Override
    public boolean ownDeletesAreVisible(int type) { return false; }
    @Override
    public boolean ownInsertsAreVisible(int type) { return false; }
    @Override
    public boolean ownUpdatesAreVisible(int type) { return false; }
    @Override
    public boolean storesLowerCaseIdentifiers() { return false; }
    @Override
    public boolean storesLowerCaseQuotedIdentifiers() { return false; }
    @Override
    public boolean storesMixedCaseIdentifiers() { return false; }
    @Override
    public boolean storesMixedCaseQuotedIdentifiers() { return false; }
    @Override
    public boolean storesUpperCaseIdentifiers() { return true; }
    @Override
    public boolean storesUpperCaseQuotedIdentifiers() { return true; }
    @Override
    public boolean supportsANSI92EntryLevelSQL() { return false; }
    @Override
    public boolean supportsANSI92FullSQL() { return false; }
    @Override
    public boolean supportsANSI92IntermediateSQL() { return false; }
    @Override
    public boolean supportsAlterTableWithAddColumn() { return false; }
    @Override
    public boolean supportsAlterTableWithDropColumn() { return false; }
    @Override
    public boolean supportsBatchUpdates() { return true; }
    @Override
    public boolean supportsCatalogsInDataManipulation() { return false; }
    @Override
    public boolean supportsCatalogsInIndexDefinitions() { return false; }
    @Override
    public boolean supportsCatalogsInPrivilegeDefinitions() { return false; }
    @Override
    public boolean supportsCatalogsInProcedureCalls() { return false; }
    @Override
    public boolean supportsCatalogsInTableDefinitions() { return false; }
    @Override
    public boolean supportsColumnAliasing() { return false; }
    @Override
    public boolean supportsConvert() { return false; }
    @Override
    public boolean supportsConvert(int fromType, int toType) { return false; }
    @Override
    public boolean supportsCoreSQLGrammar() { return false; }
    @Override
    public boolean supportsCorrelatedSubqueries() { return false; }
    @Override
    public boolean supportsDataDefinitionAndDataManipulationTransactions() { return false; }
    @Override
    public boolean supportsDataManipulationTransactionsOnly() { return false; }
    @Override
    public boolean supportsDifferentTableCorrelationNames() { return false; }
    @Override
    public boolean supportsExpressionsInOrderBy() { return false; }
    @Override
    public boolean supportsExtendedSQLGrammar() { return false; }
    @Override
    public boolean supportsFullOuterJoins() { return false; }
    @Override
    public boolean supportsGetGeneratedKeys() { return false; }
    @Override
    public boolean supportsGroupBy() { return false; }
    @Override
    public boolean supportsGroupByBeyondSelect() { return false; }
    @Override
    public boolean supportsGroupByUnrelated() { return false; }
    @Override
    public boolean supportsIntegrityEnhancementFacility() { return false; }
    @Override
    public boolean supportsLikeEscapeClause() { return true; }
    @Override
    public boolean supportsLimitedOuterJoins() { return false; }
    @Override
    public boolean supportsMinimumSQLGrammar() { return false; }
    @Override
    public boolean supportsMixedCaseIdentifiers() { return false; }
    @Override
    public boolean supportsMixedCaseQuotedIdentifiers() { return false; }
    @Override
    public boolean supportsMultipleOpenResults() { return false; }
    @Override
    public boolean supportsMultipleTransactions() { return false; }
    @Override
    public boolean supportsNamedParameters() { return false; }
    @Override
    public boolean supportsNonNullableColumns() { return true; }
    @Override
    public boolean supportsOpenCursorsAcrossCommit() { return false; }
    @Override
    public boolean supportsOpenCursorsAcrossRollback() { return false; }
    @Override
    public boolean supportsOpenStatementsAcrossCommit() { return false; }
    @Override
    public boolean supportsOpenStatementsAcrossRollback() { return false; }
    @Override
    public boolean supportsOrderByUnrelated() { return false; }
    @Override
    public boolean supportsOuterJoins() { return false; }
    @Override
    public boolean supportsPositionedDelete() { return false; }
    @Override
    public boolean supportsPositionedUpdate() { return false; }
    @Override
    public boolean supportsSavepoints() { return false; }
    @Override
    public boolean supportsSchemasInDataManipulation() { return false; }
    @Override
    public boolean supportsSchemasInIndexDefinitions() { return false; }
    @Override
    public boolean supportsSchemasInPrivilegeDefinitions() { return false; }
    @Override
    public boolean supportsSchemasInProcedureCalls() { return false; }
    @Override
    public boolean supportsSchemasInTableDefinitions() { return false; }
    @Override
    public boolean supportsSelectForUpdate() { return false; }
    @Override
    public boolean supportsStatementPooling() { return false; }
    @Override
    public boolean supportsStoredFunctionsUsingCallSyntax() { return false; }
    @Override
    public boolean supportsStoredProcedures() { return false; }
    @Override
    public boolean supportsSubqueriesInComparisons() { return false; }
    @Override
    public boolean supportsSubqueriesInExists() { return false; }
    @Override
    public boolean supportsSubqueriesInIns() { return false; }
    @Override
    public boolean supportsSubqueriesInQuantifieds() { return false; }
    @Override
    public boolean supportsTableCorrelationNames() { return false; }
    @Override
    public boolean supportsTransactionIsolationLevel(int level) { return level == Connection.TRANSACTION_NONE; }
    @Override
    public boolean supportsTransactions() { return false; }
    @Override
    public boolean supportsUnion() { return false; }
    @Override
    public boolean supportsUnionAll() { return false; }
    @Override
    public boolean updatesAreDetected(int type) { return false; }
    @Override
    public boolean usesLocalFilePerTable() { return false; }
    @Override
    public boolean usesLocalFiles() { return false; }
    @Override
    public boolean autoCommitFailureClosesAllResultSets() { return false; }
    @Override
    public boolean supportsMultipleResultSets() { return false; }
    @Override
    public boolean supportsResultSetType(int type) { return type == ResultSet.TYPE_FORWARD_ONLY; }
    @Override
    public boolean supportsResultSetConcurrency(int type, int concurrency) {
        return type == ResultSet.TYPE_FORWARD_ONLY && concurrency == ResultSet.CONCUR_READ_ONLY;
    }
    @Override
    public boolean supportsResultSetHoldability(int h) { return h == ResultSet.CLOSE_CURSORS_AT_COMMIT; }
}
