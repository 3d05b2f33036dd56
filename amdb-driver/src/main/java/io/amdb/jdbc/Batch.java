package io.amdb.jdbc;

import io.amdb.client.AmDbClient;
import io.amdb.protocol.Request.BatchItem;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The commands added with {@code addBatch}, and how {@code executeBatch} runs them (docs/SQL.md, "Batches").
 *
 * <p>Every command's rows go out together through {@link BatchSender}. The policy is <b>continue</b>: a
 * failed row fails its command only. Each command gets a count: its rows for an INSERT or PUT,
 * {@link Statement#SUCCESS_NO_INFO} for a DELETE or DEL (a BATCH status does not say whether the key
 * existed), {@link Statement#EXECUTE_FAILED} for a command with a failed row. If any failed, a
 * {@link BatchUpdateException} carries all counts, the first failure's SQLState, vendor code and cause,
 * and every distinct failure chained with {@code setNextException}.
 *
 * <p>Single-threaded, like the statement that owns it.
 */
final class Batch {
    /** One added command: its rows, and whether they are deletes. */
    record Entry(List<BatchItem> items, boolean delete) {}

    private final List<Entry> entries = new ArrayList<>();

    void add(Entry entry) {
        entries.add(entry);
    }

    void clear() {
        entries.clear();
    }

    /** Runs and clears the batch; returns one count per command in the order they were added. */
    long[] execute(AmDbClient client, Waits waits) throws SQLException {
        List<Entry> commands = List.copyOf(entries);
        entries.clear();
        List<BatchItem> items = new ArrayList<>();
        int[] owner = new int[commands.stream().mapToInt(e -> e.items().size()).sum()];
        for (int c = 0; c < commands.size(); c++) {
            for (BatchItem item : commands.get(c).items()) {
                owner[items.size()] = c;
                items.add(item);
            }
        }
        SQLException[] failures = BatchSender.send(client, items, waits, i -> "batch command " + (owner[i] + 1));
        long[] counts = new long[commands.size()];
        for (int c = 0; c < commands.size(); c++) {
            counts[c] = commands.get(c).delete() ? Statement.SUCCESS_NO_INFO : commands.get(c).items().size();
        }
        List<SQLException> distinct = new ArrayList<>();
        Set<SQLException> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < failures.length; i++) {
            if (failures[i] != null) {
                counts[owner[i]] = Statement.EXECUTE_FAILED;
                if (seen.add(failures[i])) {
                    distinct.add(failures[i]);
                }
            }
        }
        if (distinct.isEmpty()) {
            return counts;
        }
        throw failure(counts, distinct);
    }

    private static BatchUpdateException failure(long[] counts, List<SQLException> failures) {
        long failed = 0;
        for (long c : counts) {
            failed += c == Statement.EXECUTE_FAILED ? 1 : 0;
        }
        SQLException first = failures.get(0);
        BatchUpdateException e = new BatchUpdateException(failed + " of " + counts.length
                + " batch commands failed, the others were applied; first failure: " + first.getMessage(),
                first.getSQLState(), first.getErrorCode(), counts, first);
        SQLException tail = e;
        for (SQLException f : failures) {
            tail.setNextException(f); // appended at tail, which is the chain's end: O(1) per failure
            tail = f;
        }
        return e;
    }
}
