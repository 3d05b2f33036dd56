package io.amdb.shell;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * How byte strings are shown. A value is <em>plain</em> when it is valid UTF-8 with no control character
 * and does not start with a double quote: it is printed as it is. Any other value is printed as a
 * double-quoted string with escapes ({@code \xHH}, {@code \n}, {@code \t}, {@code \r}, {@code \\},
 * {@code \"}) — exactly the syntax {@link Words} reads, so a printed value can be pasted back into a command.
 * JSON uses {@link #utf8OrNull} and base64 instead (see JsonPrinter). Pure functions; thread-safe.
 */
final class Display {
    private Display() {}

    /** The value as text for table, raw and csv output. */
    static String text(byte[] value) {
        String utf8 = utf8OrNull(value);
        return utf8 != null && isPlain(utf8) ? utf8 : quoted(value);
    }

    /** The cells of a row shown by {@link #text}, each passed through {@code field}, absent ones empty. */
    static String joinRow(byte[][] row, String separator, UnaryOperator<String> field) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
            line.append(i == 0 ? "" : separator).append(row[i] == null ? "" : field.apply(text(row[i])));
        }
        return line.toString();
    }

    /** The bytes decoded as UTF-8, or null when they are not valid UTF-8 (no replacement characters). */
    static String utf8OrNull(byte[] value) {
        return utf8OrNull(value, 0, value.length);
    }

    static String base64(byte[] value) {
        return Base64.getEncoder().encodeToString(value);
    }

    /** The escaped, double-quoted form; valid multi-byte UTF-8 characters that are not controls stay as they are. */
    static String quoted(byte[] value) {
        StringBuilder s = new StringBuilder(value.length + 2).append('"');
        int i = 0;
        while (i < value.length) {
            int b = value[i] & 0xFF;
            int len = b < 0x80 ? 1 : sequenceLength(b);
            String ch = len > 1 && i + len <= value.length ? utf8OrNull(value, i, len) : null;
            if (b < 0x80) {
                escapeAscii(s, b);
            } else if (ch != null && !Character.isISOControl(ch.codePointAt(0))) {
                s.append(ch);
                i += len;
                continue;
            } else {
                hex(s, b);
            }
            i++;
        }
        return s.append('"').toString();
    }

    private static boolean isPlain(String text) {
        if (text.startsWith("\"")) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static void escapeAscii(StringBuilder s, int b) {
        switch (b) {
            case '\\' -> s.append("\\\\");
            case '"' -> s.append("\\\"");
            case '\n' -> s.append("\\n");
            case '\t' -> s.append("\\t");
            case '\r' -> s.append("\\r");
            default -> {
                if (b < 0x20 || b == 0x7F) {
                    hex(s, b);
                } else {
                    s.append((char) b);
                }
            }
        }
    }

    private static void hex(StringBuilder s, int b) {
        s.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
    }

    /** Bytes in the UTF-8 sequence a lead byte starts; 0 for a byte that cannot start one. */
    private static int sequenceLength(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) {
            return 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            return 3;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            return 4;
        }
        return 0;
    }

    private static String utf8OrNull(byte[] value, int offset, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(value, offset, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
