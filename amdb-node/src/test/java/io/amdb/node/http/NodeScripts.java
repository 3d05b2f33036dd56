package io.amdb.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs Node.js scripts from tests with a bounded time: installs a script directory's npm packages from its
 * committed lock file when they are missing, and finds Debian's chromium ({@code .ci/install-chromium}).
 */
final class NodeScripts {
    /** What a finished process exited with and printed (stdout and stderr together). */
    record Result(int exit, String output) {}

    private NodeScripts() {}

    /** {@code npm ci} in {@code dir} unless its node_modules already exists. */
    static void installPackages(Path dir) throws Exception {
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            Result r = run(dir, Duration.ofSeconds(300), "npm", "ci", "--no-audit", "--no-fund");
            assertEquals(0, r.exit(), "npm ci in " + dir + " failed:\n" + r.output());
        }
    }

    /** The chromium binary ($CHROMIUM or /usr/bin/chromium); fails with the install hint when absent. */
    static String chromium() {
        String path = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        assertTrue(new File(path).canExecute(), "no chromium at " + path + ": run .ci/install-chromium (as root)");
        return path;
    }

    /** Runs {@code command} in {@code dir}; a run longer than {@code timeout} is killed and fails the test. */
    static Result run(Path dir, Duration timeout, String... command) throws Exception {
        Path log = Files.createTempFile("amdb-script", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly); // chromium, npm: not only the direct child
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(finished, String.join(" ", command) + " ran longer than " + timeout + ":\n" + output);
            return new Result(p.exitValue(), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
