package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Response;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Streams every entry of {@code [start, end)} in key order, one page at a time: only the current page is
 * held, and the next one is requested as soon as the current one arrives, so the network wait overlaps
 * the caller's work. Blocking and single-threaded: use it from one thread, never on the client's I/O
 * thread. A failed page throws the {@link AmDbException} that failed it.
 */
final class ScanIterator implements Iterator<Response.Entry> {
    private final AmDbClient client;
    private final byte[] end;
    private final int pageSize;
    private final long waitNanos;
    private Iterator<Response.Entry> page;
    private CompletableFuture<Response.ScanPage> next;

    ScanIterator(AmDbClient client, byte[] start, byte[] end, int pageSize, long waitNanos) {
        this.client = client;
        this.end = end;
        this.pageSize = pageSize;
        this.waitNanos = waitNanos;
        this.next = client.scan(start, end, pageSize);
    }

    @Override
    public boolean hasNext() {
        while ((page == null || !page.hasNext()) && next != null) {
            Response.ScanPage arrived = await(next);
            next = arrived.next() == null ? null : client.scan(arrived.next(), end, pageSize);
            page = arrived.entries().iterator();
        }
        return page != null && page.hasNext();
    }

    @Override
    public Response.Entry next() {
        if (!hasNext()) {
            throw new NoSuchElementException("scan exhausted");
        }
        return page.next();
    }

    private Response.ScanPage await(CompletableFuture<Response.ScanPage> f) {
        try {
            return f.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof AmDbException a ? a
                    : new AmDbException(ErrorCode.INTERNAL_ERROR, "scan page failed: " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new AmDbException(ErrorCode.TIMEOUT, "no scan page within the request timeout", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AmDbException(ErrorCode.TIMEOUT, "interrupted while waiting for a scan page", e);
        }
    }
}
