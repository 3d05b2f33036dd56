package io.amdb.shell;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Splits a native command or meta-command into words (byte strings), separated by blanks. A word is
 * <ul>
 *   <li>bare: taken literally up to the next blank ({@code user:1}, {@code {"a":1}}, {@code it's});</li>
 *   <li>{@code "double quoted"} with escapes {@code \\ \" \n \r \t \0 \xHH} (one byte each) and
 *       {@code \}{@code uXXXX} (the character in UTF-8; a character beyond U+FFFF is a surrogate pair,
 *       {@code \}{@code ud83d}{@code \}{@code ude00}, and half a pair is a SYNTAX error) — what {@link Display}
 *       prints for binary values;</li>
 *   <li>{@code 'single quoted'}, literal, with {@code ''} for a quote (as in SQL);</li>
 *   <li>{@code X'hex'}, the bytes of an even number of hex digits.</li>
 * </ul>
 * A quote opens a word only at its start; {@code ""} and {@code ''} are the empty string. Pure; thread-safe.
 */
final class Words {
    private final String text;
    private int pos;

    private Words(String text) {
        this.text = text;
    }

    static List<byte[]> split(String text) throws ShellError {
        Words w = new Words(text);
        List<byte[]> words = new ArrayList<>();
        while (w.skipBlanks()) {
            words.add(w.word());
        }
        return words;
    }

    /** The words as UTF-8 text (for meta-command arguments). */
    static List<String> splitText(String text) throws ShellError {
        List<String> out = new ArrayList<>();
        for (byte[] word : split(text)) {
            out.add(new String(word, StandardCharsets.UTF_8));
        }
        return out;
    }

    private boolean skipBlanks() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        return pos < text.length();
    }

    private byte[] word() throws ShellError {
        char c = text.charAt(pos);
        byte[] word;
        if (c == '"') {
            word = escaped();
        } else if (c == '\'') {
            word = singleQuoted();
        } else if ((c == 'X' || c == 'x') && pos + 1 < text.length() && text.charAt(pos + 1) == '\'') {
            pos++;
            word = hex();
        } else {
            int start = pos;
            while (pos < text.length() && !Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
            return text.substring(start, pos).getBytes(StandardCharsets.UTF_8);
        }
        if (pos < text.length() && !Character.isWhitespace(text.charAt(pos))) {
            throw ShellError.syntax("expected a blank after the quoted word ending at position " + pos);
        }
        return word;
    }

    private byte[] escaped() throws ShellError {
        int open = pos++;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toByteArray();
            }
            if (c != '\\') {
                int end = Character.isHighSurrogate(c) && pos < text.length() ? pos + 1 : pos;
                out.writeBytes(text.substring(pos - 1, end).getBytes(StandardCharsets.UTF_8));
                pos = end;
                continue;
            }
            if (pos >= text.length()) {
                break;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '\\', '"', '\'' -> out.write(e);
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '0' -> out.write(0);
                case 'x' -> out.write(hexDigits(2));
                case 'u' -> out.writeBytes(unicode().getBytes(StandardCharsets.UTF_8));
                default -> throw ShellError.syntax("unknown escape \\" + e + " at position " + (pos - 1)
                        + " (known: \\\\ \\\" \\n \\r \\t \\0 \\xHH \\uXXXX)");
            }
        }
        throw ShellError.syntax("unclosed \" opened at position " + (open + 1));
    }

    /** The character of a {@code \}{@code uXXXX} escape (its digits next), or of a surrogate pair of two. */
    private String unicode() throws ShellError {
        int at = pos - 2; // the backslash
        char c = (char) hexDigits(4);
        if (Character.isHighSurrogate(c) && text.startsWith("\\u", pos)) {
            pos += 2;
            char low = (char) hexDigits(4);
            if (Character.isLowSurrogate(low)) {
                return new String(new char[] {c, low});
            }
        }
        if (Character.isSurrogate(c)) { // a lone half, or a high half followed by no low half
            throw ShellError.syntax("\\u" + text.substring(at + 2, at + 6) + " at position " + (at + 1)
                    + " is half of a surrogate pair: write both halves (\\ud83d\\ude00) or the character itself");
        }
        return String.valueOf(c);
    }

    private int hexDigits(int n) throws ShellError {
        if (pos + n > text.length()) {
            throw ShellError.syntax("expected " + n + " hex digits at position " + (pos + 1));
        }
        try {
            int v = HexFormat.fromHexDigits(text, pos, pos + n);
            pos += n;
            return v;
        } catch (IllegalArgumentException e) {
            throw ShellError.syntax("expected " + n + " hex digits at position " + (pos + 1) + ": '"
                    + text.substring(pos, pos + n) + "'");
        }
    }

    private byte[] singleQuoted() throws ShellError {
        int open = pos++;
        StringBuilder s = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c != '\'') {
                s.append(c);
            } else if (pos < text.length() && text.charAt(pos) == '\'') {
                s.append('\'');
                pos++;
            } else {
                return s.toString().getBytes(StandardCharsets.UTF_8);
            }
        }
        throw ShellError.syntax("unclosed ' opened at position " + (open + 1));
    }

    private byte[] hex() throws ShellError {
        int open = pos++;
        int close = text.indexOf('\'', pos);
        if (close < 0) {
            throw ShellError.syntax("unclosed X' opened at position " + open);
        }
        String digits = text.substring(pos, close);
        pos = close + 1;
        try {
            return HexFormat.of().parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw ShellError.syntax("X'" + digits + "' needs an even number of hex digits");
        }
    }
}
