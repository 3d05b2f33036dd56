package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The launcher and the node as separate processes, the way a user runs them. */
class NodeProcessIT {

    @Test
    void start_thenSigterm_servesThenExitsZeroWithinFiveSeconds() throws Exception {
        try (NodeProcess node = NodeProcess.start("--standalone", "--port", "0", "--node-id", "it-node")) {
            int port = node.awaitReady();
            try (RawClient c = new RawClient(port)) {
                c.call(new Request.Put("proc:k".getBytes(UTF_8), "v".getBytes(UTF_8)));
                assertArrayEquals("v".getBytes(UTF_8), ((Response.Value) c.call(new Request.Get("proc:k".getBytes(UTF_8)))).value());
                long t0 = System.nanoTime();
                node.process.destroy(); // SIGTERM
                boolean exited = node.process.waitFor(5, TimeUnit.SECONDS); // the bound for a clean stop
                System.out.printf("node stopped %.0f ms after SIGTERM%n", (System.nanoTime() - t0) / 1e6);
                assertTrue(exited, "node still running 5 s after SIGTERM");
                assertEquals(0, node.process.exitValue(), "exit code after SIGTERM; stdout: " + node.stdout());
                assertTrue(c.closedByNode(), "open connection not closed at shutdown");
            }
            List<String> out = node.stdout();
            assertTrue(out.stream().anyMatch(l -> l.contains("node it-node ready on 127.0.0.1:")), out.toString());
            assertTrue(out.stream().anyMatch(l -> l.contains("node it-node stopped")), out.toString());
        }
    }

    @Test
    void start_badFlag_exitsTwoWithMessage() throws Exception {
        try (NodeProcess node = NodeProcess.start("--standalone", "--partitions", "1000")) {
            assertTrue(node.process.waitFor(120, TimeUnit.SECONDS));
            assertEquals(2, node.process.exitValue());
        }
    }

    @Test
    void launcherHelp_listsSubcommands() throws Exception {
        Process p = new ProcessBuilder("./amdb", "help").directory(NodeProcess.repoRoot()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(out.contains("start") && out.contains("bench"), out);
    }

    @Test
    void stop_withRequestsInFlight_answersWhatItReadThenCloses() throws Exception {
        AmDbNode node = TestNodes.start(TestNodes.config());
        try (RawClient c = new RawClient(node.port())) {
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < 2000; i++) {
                burst.writeBytes(c.encode(new Request.Put(("inflight:" + i).getBytes(UTF_8), new byte[100])));
            }
            c.sendRaw(burst.toByteArray());
            c.read(); // the node is processing the burst
            node.stop();
            int answered = 1;
            int refused = 0;
            try {
                while (true) {
                    RawClient.Reply r = c.read();
                    if (r.response() instanceof Response.Error e) {
                        // read after shutdown began: refused without being run, so the client knows
                        assertEquals(ErrorCode.SHUTTING_DOWN, e.code(), "reply " + r.header().requestId());
                        refused++;
                    } else {
                        assertEquals(Response.DONE, r.response(), "reply " + r.header().requestId());
                        answered++;
                    }
                }
            } catch (SocketTimeoutException hang) {
                throw new AssertionError("connection neither answered nor closed during shutdown", hang);
            } catch (IOException closed) {
                // expected: the node closes the connection once it has answered what it read
            }
            System.out.println("answered " + answered + " and refused " + refused + " (SHUTTING_DOWN) of 2000 "
                    + "requests before the close");
        } finally {
            TestNodes.stop(node);
        }
    }
}
