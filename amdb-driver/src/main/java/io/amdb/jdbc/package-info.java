/**
 * The AmDb {@code java.sql} driver: {@link io.amdb.jdbc.AmDbDriver} and the JDBC objects behind it, on top of
 * the native client in {@code io.amdb.client}. The SQL dialect, the mapping of statements to protocol
 * requests, batches and SQLStates are specified in {@code docs/SQL.md}.
 *
 * <p>Layout: URL and properties ({@code JdbcUrl}, {@code DriverProperty}); parsing ({@code Lexer},
 * {@code SqlParser}, {@code NativeParser} into {@code Command}); running ({@code CommandRunner},
 * {@code BatchSender}, {@code ScanRows}, {@code Waits}); the java.sql façade ({@code AmDbConnection},
 * statements, result sets, metadata); and {@code SqlErrors}, the one place failures become SQLExceptions.
 */
package io.amdb.jdbc;
