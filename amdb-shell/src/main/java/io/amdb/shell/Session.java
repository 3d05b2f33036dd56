package io.amdb.shell;

import io.amdb.client.AmDbClient;
import io.amdb.jdbc.AmDbDriver;
import io.amdb.protocol.PartitionTable;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One connection to a cluster: the JDBC connection (for SQL) and its native client (for native commands and
 * {@code \cluster}), opened through the driver from a {@code jdbc:amdb://} URL.
 *
 * <p>Cancellation: the shell runs one statement at a time on one thread, bracketed by {@link #begin()} and
 * {@link #end()}; {@link #cancel()}, called from the Ctrl-C handler's thread, cancels the running JDBC
 * statement and interrupts that thread, which ends any wait for the node (a request already sent may still
 * be applied). {@link #end()} clears the interrupt so it cannot leak into the next statement.
 */
final class Session implements AutoCloseable {
    static final String URL_PREFIX = "jdbc:amdb://";

    private final String url;
    private final Connection connection;
    private final AmDbClient client;
    private volatile Thread runner;
    private volatile Statement running;

    private Session(String url, Connection connection, AmDbClient client) {
        this.url = url;
        this.connection = connection;
        this.client = client;
    }

    /**
     * Connects. SYNTAX for a URL that is not {@code jdbc:amdb://}; CANNOT_CONNECT (connection gone) for a
     * malformed AmDb URL or when no host answers.
     */
    static Session open(String url) throws ShellError {
        if (!url.startsWith(URL_PREFIX)) {
            throw ShellError.syntax("not an AmDb URL: '" + url + "' (expected jdbc:amdb://host:port[,host:port])");
        }
        try {
            Connection c = new AmDbDriver().connect(url, new Properties());
            return new Session(url, c, c.unwrap(AmDbClient.class));
        } catch (SQLException e) {
            throw Errors.from(e);
        }
    }

    String url() {
        return url;
    }

    AmDbClient client() {
        return client;
    }

    /** One line for the banner and \connect: the server's version and the cluster's size. */
    String describe() throws ShellError {
        Map<String, String> info = await(client.info());
        PartitionTable table = await(client.table());
        int nodes = table.members().size();
        return "AmDb " + info.getOrDefault("version", "?") + ", " + nodes + (nodes == 1 ? " node" : " nodes")
                + " at " + url;
    }

    /** Marks the calling thread as running a statement, so {@link #cancel()} can reach it. */
    void begin() {
        runner = Thread.currentThread();
    }

    /** Ends the statement begun by {@link #begin()}: closes its JDBC statement, clears any interrupt. */
    void end() {
        Statement s = running;
        running = null;
        runner = null;
        if (s != null) {
            try {
                s.close();
            } catch (SQLException ignored) {
                // closing a finished statement has nothing to report
            }
        }
        Thread.interrupted();
    }

    /** A new JDBC statement for the running shell statement; {@link #end()} closes it. */
    Statement statement() throws ShellError {
        try {
            Statement s = connection.createStatement();
            running = s;
            return s;
        } catch (SQLException e) {
            throw Errors.from(e);
        }
    }

    /** Ctrl-C: stops waiting for the running statement, if any. Callable from any thread. */
    void cancel() {
        Statement s = running;
        Thread t = runner;
        if (s != null) {
            try {
                s.cancel();
            } catch (SQLException ignored) {
                // the statement finished meanwhile
            }
        }
        if (t != null) {
            t.interrupt();
        }
    }

    /** Waits for a client future; its failure, or an interrupt (Ctrl-C), becomes a ShellError. */
    static <T> T await(CompletableFuture<T> future) throws ShellError {
        try {
            return future.get();
        } catch (InterruptedException e) {
            throw Errors.cancelled();
        } catch (ExecutionException e) {
            throw Errors.from(e.getCause());
        }
    }

    /** True once {@link #close()} ran (or the driver closed the connection). */
    boolean isClosed() {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the connection is being dropped either way
        }
    }
}
