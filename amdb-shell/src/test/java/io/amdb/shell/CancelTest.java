package io.amdb.shell;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C while a statement runs: the REPL's signal handler calls {@link Session#cancel()} from another
 * thread. Here stdout is a small pipe the test reads itself, so the SCAN cannot finish before the cancel:
 * its output blocks once the pipe is full.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancelTest extends NodeTest {

    @Test
    void cancel_whileAScanPrints_stopsItWithCancelledAndTheShellGoesOn() throws Exception {
        try (TestShell setup = new TestShell(node, Format.RAW)) {
            assertEquals(Shell.Outcome.OK, setup.run(TestShell.insertMany("c1:", 5000, "value")));
        }
        PipedInputStream screen = new PipedInputStream(1024);
        StringWriter err = new StringWriter();
        Session session = Session.open(TestShell.url(node));
        try (session) {
            Shell shell = new Shell(session, new PrintWriter(new OutputStreamWriter(new PipedOutputStream(screen),
                    StandardCharsets.UTF_8)), new PrintWriter(err, true), Format.RAW, Ansi.NONE, false);
            CompletableFuture<Shell.Outcome> scan = CompletableFuture.supplyAsync(() -> shell.execute("SCAN c1: c2:", null));
            byte[] first = screen.readNBytes(9); // the scan is printing ("c1:00000\t…")
            assertEquals("c1:00000\t", new String(first, StandardCharsets.UTF_8));
            session.cancel(); // what Ctrl-C does
            drainUntilDone(screen, scan);
            assertEquals(Shell.Outcome.FAILED, scan.get());
            assertTrue(err.toString().startsWith("ERROR CANCELLED: "), err.toString());
            assertEquals(Shell.Outcome.OK, CompletableFuture.supplyAsync(() -> shell.execute("PING", null)).get());
        }
    }

    /** Reads what the statement still prints, so it is never blocked on a full pipe, until it has ended. */
    private static void drainUntilDone(InputStream screen, CompletableFuture<?> statement) throws Exception {
        byte[] buf = new byte[4096];
        while (!statement.isDone()) {
            if (screen.available() > 0) {
                screen.read(buf);
                continue;
            }
            try {
                statement.get(20, TimeUnit.MILLISECONDS); // bounded wait on the statement itself, then read again
            } catch (TimeoutException e) {
                // still running: more output to read
            }
        }
    }
}
