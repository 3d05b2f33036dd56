package io.amdb.jdbc;

import java.util.Locale;

/**
 * One lexical token of a statement.
 *
 * @param kind     what it is
 * @param text     the source text (for WORD, the word; for STRING and QUOTED_IDENT, the unescaped content)
 * @param bytes    the literal's bytes for STRING (UTF-8), HEX and BARE tokens; null otherwise
 * @param position 1-based character position of the token's first character; for END, the length + 1
 */
record Token(Kind kind, String text, byte[] bytes, int position) {
    enum Kind {
        /** An unquoted identifier or keyword: letters, digits, '_'; starts with a letter or '_'. */
        WORD,
        /** A double-quoted identifier, {@code "KV"}. */
        QUOTED_IDENT,
        /** A single-quoted string literal, {@code 'it''s'}. */
        STRING,
        /** A binary literal, {@code X'00FF'}. */
        HEX,
        /** An unsigned decimal integer. */
        NUMBER,
        /** A {@code ?} parameter marker. */
        PARAM,
        /** Punctuation or an operator: {@code ( ) , * ; = < > <= >= <> !=}. */
        SYMBOL,
        /** Native commands only: a whitespace-delimited word, taken literally. */
        BARE,
        /** End of the statement. */
        END
    }

    boolean is(Kind k) {
        return kind == k;
    }

    /** True for a WORD equal to {@code keyword}, ignoring case. */
    boolean isKeyword(String keyword) {
        return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    boolean isSymbol(String symbol) {
        return kind == Kind.SYMBOL && text.equals(symbol);
    }

    /** A word or quoted identifier naming {@code name}, ignoring case (see docs/SQL.md on identifiers). */
    boolean isName(String name) {
        return (kind == Kind.WORD || kind == Kind.QUOTED_IDENT) && text.equalsIgnoreCase(name);
    }

    /** How error messages show the token: "end of statement", or the source text in quotes. */
    String describe() {
        return switch (kind) {
            case END -> "end of statement";
            case STRING -> "string '" + text + "'";
            case QUOTED_IDENT -> "\"" + text + "\"";
            default -> "'" + text + "'";
        };
    }

    String upper() {
        return text.toUpperCase(Locale.ROOT);
    }
}
