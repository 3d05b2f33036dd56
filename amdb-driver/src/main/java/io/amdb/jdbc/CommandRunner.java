package io.amdb.jdbc;

import io.amdb.client.AmDbClient;
import io.amdb.client.AmDbException;
import io.amdb.jdbc.Command.Col;
import io.amdb.jdbc.Command.Operand;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Request.BatchItem;
import io.amdb.protocol.Response;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs one parsed command with its parameters through the native client (docs/SQL.md, "How statements
 * run"): = is GET, IN is MGET, ranges / LIKE / no WHERE are paged SCANs, INSERT is PUT (one row) or BATCH,
 * DELETE is DELETE per key; INSERT … ON CONFLICT DO NOTHING, UPDATE and DELETE … AND v = … are compare-and-sets.
 * All requests of a step are sent before the step is awaited.
 *
 * <p>Results by key (=, IN) come in unsigned key order without duplicates; missing keys have no row.
 * One instance per execution; single-threaded.
 */
final class CommandRunner {
    /** What a command produced: rows, or an update count. */
    sealed interface Outcome {}

    record Rows(List<Column> columns, RowSource rows) implements Outcome {}

    record Count(long count) implements Outcome {}

    private final AmDbClient client;
    private final Waits waits;
    private final ParsedSql sql;
    private final byte[][] params;

    /** {@code params} holds one entry per {@code ?} (null = not set); it is read, never kept. */
    CommandRunner(AmDbClient client, Waits waits, ParsedSql sql, byte[][] params) {
        this.client = client;
        this.waits = waits;
        this.sql = sql;
        this.params = params;
    }

    /**
     * @param maxRows   the statement's max rows, 0 = none
     * @param fetchSize rows per SCAN page
     */
    Outcome run(long maxRows, int fetchSize) throws SQLException {
        Command c = sql.command();
        if (c instanceof Command.Insert insert) {
            return new Count(insert.ifAbsent() ? insertIfAbsent(puts(insert)) : insert(insert));
        } else if (c instanceof Command.Update update) {
            return new Count(update(update));
        } else if (c instanceof Command.Delete delete && delete.expected() != null) {
            byte[] key = keys(delete.where()).get(0);
            return new Count(swapped(client.compareAndSet(key, Request.Condition.value(bind(delete.expected())), null)));
        } else if (c instanceof Command.Delete delete) {
            return new Count(delete(keys(delete.where())));
        } else if (c instanceof Command.Select select) {
            long limit = maxRows > 0 ? Math.min(select.limit(), maxRows) : select.limit();
            return new Rows(Command.columns(c), select(select, limit, fetchSize));
        } else if (c instanceof Command.Info) {
            List<Object[]> rows = new ArrayList<>();
            for (Map.Entry<String, String> e : waits.await(client.info()).entrySet()) {
                rows.add(new Object[] {e.getKey(), e.getValue()});
            }
            return new Rows(Command.columns(c), RowSource.of(rows));
        }
        waits.await(client.ping());
        return new Rows(Command.columns(c), RowSource.of(List.<Object[]>of(new Object[] {"PONG"})));
    }

    /** The rows a writing command adds to a batch; throws 07003 for a query, which a batch cannot hold. */
    Batch.Entry batchEntry() throws SQLException {
        Command c = sql.command();
        if (c instanceof Command.Insert insert && !insert.ifAbsent()) {
            return new Batch.Entry(puts(insert), false);
        } else if (c instanceof Command.Delete delete && delete.expected() == null) {
            return new Batch.Entry(keys(delete.where()).stream().map(BatchItem::delete).toList(), true);
        }
        throw SqlErrors.state(SqlErrors.NOT_AN_UPDATE, "a batch holds INSERT, DELETE, PUT and DEL only (not "
                + "conditional writes: ON CONFLICT DO NOTHING, UPDATE, DELETE … AND v = …)");
    }

    /** Rows written: each row a put-if-absent, all in flight together. */
    private long insertIfAbsent(List<BatchItem> rows) throws SQLException {
        List<CompletableFuture<Boolean>> sent = new ArrayList<>(rows.size());
        for (BatchItem row : rows) {
            sent.add(client.putIfAbsent(row.key(), row.value()));
        }
        waits.await(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)));
        return sent.stream().filter(CompletableFuture::join).count();
    }

    /**
     * 1 when the key was updated. With {@code AND v = …} one compare-and-set on the value; without, a
     * compare-and-set on the version just read, read again while another writer gets in between (at most
     * {@link #UPDATE_ATTEMPTS} times), so a key deleted meanwhile is not brought back.
     */
    private long update(Command.Update update) throws SQLException {
        byte[] key = bind(update.key());
        byte[] value = bind(update.value());
        if (update.expected() != null) {
            return swapped(client.compareAndSet(key, Request.Condition.value(bind(update.expected())), value));
        }
        for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
            Response.Versioned current = waits.await(client.getVersioned(key));
            if (current.value() == null) {
                return 0;
            }
            if (swapped(client.compareAndSet(key, Request.Condition.version(current.version()), value)) == 1) {
                return 1;
            }
        }
        throw new java.sql.SQLTransactionRollbackException("UPDATE lost the race for its key " + UPDATE_ATTEMPTS
                + " times to other writers; run it again", SqlErrors.RETRY);
    }

    /** How often an UPDATE without {@code AND v = …} reads the key again after another writer got in first. */
    static final int UPDATE_ATTEMPTS = 16;

    private long swapped(CompletableFuture<Response.Swapped> cas) throws SQLException {
        return waits.await(cas).applied() ? 1 : 0;
    }

    private long insert(Command.Insert insert) throws SQLException {
        List<BatchItem> items = puts(insert);
        if (items.size() == 1) { // one PUT: routed by key, and the node's own message on failure
            waits.await(client.put(items.get(0).key(), items.get(0).value()));
            return 1;
        }
        int n = items.size();
        SQLException[] failures = BatchSender.send(client, items, waits, i -> "row " + (i + 1) + " of " + n);
        for (SQLException f : failures) {
            if (f != null) {
                throw f;
            }
        }
        return n;
    }

    /** Number of keys that existed; the DELETEs are all in flight together. */
    private long delete(List<byte[]> keys) throws SQLException {
        List<CompletableFuture<Boolean>> sent = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            sent.add(client.delete(key));
        }
        waits.await(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)));
        return sent.stream().filter(CompletableFuture::join).count();
    }

    private RowSource select(Command.Select select, long limit, int fetchSize) throws SQLException {
        Command.Predicate where = select.where();
        if (where instanceof Command.Equals || where instanceof Command.In) {
            return RowSource.of(limit > 0 ? byKeys(keys(where), select.columns(), limit) : List.of());
        }
        KeyRanges.ScanRange range;
        if (where instanceof Command.Range r) {
            range = KeyRanges.range(bindOrNull(r.lower()), r.lowerInclusive(), bindOrNull(r.upper()),
                    r.upperInclusive(), r.emptyUnbounded());
        } else if (where instanceof Command.Like like) {
            byte[] prefix = KeyRanges.likePrefix(bind(like.pattern()), bindOrNull(like.escape()));
            range = new KeyRanges.ScanRange(prefix, KeyRanges.prefixEnd(prefix));
        } else {
            range = new KeyRanges.ScanRange(new byte[0], new byte[0]);
        }
        return range == null ? RowSource.of(List.of())
                : ScanRows.open(client, range, limit, fetchSize, select.columns(), waits);
    }

    /** Rows for sorted, distinct keys: one GET, or MGETs. */
    private List<Object[]> byKeys(List<byte[]> keys, List<Col> columns, long limit) throws SQLException {
        List<byte[]> values = keys.size() == 1 ? Arrays.asList(waits.await(client.get(keys.get(0)))) : mget(keys);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < keys.size() && rows.size() < limit; i++) {
            if (values.get(i) != null) {
                rows.add(row(columns, keys.get(i), values.get(i)));
            }
        }
        return rows;
    }

    /**
     * One value (or null) per key, in order: MGETs of at most BatchSender.MAX_ITEMS keys, all in flight
     * together. A chunk whose reply would not fit in one frame (RESPONSE_TOO_LARGE) is asked again in halves.
     */
    private List<byte[]> mget(List<byte[]> keys) throws SQLException {
        List<List<byte[]>> chunks = new ArrayList<>();
        List<CompletableFuture<List<byte[]>>> sent = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += BatchSender.MAX_ITEMS) {
            chunks.add(keys.subList(from, Math.min(keys.size(), from + BatchSender.MAX_ITEMS)));
            sent.add(client.mget(chunks.get(chunks.size() - 1)));
        }
        waits.await(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).handle((v, t) -> null));
        List<byte[]> values = new ArrayList<>(keys.size());
        for (int i = 0; i < sent.size(); i++) {
            List<byte[]> chunk = chunks.get(i);
            try {
                values.addAll(sent.get(i).join());
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof AmDbException a && a.code() == ErrorCode.RESPONSE_TOO_LARGE)
                        || chunk.size() == 1) {
                    throw SqlErrors.fromClient(e);
                }
                values.addAll(mget(chunk.subList(0, chunk.size() / 2)));
                values.addAll(mget(chunk.subList(chunk.size() / 2, chunk.size())));
            }
        }
        return values;
    }

    private static Object[] row(List<Col> columns, byte[] key, byte[] value) {
        Object[] row = new Object[columns.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = columns.get(i) == Col.K ? key : value;
        }
        return row;
    }

    private List<BatchItem> puts(Command.Insert insert) throws SQLException {
        List<BatchItem> items = new ArrayList<>(insert.rows().size());
        for (Operand[] row : insert.rows()) {
            items.add(BatchItem.put(bind(row[0]), bind(row[1])));
        }
        return items;
    }

    /** The distinct keys of an Equals or In, in unsigned byte order. */
    private List<byte[]> keys(Command.Predicate where) throws SQLException {
        if (where instanceof Command.Equals eq) {
            return List.of(bind(eq.key()));
        }
        TreeSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
        for (Operand o : ((Command.In) where).keys()) {
            keys.add(bind(o));
        }
        return new ArrayList<>(keys);
    }

    private byte[] bindOrNull(Operand o) throws SQLException {
        return o == null ? null : bind(o);
    }

    /** A literal's bytes or a parameter's value; 07002 for a parameter never set. */
    private byte[] bind(Operand o) throws SQLException {
        if (o instanceof Command.Literal lit) {
            return lit.bytes();
        }
        int i = ((Command.Param) o).index();
        byte[] value = i < params.length ? params[i] : null;
        if (value == null) {
            throw SqlErrors.state(SqlErrors.PARAMETER_NOT_SET,
                    "parameter " + (i + 1) + " (" + sql.parameters().get(i) + ") is not set");
        }
        return value;
    }
}
