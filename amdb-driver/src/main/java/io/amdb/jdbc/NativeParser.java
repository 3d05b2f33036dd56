package io.amdb.jdbc;

import io.amdb.jdbc.Command.Col;
import io.amdb.jdbc.Command.Operand;

import java.sql.SQLException;
import java.util.List;

/**
 * Parser for the native commands, the shell's vocabulary (docs/SQL.md, "Native commands"):
 * {@code PUT key value}, {@code GET key}, {@code DEL key}, {@code SCAN start end [LIMIT n]}, {@code INFO},
 * {@code PING}. Operands are bare words, 'quoted strings', X'hex' or {@code ?}; see {@link Lexer#words}.
 * Each command parses into the {@link Command} the equivalent SQL would, so both run the same way.
 */
final class NativeParser {
    private static final List<Col> KEY_AND_VALUE = List.of(Col.K, Col.V);

    private NativeParser() {}

    /** Requires text whose first word is a native command name (any case). */
    static ParsedSql parse(String text) throws SQLException {
        TokenCursor in = new TokenCursor(Lexer.words(text));
        String name = in.take().upper();
        Command command = switch (name) {
            case "PUT" -> {
                Operand key = in.operand("key");
                yield new Command.Insert(List.<Operand[]>of(new Operand[] {key, in.operand("value")}));
            }
            case "GET" -> new Command.Select(KEY_AND_VALUE, new Command.Equals(in.operand("key")), Long.MAX_VALUE);
            case "DEL" -> new Command.Delete(new Command.Equals(in.operand("key")));
            case "SCAN" -> scan(in);
            case "INFO" -> new Command.Info();
            case "PING" -> new Command.Ping();
            default -> throw SqlErrors.syntax(1, "expected PUT, GET, DEL, SCAN, INFO or PING, found '" + name + "'");
        };
        if (!in.peek().is(Token.Kind.END)) {
            throw in.expected("end of " + name + " (quote a key or value that contains blanks)");
        }
        return new ParsedSql(command, in.parameters());
    }

    /** SCAN start end [LIMIT n]: start inclusive, end exclusive, an empty bound ('') means unbounded. */
    private static Command scan(TokenCursor in) throws SQLException {
        Operand start = in.operand("SCAN start");
        Operand end = in.operand("SCAN end");
        long limit = Long.MAX_VALUE;
        if (in.peek().is(Token.Kind.BARE) && in.peek().text().equalsIgnoreCase("LIMIT")) {
            in.take();
            limit = in.number("LIMIT");
        }
        return new Command.Select(KEY_AND_VALUE, new Command.Range(start, true, end, false, true), limit);
    }
}
