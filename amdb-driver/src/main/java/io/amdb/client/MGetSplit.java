package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * MGET split by owner (see {@link SplitRequest}). All or nothing: the future completes with every value
 * in the caller's order, or fails with the first failure of any part — the one that arrives first, or,
 * before anything is sent, PARTITION_LOST or CONNECTION_LOST for the first such key. Parts still in flight
 * then are not waited for (they only read).
 */
final class MGetSplit extends SplitRequest<List<byte[]>> {
    private final List<byte[]> keys;
    private final byte[][] values;

    /** @param keys an immutable copy, in the caller's order */
    MGetSplit(Operation<List<byte[]>> op, List<byte[]> keys, Router router, Dispatcher dispatcher, IoLoop loop) {
        super(op, keys.size(), router, dispatcher, loop);
        this.keys = keys;
        this.values = new byte[keys.size()][];
    }

    @Override
    byte[] key(int index) {
        return keys.get(index);
    }

    @Override
    Request part(int[] indices, boolean all) {
        if (all) {
            return new Request.MGet(keys);
        }
        List<byte[]> part = new ArrayList<>(indices.length);
        for (int i : indices) {
            part.add(keys.get(i));
        }
        return new Request.MGet(part);
    }

    @Override
    void answered(int[] indices, Response response, long epoch, int attempt) {
        List<byte[]> got = ((Response.Values) response).values();
        if (got.size() != indices.length) {
            op.fail(new AmDbException(ErrorCode.INTERNAL_ERROR,
                    "node answered " + got.size() + " values for " + indices.length + " keys"));
            return;
        }
        for (int k = 0; k < indices.length; k++) {
            values[indices[k]] = got.get(k);
        }
        resolved(indices.length);
    }

    @Override
    void failed(int[] indices, AmDbException failure) {
        op.fail(failure);
    }

    @Override
    List<byte[]> result() {
        return Collections.unmodifiableList(Arrays.asList(values)); // nulls allowed: absent keys
    }
}
