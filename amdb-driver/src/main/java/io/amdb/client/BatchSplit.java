package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * BATCH split by owner (see {@link SplitRequest}). Never fails as a whole once split: every item gets a
 * status — OK, the node's status for it, or the failure of the part it was in (CONNECTION_LOST, TIMEOUT,
 * an error the node answered for the whole frame), PARTITION_LOST for a LOST partition, CONNECTION_LOST
 * for a lost owner, WRONG_OWNER when retries ran out.
 *
 * <p>A node may also report WRONG_OWNER per item in an OK answer (it applied the others); those items are
 * retried like a part answered WRONG_OWNER as a whole.
 */
final class BatchSplit extends SplitRequest<List<ErrorCode>> {
    private final List<Request.BatchItem> items;
    private final ErrorCode[] statuses;

    /** @param items an immutable copy, in the caller's order */
    BatchSplit(Operation<List<ErrorCode>> op, List<Request.BatchItem> items, Router router, Dispatcher dispatcher,
               IoLoop loop) {
        super(op, items.size(), router, dispatcher, loop);
        this.items = items;
        this.statuses = new ErrorCode[items.size()];
    }

    @Override
    byte[] key(int index) {
        return items.get(index).key();
    }

    @Override
    Request part(int[] indices, boolean all) {
        if (all) {
            return new Request.Batch(items);
        }
        List<Request.BatchItem> part = new ArrayList<>(indices.length);
        for (int i : indices) {
            part.add(items.get(i));
        }
        return new Request.Batch(part);
    }

    @Override
    void answered(int[] indices, Response response, long epoch, int attempt) {
        List<ErrorCode> got = ((Response.Statuses) response).statuses();
        if (got.size() != indices.length) {
            failed(indices, new AmDbException(ErrorCode.INTERNAL_ERROR,
                    "node answered " + got.size() + " statuses for " + indices.length + " items"));
            return;
        }
        Indices wrongOwner = new Indices();
        for (int k = 0; k < indices.length; k++) {
            if (got.get(k).retryable()) {
                wrongOwner.add(indices[k]);
            } else {
                statuses[indices[k]] = got.get(k);
            }
        }
        resolved(indices.length - wrongOwner.size());
        if (wrongOwner.size() > 0) {
            retry(wrongOwner.toArray(), epoch, attempt, new AmDbException(ErrorCode.WRONG_OWNER,
                    "node answered WRONG_OWNER for " + wrongOwner.size() + " batch items"));
        }
    }

    @Override
    void failed(int[] indices, AmDbException failure) {
        for (int i : indices) {
            statuses[i] = failure.code();
        }
        resolved(indices.length);
    }

    @Override
    List<ErrorCode> result() {
        return List.copyOf(Arrays.asList(statuses));
    }
}
