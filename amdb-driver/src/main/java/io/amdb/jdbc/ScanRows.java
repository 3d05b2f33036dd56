package io.amdb.jdbc;

import io.amdb.client.AmDbClient;
import io.amdb.jdbc.Command.Col;
import io.amdb.protocol.Response;

import java.sql.SQLException;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The rows of one key range, read with SCAN page by page: a range is never loaded whole. At most two pages
 * are held, the one being read and the next, which is requested as soon as the current one arrives so the
 * node works while the caller reads. Pages hold at most the fetch size rows (the node may return fewer).
 *
 * <p>{@link #open} waits for the first page, so errors in the bounds surface from executeQuery, not from the
 * first {@code next()}. Single-threaded, like its ResultSet.
 */
final class ScanRows implements RowSource {
    private final AmDbClient client;
    private final byte[] end;
    private final List<Col> columns;
    private final Waits waits;
    private final int defaultPageSize;
    private int pageSize;
    /** Rows the LIMIT still allows beyond the pages received so far. */
    private long remaining;
    /** The next page in flight, or null when the range (or the LIMIT) is exhausted. */
    private CompletableFuture<Response.ScanPage> pending;
    private Iterator<Response.Entry> page = Collections.emptyIterator();

    private ScanRows(AmDbClient client, byte[] end, List<Col> columns, Waits waits, int pageSize, long limit) {
        this.client = client;
        this.end = end;
        this.columns = columns;
        this.waits = waits;
        this.defaultPageSize = pageSize;
        this.pageSize = pageSize;
        this.remaining = limit;
    }

    /** Requests and waits for the first page of {@code range}; {@code limit} caps the total rows. */
    static ScanRows open(AmDbClient client, KeyRanges.ScanRange range, long limit, int pageSize, List<Col> columns,
                         Waits waits) throws SQLException {
        ScanRows rows = new ScanRows(client, range.end(), columns, waits, pageSize, limit);
        if (limit > 0) {
            rows.request(range.start());
            rows.advancePage();
        }
        return rows;
    }

    @Override
    public Object[] next() throws SQLException {
        while (!page.hasNext()) {
            if (pending == null) {
                return null;
            }
            advancePage();
        }
        Response.Entry e = page.next();
        Object[] row = new Object[columns.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = columns.get(i) == Col.K ? e.key() : e.value();
        }
        return row;
    }

    @Override
    public void fetchSize(int rows) {
        pageSize = rows > 0 ? rows : defaultPageSize;
    }

    @Override
    public void close() {
        pending = null; // a page still in flight completes unobserved
        page = Collections.emptyIterator();
    }

    /** Waits for the pending page, makes it current, and requests the one after it. */
    private void advancePage() throws SQLException {
        Response.ScanPage p = waits.await(pending);
        pending = null;
        remaining -= p.entries().size();
        if (p.next() != null && remaining > 0 && !p.entries().isEmpty()) {
            request(p.next());
        }
        page = p.entries().iterator();
    }

    private void request(byte[] start) {
        pending = client.scan(start, end, (int) Math.min(pageSize, remaining));
    }
}
