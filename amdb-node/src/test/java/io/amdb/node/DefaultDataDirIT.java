package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A newcomer's path: the launcher run with no data flags from some working directory keeps the node's data in
 * {@code ./amdb-data/node-<port>}, says so on the ready line, and the very same command started again finds it.
 */
class DefaultDataDirIT {
    private static final Pattern READY = Pattern.compile("ready on 127\\.0\\.0\\.1:(\\d+).*durability async, data in (.+?), replication ");

    @Test
    void sameCommandTwice_sameDirectory_dataIsBack() throws Exception {
        Path cwd = Files.createTempDirectory("amdb-cwd-");
        int port = TestPorts.free(1)[0];
        List<String> command = List.of(new File(NodeProcess.repoRoot(), "amdb").getAbsolutePath(), "start",
                "--standalone", "--port", Integer.toString(port), "--http-port", "-1");
        try {
            Path expected = cwd.toRealPath().resolve("amdb-data").resolve("node-" + port);
            Process first = start(command, cwd);
            try {
                assertEquals(expected.toString(), awaitReady(first, cwd).group(2));
                try (RawClient c = new RawClient(port)) {
                    c.call(new Request.Put("greeting".getBytes(UTF_8), "hello".getBytes(UTF_8)));
                }
            } finally {
                first.destroyForcibly(); // kill -9: async mode loses no acknowledged write
                first.waitFor(30, TimeUnit.SECONDS);
            }
            Process second = start(command, cwd);
            try {
                Matcher ready = awaitReady(second, cwd);
                assertEquals(expected.toString(), ready.group(2));
                try (RawClient c = new RawClient(port)) {
                    Response r = c.call(new Request.Get("greeting".getBytes(UTF_8)));
                    assertArrayEquals("hello".getBytes(UTF_8), ((Response.Value) r).value());
                }
                List<String> out = Files.readAllLines(cwd.resolve("out.txt"), UTF_8);
                assertTrue(out.stream().anyMatch(l -> l.contains("recovered 1 keys")), out.toString());
            } finally {
                second.destroy();
                assertTrue(second.waitFor(60, TimeUnit.SECONDS), "SIGTERM stops the node");
            }
        } finally {
            NodeProcess.deleteTree(cwd);
        }
    }

    private static Process start(List<String> command, Path cwd) throws Exception {
        Files.deleteIfExists(cwd.resolve("out.txt"));
        return new ProcessBuilder(command).directory(cwd.toFile()).redirectOutput(cwd.resolve("out.txt").toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Polls (bounded) for the ready line. */
    private static Matcher awaitReady(Process p, Path cwd) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        List<String> lines = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            lines = Files.readAllLines(cwd.resolve("out.txt"), UTF_8);
            for (String line : lines) {
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            assertTrue(p.isAlive(), "node exited: " + lines);
            p.waitFor(50, TimeUnit.MILLISECONDS); // polling interval, bounded by the deadline
        }
        throw new AssertionError("no ready line within 120 s: " + lines);
    }
}
