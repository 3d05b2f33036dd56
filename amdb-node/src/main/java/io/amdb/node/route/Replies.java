package io.amdb.node.route;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Response;
import io.amdb.protocol.Wire;
import java.util.List;

/** Responses built the same way on the local and the forwarding path. */
final class Replies {
    private Replies() {}

    /** MGET's values, or RESPONSE_TOO_LARGE when their frame would exceed max-frame-bytes. */
    static Response values(List<byte[]> values, Limits limits) {
        long bytes = Wire.HEADER_BYTES + 6L; // header, status, count
        for (byte[] value : values) {
            bytes += 4 + (value == null ? 0 : value.length);
        }
        if (bytes - Wire.LENGTH_BYTES > limits.maxFrameBytes()) {
            return new Response.Error(ErrorCode.RESPONSE_TOO_LARGE, "the " + values.size() + " values total "
                    + bytes + " bytes, above max-frame-bytes " + limits.maxFrameBytes() + "; ask for fewer keys");
        }
        return new Response.Values(values);
    }
}
