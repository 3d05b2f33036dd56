/**
 * The {@code amdb shell}: an interactive REPL (JLine 4 on a terminal) and a scriptable CLI ({@code -e},
 * {@code -f}, piped stdin) over the AmDb driver. docs/SHELL.md is the user's contract.
 *
 * <p>The shell is a loop and a command table: input is cut into statements ({@link io.amdb.shell.Splitter}),
 * each statement runs through {@link io.amdb.shell.Shell} (meta-commands, native commands on the client,
 * SQL on the JDBC connection) and comes back as {@link io.amdb.shell.Result}s, which one printer per
 * {@link io.amdb.shell.Format} writes. Failures become {@link io.amdb.shell.ShellError}s named after
 * {@link io.amdb.protocol.ErrorCode}.
 */
package io.amdb.shell;
