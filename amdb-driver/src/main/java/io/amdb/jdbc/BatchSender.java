package io.amdb.jdbc;

import io.amdb.client.AmDbClient;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request.BatchItem;
import io.amdb.protocol.Wire;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * Sends puts and deletes as BATCH requests and reports the outcome of every item.
 *
 * <p>Items are cut into chunks of at most {@link #MAX_ITEMS} items (a tenth of the node's default
 * max-batch-items, so a node configured lower still takes them) and {@link #MAX_BYTES} of keys and values
 * (well under the frame limit). All chunks are sent before any is awaited: the client splits each by owner
 * and pipelines the parts. One exception keeps order: when a key appears in two chunks, chunks go one after
 * the other. The client keeps per-key order for requests it routes with one partition table, but a part
 * resent after WRONG_OWNER (a partition moved) may land after a later write; waiting rules that out.
 * Within a chunk, items on one key are applied in order.
 */
final class BatchSender {
    static final int MAX_ITEMS = 10_000;
    static final long MAX_BYTES = 16L << 20;

    private BatchSender() {}

    /**
     * Returns one entry per item: null where the node applied it, else its failure (the item's status, or
     * the failure of the whole BATCH it was in; chunk-wide failures share one exception instance).
     * {@code where} names item i in messages. Throws only when the wait itself ends (timeout, cancel).
     */
    static SQLException[] send(AmDbClient client, List<BatchItem> items, Waits waits, IntFunction<String> where)
            throws SQLException {
        SQLException[] failures = new SQLException[items.size()];
        List<int[]> chunks = chunks(items, Math.min(MAX_BYTES, client.options().maxFrameBytes() - Wire.MIN_LENGTH - 4L));
        List<CompletableFuture<List<ErrorCode>>> sent = new ArrayList<>(chunks.size());
        boolean oneByOne = chunks.size() > 1 && keyInTwoChunks(items, chunks);
        for (int[] c : chunks) {
            CompletableFuture<List<ErrorCode>> f = client.batch(items.subList(c[0], c[1]));
            sent.add(f);
            if (oneByOne) {
                waits.await(settled(f));
            }
        }
        waits.await(settled(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))));
        for (int i = 0; i < chunks.size(); i++) {
            record(sent.get(i), chunks.get(i), items, failures, where);
        }
        return failures;
    }

    /** Completes normally once {@code f} completes either way, so awaiting it never throws f's failure. */
    private static CompletableFuture<Void> settled(CompletableFuture<?> f) {
        return f.handle((value, failure) -> null);
    }

    private static void record(CompletableFuture<List<ErrorCode>> f, int[] chunk, List<BatchItem> items,
                               SQLException[] failures, IntFunction<String> where) {
        List<ErrorCode> statuses;
        try {
            statuses = f.join();
        } catch (RuntimeException e) { // CompletionException: the BATCH as a whole failed
            SQLException failure = SqlErrors.fromClient(e);
            for (int i = chunk[0]; i < chunk[1]; i++) {
                failures[i] = failure;
            }
            return;
        }
        for (int i = chunk[0]; i < chunk[1]; i++) {
            ErrorCode status = statuses.get(i - chunk[0]);
            if (status != ErrorCode.OK) {
                BatchItem item = items.get(i);
                failures[i] = SqlErrors.batchItem(status, where.apply(i), item.key(), item.value());
            }
        }
    }

    /** [from, to) index ranges, each within MAX_ITEMS and {@code maxBytes}; an oversized item goes alone. */
    private static List<int[]> chunks(List<BatchItem> items, long maxBytes) {
        List<int[]> chunks = new ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < items.size(); i++) {
            BatchItem item = items.get(i);
            long size = 5L + item.key().length + (item.isPut() ? 4L + item.value().length : 0);
            if (i > from && (i - from == MAX_ITEMS || bytes + size > maxBytes)) {
                chunks.add(new int[] {from, i});
                from = i;
                bytes = 0;
            }
            bytes += size;
        }
        if (from < items.size()) {
            chunks.add(new int[] {from, items.size()});
        }
        return chunks;
    }

    private static boolean keyInTwoChunks(List<BatchItem> items, List<int[]> chunks) {
        Map<ByteBuffer, Integer> firstChunk = new HashMap<>();
        for (int c = 0; c < chunks.size(); c++) {
            for (int i = chunks.get(c)[0]; i < chunks.get(c)[1]; i++) {
                Integer seen = firstChunk.putIfAbsent(ByteBuffer.wrap(items.get(i).key()), c);
                if (seen != null && seen != c) {
                    return true;
                }
            }
        }
        return false;
    }
}
