package io.amdb.node.http;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.vertx.core.http.HttpServerRequest;

/**
 * HTTP conditional requests on {@code /v1/kv/{key}} (RFC 9110 §13): a value's version is its entity tag,
 * {@code "17"}. {@code If-Match: "17"} makes a PUT or DELETE a compare-and-set on that version;
 * {@code If-None-Match: *} makes a PUT a put-if-absent. One strong tag only: a list, a weak tag ({@code W/"17"}) or
 * {@code If-Match: *} is refused with INVALID_ARGUMENT rather than half-honoured.
 */
final class Preconditions {
    private Preconditions() {}

    /** The entity tag of a version. */
    static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** The condition the request's headers ask for, or null when they ask none. */
    static Request.Condition of(HttpServerRequest request) {
        String match = request.getHeader("If-Match");
        String noneMatch = request.getHeader("If-None-Match");
        if (match != null && noneMatch != null) {
            throw invalid("give If-Match or If-None-Match, not both");
        }
        if (noneMatch != null) {
            if (!noneMatch.trim().equals("*")) {
                throw invalid("If-None-Match supports only * (put if absent), got '" + noneMatch + "'");
            }
            return Request.Condition.absent();
        }
        return match == null ? null : Request.Condition.version(version(match.trim()));
    }

    private static long version(String tag) {
        if (tag.length() < 3 || tag.charAt(0) != '"' || tag.charAt(tag.length() - 1) != '"') {
            throw invalid("If-Match takes one strong entity tag as GET returned it, such as \"17\"; got '" + tag + "'");
        }
        try {
            long version = Long.parseLong(tag.substring(1, tag.length() - 1));
            if (version < 1) {
                throw invalid("entity tags are versions of 1 or more; got " + tag);
            }
            return version;
        } catch (NumberFormatException e) {
            throw invalid("entity tag " + tag + " is not one of this node's versions");
        }
    }

    private static ApiException invalid(String message) {
        return new ApiException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
