package io.amdb.node;

import io.amdb.protocol.ErrorCode;
import java.util.Arrays;
import java.util.List;

/**
 * The outcome of {@link AmDbCluster#batchPut}: one {@link ErrorCode} per item, in the order given
 * ({@code OK} when that item was written).
 */
public final class BatchResult {
    private final ErrorCode[] results;
    private final int failed;

    BatchResult(ErrorCode[] results) {
        this.results = results;
        this.failed = (int) Arrays.stream(results).filter(c -> c != ErrorCode.OK).count();
    }

    /** True when every item was written. */
    public boolean success() {
        return failed == 0;
    }

    public int size() {
        return results.length;
    }

    /** How many items were not written. */
    public int failed() {
        return failed;
    }

    /** The result of item {@code index}. */
    public ErrorCode result(int index) {
        return results[index];
    }

    /** Every item's result, in order. Unmodifiable. */
    public List<ErrorCode> results() {
        return List.of(results);
    }

    @Override
    public String toString() {
        return "BatchResult[" + (results.length - failed) + "/" + results.length + " written]";
    }
}
