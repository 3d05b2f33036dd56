package io.amdb.node.http;

import io.amdb.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How keys and values, which are byte strings, travel in JSON (docs/HTTP.md, "Bytes in JSON").
 *
 * <p>Requests: a byte field is UTF-8 text unless the request (or batch item) says {@code "encoding":"base64"}.
 * Responses: every JSON object that holds byte fields encodes all of them one way, UTF-8 text unless the
 * request asked for base64 or one of the object's fields is not valid UTF-8; base64 objects carry
 * {@code "encoding":"base64"}. So no byte string is ever altered by a lossy conversion.
 */
final class ByteText {
    static final String BASE64 = "base64";

    private ByteText() {}

    /** True when {@code encoding} (null, "utf8" or "base64") asks for base64. */
    static boolean isBase64(String encoding) {
        if (encoding == null || encoding.equals("utf8") || encoding.equals("utf-8")) {
            return false;
        }
        if (encoding.equals(BASE64)) {
            return true;
        }
        throw new ApiException(ErrorCode.INVALID_ARGUMENT, "encoding must be utf8 or base64, not '" + encoding + "'");
    }

    /** Decodes a byte field; base64 accepts the standard and the URL-safe alphabet, padding optional. */
    static byte[] decode(String text, boolean base64, String field) {
        if (!base64) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(text.replace('-', '+').replace('_', '/').replace(' ', '+'));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, field + " is not valid base64: " + e.getMessage());
        }
    }

    /**
     * Puts byte fields into {@code target} as alternating names and values ({@code "key", k, "value", v});
     * null values become JSON null. Returns {@code target}.
     */
    static JsonObject put(JsonObject target, boolean base64, Object... namesAndValues) {
        boolean b64 = base64;
        for (int i = 1; i < namesAndValues.length && !b64; i += 2) {
            b64 = namesAndValues[i] != null && !isUtf8((byte[]) namesAndValues[i]);
        }
        for (int i = 0; i < namesAndValues.length; i += 2) {
            byte[] bytes = (byte[]) namesAndValues[i + 1];
            target.put((String) namesAndValues[i], bytes == null ? null : encode(bytes, b64));
        }
        if (b64) {
            target.put("encoding", BASE64);
        }
        return target;
    }

    static String encode(byte[] bytes, boolean base64) {
        return base64 ? Base64.getEncoder().encodeToString(bytes) : new String(bytes, StandardCharsets.UTF_8);
    }

    static boolean isUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return strictUtf8(bytes); // ASCII is the common case; decode only when needed
            }
        }
        return true;
    }

    private static boolean strictUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
