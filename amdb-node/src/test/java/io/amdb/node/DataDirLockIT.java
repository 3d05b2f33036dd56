package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The data directory's lock ({@code docs/STORAGE.md}, "Lock"): one node per directory, the second is refused. */
class DataDirLockIT {

    @Test
    void start_dataDirInUse_exitsOneWithInUseMessageWhileTheFirstKeepsServing() throws Exception {
        Path dir = Files.createTempDirectory("amdb-lock-");
        String[] flags = {"--standalone", "--port", "0", "--http-port", "-1", "--data-dir", dir.toString()};
        try (NodeProcess first = NodeProcess.start(Map.of(), flags);
                RawClient c = new RawClient(first.awaitReady())) {
            assertEquals(Response.DONE, c.call(new Request.Put("lock:k".getBytes(UTF_8), "before".getBytes(UTF_8))));
            try (NodeProcess second = NodeProcess.start(Map.of(), flags)) {
                assertTrue(second.process.waitFor(120, TimeUnit.SECONDS), "second node still running: " + second.output());
                assertEquals(1, second.process.exitValue(), second.output());
                String message = "data directory " + dir + " is in use by another AmDb process (LOCK is held)";
                assertTrue(second.stderr().stream().anyMatch(l -> l.contains(message)), second.output());
                assertFalse(second.stdout().stream().anyMatch(l -> l.contains("ready on")), second.output());
            }
            assertTrue(first.process.isAlive(), first.output());
            assertArrayEquals("before".getBytes(UTF_8), ((Response.Value) c.call(new Request.Get("lock:k".getBytes(UTF_8))))
                    .value());
            assertEquals(Response.DONE, c.call(new Request.Put("lock:k".getBytes(UTF_8), "after".getBytes(UTF_8))));
            assertArrayEquals("after".getBytes(UTF_8), ((Response.Value) c.call(new Request.Get("lock:k".getBytes(UTF_8))))
                    .value());
        } finally {
            NodeProcess.deleteTree(dir);
        }
    }
}
