package io.amdb.jdbc;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement ready to run: its command, and one role per {@code ?} parameter in order ("key", "value",
 * "LIKE pattern", …), used in error messages. Immutable, so a PreparedStatement parses once.
 */
record ParsedSql(Command command, List<String> parameters) {
    private static final Set<String> NATIVE = Set.of("PUT", "GET", "DEL", "SCAN", "INFO", "PING");
    private static final Pattern FIRST_WORD = Pattern.compile("\\s*([A-Za-z]+)(?:\\s|;|$)");

    /**
     * Parses SQL (INSERT, SELECT, DELETE on kv) or a native command (PUT, GET, DEL, SCAN, INFO, PING), told
     * apart by the first word. Throws 42000 naming the position for text that does not parse, 0A000 for
     * valid SQL this driver does not run, 22004 for a NULL literal.
     */
    static ParsedSql parse(String sql) throws SQLException {
        if (sql == null) {
            throw SqlErrors.state(SqlErrors.SYNTAX_ERROR, "SQL is null");
        }
        Matcher m = FIRST_WORD.matcher(sql);
        if (m.lookingAt() && NATIVE.contains(m.group(1).toUpperCase(Locale.ROOT))) {
            return NativeParser.parse(sql);
        }
        return SqlParser.parse(sql);
    }

    int parameterCount() {
        return parameters.size();
    }
}
