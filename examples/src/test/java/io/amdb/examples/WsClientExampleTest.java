package io.amdb.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.AmDbNode;
import io.amdb.node.config.NodeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs examples/js/ws-client.mjs (Node 20 and the `ws` package) against a real node so it keeps working. */
class WsClientExampleTest {
    private static final Path JS = Path.of("js");

    @Test
    void wsClient_putsGetsAndWatches() throws Exception {
        if (!Files.isDirectory(JS.resolve("node_modules"))) {
            assertEquals(0, node(List.of("npm", "ci", "--no-audit", "--no-fund"), 300).exit, "npm ci in examples/js");
        }
        AmDbNode db = AmDbNode.start(NodeConfig.defaults().withPort(0).withShards(2)).await(30, TimeUnit.SECONDS);
        Run run;
        try {
            run = node(List.of("node", "ws-client.mjs", "ws://127.0.0.1:" + db.httpPort() + "/v1/ws"), 60);
        } finally {
            db.stop().await(30, TimeUnit.SECONDS);
        }
        assertEquals(0, run.exit, run.output);
        assertTrue(run.output.contains("get js:greeting -> hello from node"), run.output);
        assertTrue(run.output.contains("event put js:greeting = hello from node"), run.output);
        assertTrue(run.output.contains("event delete js:greeting"), run.output);
        assertTrue(run.output.contains("error reply: KEY_EMPTY"), run.output);
    }

    private record Run(int exit, String output) {}

    /** Runs a command in examples/js, killed (and failed) after {@code seconds}. */
    private static Run node(List<String> command, int seconds) throws Exception {
        Path out = Files.createTempFile("ws-client", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(JS.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly); // npm starts node: kill the whole tree
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(command + " ran longer than " + seconds + " s: " + Files.readString(out));
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
