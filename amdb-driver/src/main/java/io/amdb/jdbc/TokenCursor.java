package io.amdb.jdbc;

import io.amdb.jdbc.Token.Kind;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A cursor over a statement's tokens for the two recursive-descent parsers: lookahead, "expected X, found Y"
 * errors at the offending token's position, and the roles of the {@code ?} parameters met so far.
 * Single-use, single-threaded.
 */
final class TokenCursor {
    private final List<Token> tokens;
    private final List<String> parameters = new ArrayList<>();
    private int next;

    /** Requires a list ending with an END token. */
    TokenCursor(List<Token> tokens) {
        this.tokens = tokens;
    }

    Token peek() {
        return tokens.get(next);
    }

    Token take() {
        Token t = tokens.get(next);
        if (!t.is(Kind.END)) {
            next++;
        }
        return t;
    }

    boolean acceptKeyword(String keyword) {
        if (peek().isKeyword(keyword)) {
            next++;
            return true;
        }
        return false;
    }

    boolean acceptSymbol(String symbol) {
        if (peek().isSymbol(symbol)) {
            next++;
            return true;
        }
        return false;
    }

    void expectKeyword(String keyword) throws SQLException {
        if (!acceptKeyword(keyword)) {
            throw expected(keyword);
        }
    }

    void expectSymbol(String symbol) throws SQLException {
        if (!acceptSymbol(symbol)) {
            throw expected("'" + symbol + "'");
        }
    }

    /** Accepts one optional ';' and then requires the end of the statement. */
    void expectEnd() throws SQLException {
        acceptSymbol(";");
        if (!peek().is(Kind.END)) {
            throw expected("end of statement");
        }
    }

    /** The error "syntax error at position N: expected {what}, found {next token}". */
    SQLException expected(String what) {
        Token t = peek();
        return SqlErrors.syntax(t.position(), "expected " + what + ", found " + t.describe());
    }

    /**
     * A literal ('string', X'hex', or a native bare word) or a {@code ?} whose role is recorded. NULL is refused
     * with 22004: keys and values are never null.
     */
    Command.Operand operand(String role) throws SQLException {
        Token t = peek();
        if (t.is(Kind.STRING) || t.is(Kind.HEX) || t.is(Kind.BARE)) {
            next++;
            return new Command.Literal(t.bytes());
        }
        if (t.is(Kind.PARAM)) {
            next++;
            parameters.add(role);
            return new Command.Param(parameters.size() - 1);
        }
        if (t.isKeyword("NULL")) {
            throw SqlErrors.nullNotAllowed("the " + role + " (position " + t.position() + ")");
        }
        throw expected("a string literal, X'…' literal or ? for the " + role);
    }

    /** A non-negative integer literal that fits a long. */
    long number(String what) throws SQLException {
        Token t = peek();
        if (t.is(Kind.NUMBER) || (t.is(Kind.BARE) && t.text().chars().allMatch(Character::isDigit))) {
            try {
                long n = Long.parseLong(t.text());
                next++;
                return n;
            } catch (NumberFormatException e) {
                throw SqlErrors.syntax(t.position(), what + " " + t.text() + " is too large");
            }
        }
        throw expected("a number for " + what);
    }

    List<String> parameters() {
        return List.copyOf(parameters);
    }
}
