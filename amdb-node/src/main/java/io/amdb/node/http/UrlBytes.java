package io.amdb.node.http;

import io.amdb.protocol.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Percent-decoding to bytes, not to a String: a key in a URL may be any byte string ({@code %00%FF} included),
 * which a decode through UTF-8 text would corrupt. Characters that are not escapes count as their UTF-8 bytes.
 */
final class UrlBytes {
    private UrlBytes() {}

    /** Decodes a raw path segment or query value; {@code plusIsSpace} for query strings. */
    static byte[] decode(String raw, boolean plusIsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw bad(raw);
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw bad(raw);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else if (c < 0x80) {
                out.write(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < raw.length() ? i + 2 : i + 1;
                out.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        return out.toByteArray();
    }

    /** Splits a raw query string ({@code a=1&b=%FF}) into names and decoded byte values; the last repeat wins. */
    static Map<String, byte[]> query(String rawQuery) {
        Map<String, byte[]> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = new String(decode(eq < 0 ? pair : pair.substring(0, eq), true), StandardCharsets.UTF_8);
            params.put(name, eq < 0 ? new byte[0] : decode(pair.substring(eq + 1), true));
        }
        return params;
    }

    private static ApiException bad(String raw) {
        return new ApiException(ErrorCode.INVALID_ARGUMENT, "bad percent-escape in '" + raw + "'");
    }
}
