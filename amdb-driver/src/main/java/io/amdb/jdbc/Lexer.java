package io.amdb.jdbc;

import io.amdb.jdbc.Token.Kind;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Splits a statement into {@link Token}s, in one of two modes (docs/SQL.md, "Lexical rules"):
 * <ul>
 *   <li>{@link #sql}: words, 'strings' ({@code ''} escapes a quote), "identifiers", X'hex', numbers, {@code ?},
 *       symbols; {@code --} starts a comment to the end of the line.</li>
 *   <li>{@link #words}: native commands, where keys such as {@code user:1} are plain words. A token is a
 *       'quoted string', X'hex', a lone {@code ?}, or any run of non-blank characters taken literally.
 *       One {@code ;} ending the statement is dropped.</li>
 * </ul>
 * Pure functions; a lexical error is a 42000 SQLSyntaxErrorException naming the 1-based position.
 */
final class Lexer {
    private static final String SYMBOLS = "(),*;=<>";

    private Lexer() {}

    static List<Token> sql(String sql) throws SQLException {
        List<Token> out = new ArrayList<>();
        int n = sql.length();
        int i = skipBlanks(sql, 0, true);
        while (i < n) {
            char c = sql.charAt(i);
            int pos = i + 1;
            int end;
            if ((c == 'x' || c == 'X') && i + 1 < n && sql.charAt(i + 1) == '\'') {
                end = closingQuote(sql, i + 1);
                out.add(hex(unquote(sql, i + 1, end), pos));
            } else if (Character.isLetter(c) || c == '_') {
                end = i;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
                    end++;
                }
                out.add(new Token(Kind.WORD, sql.substring(i, end), null, pos));
            } else if (c >= '0' && c <= '9') {
                end = i;
                while (end < n && sql.charAt(end) >= '0' && sql.charAt(end) <= '9') {
                    end++;
                }
                out.add(new Token(Kind.NUMBER, sql.substring(i, end), null, pos));
            } else if (c == '\'') {
                end = closingQuote(sql, i);
                out.add(string(unquote(sql, i, end), pos));
            } else if (c == '"') {
                end = closingQuote(sql, i);
                out.add(new Token(Kind.QUOTED_IDENT, unquote(sql, i, end), null, pos));
            } else if (c == '?') {
                end = i + 1;
                out.add(new Token(Kind.PARAM, "?", null, pos));
            } else if (sql.startsWith("<=", i) || sql.startsWith(">=", i) || sql.startsWith("<>", i)
                    || sql.startsWith("!=", i)) {
                end = i + 2;
                out.add(new Token(Kind.SYMBOL, sql.substring(i, end), null, pos));
            } else if (SYMBOLS.indexOf(c) >= 0) {
                end = i + 1;
                out.add(new Token(Kind.SYMBOL, String.valueOf(c), null, pos));
            } else {
                throw SqlErrors.syntax(pos, "unexpected character '" + c + "'");
            }
            i = skipBlanks(sql, end, true);
        }
        out.add(new Token(Kind.END, "", null, n + 1));
        return out;
    }

    static List<Token> words(String text) throws SQLException {
        List<Token> out = new ArrayList<>();
        int n = text.length();
        int i = skipBlanks(text, 0, false);
        while (i < n) {
            int pos = i + 1;
            int end;
            Token token;
            if (text.charAt(i) == '\'') {
                end = closingQuote(text, i);
                token = string(unquote(text, i, end), pos);
                if (end < n && !Character.isWhitespace(text.charAt(end)) && !isFinalSemicolon(text, end)) {
                    throw SqlErrors.syntax(end + 1, "expected a blank after the closing quote");
                }
                end = isFinalSemicolon(text, end) ? end + 1 : end;
            } else {
                end = i;
                while (end < n && !Character.isWhitespace(text.charAt(end))) {
                    end++;
                }
                String word = text.substring(i, end);
                if (word.endsWith(";") && skipBlanks(text, end, false) == n) {
                    word = word.substring(0, word.length() - 1); // the statement's terminator, not part of the word
                }
                token = word.isEmpty() ? null : word(word, pos);
            }
            if (token != null) {
                out.add(token);
            }
            i = skipBlanks(text, end, false);
        }
        out.add(new Token(Kind.END, "", null, n + 1));
        return out;
    }

    private static Token word(String word, int pos) throws SQLException {
        if (word.equals("?")) {
            return new Token(Kind.PARAM, word, null, pos);
        }
        if (word.length() >= 3 && (word.charAt(0) == 'x' || word.charAt(0) == 'X') && word.charAt(1) == '\''
                && word.endsWith("'")) {
            return hex(word.substring(2, word.length() - 1), pos);
        }
        return new Token(Kind.BARE, word, word.getBytes(StandardCharsets.UTF_8), pos);
    }

    private static Token string(String content, int pos) {
        return new Token(Kind.STRING, content, content.getBytes(StandardCharsets.UTF_8), pos);
    }

    private static Token hex(String digits, int pos) throws SQLException {
        try {
            if (digits.length() % 2 == 0) {
                return new Token(Kind.HEX, digits, HexFormat.of().parseHex(digits), pos);
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw SqlErrors.syntax(pos, "invalid hex literal X'" + digits + "': expected an even number of hex digits");
    }

    /** Index just after the quote closing the one at {@code open}; a doubled quote is an escaped quote. */
    private static int closingQuote(String s, int open) throws SQLException {
        char quote = s.charAt(open);
        for (int i = open + 1; i < s.length(); i++) {
            if (s.charAt(i) == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i++;
                } else {
                    return i + 1;
                }
            }
        }
        throw SqlErrors.syntax(open + 1, "unterminated " + (quote == '"' ? "quoted identifier" : "string literal"));
    }

    private static String unquote(String s, int open, int end) {
        String q = String.valueOf(s.charAt(open));
        return s.substring(open + 1, end - 1).replace(q + q, q);
    }

    private static boolean isFinalSemicolon(String s, int i) {
        return i < s.length() && s.charAt(i) == ';' && skipBlanks(s, i + 1, false) == s.length();
    }

    private static int skipBlanks(String s, int i, boolean comments) {
        while (i < s.length()) {
            if (Character.isWhitespace(s.charAt(i))) {
                i++;
            } else if (comments && s.startsWith("--", i)) {
                int eol = s.indexOf('\n', i);
                i = eol < 0 ? s.length() : eol + 1;
            } else {
                break;
            }
        }
        return i;
    }
}
