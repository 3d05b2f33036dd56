package io.amdb.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The web console in a real headless Chromium (Debian's, driven by playwright-core; src/test/js): the page
 * loads from the node, shows the node on the ring, runs a put and a get from the query box, draws the live
 * ops/s chart, and leaves a screenshot at target/console-screenshot.png.
 */
class ConsoleBrowserTest {
    private static final Path SCRIPTS = Path.of("src/test/js");
    private static final Path SCREENSHOT = Path.of("target/console-screenshot.png").toAbsolutePath();

    @Test
    void console_inHeadlessChromium_showsTheRing_runsQueries_andDrawsTheChart() throws Exception {
        String chromium = NodeScripts.chromium();
        NodeScripts.installPackages(SCRIPTS);
        Files.deleteIfExists(SCREENSHOT);
        Path data = Files.createTempDirectory("amdb-console-data-");
        try (HttpTestNode db = HttpTestNode.start(HttpTestNode.config().withStorage(
                io.amdb.node.config.StorageConfig.durable(io.amdb.node.persist.Durability.ASYNC, data)))) {
            NodeScripts.Result r = NodeScripts.run(SCRIPTS, Duration.ofSeconds(120), "env", "CHROMIUM=" + chromium,
                    "node", "console-smoke.mjs", db.base() + "/", db.node.config().nodeId(), SCREENSHOT.toString());
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("CONSOLE OK"), r.output());
        } finally {
            try (var files = Files.walk(data)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
        assertTrue(Files.size(SCREENSHOT) > 10_000, "screenshot too small to show the console");
    }
}
