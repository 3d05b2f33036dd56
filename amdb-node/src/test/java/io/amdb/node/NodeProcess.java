package io.amdb.node;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node started the way a user starts one — {@code ./amdb start} from the repository root — as a
 * separate JVM on loopback. Its stdout goes to a file (a pipe read after the process exits loses lines to
 * the JDK's drain-on-exit), which the test polls; {@link #close()} kills the process if a test left it
 * running.
 */
final class NodeProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("ready on 127\\.0\\.0\\.1:(\\d+)");

    final Process process;
    private final Path stdoutFile;
    private final Path stderrFile; // null: stderr is the test's own
    private final Path dataDir; // null: the test chose where data lives

    private NodeProcess(Process process, Path stdoutFile, Path stderrFile, Path dataDir) {
        this.process = process;
        this.stdoutFile = stdoutFile;
        this.stderrFile = stderrFile;
        this.dataDir = dataDir;
    }

    /** Deletes a directory tree (a test's data directory). */
    static void deleteTree(Path dir) throws IOException {
        if (dir != null && Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    /** The repository root: the module's parent directory, where the launcher lives. */
    static File repoRoot() {
        File dir = new File(System.getProperty("user.dir")).getAbsoluteFile();
        return new File(dir, "amdb").isFile() ? dir : dir.getParentFile();
    }

    /**
     * Starts {@code ./amdb start FLAGS}; unless the flags name a data directory or a durability mode, the node
     * keeps its data in a fresh temporary directory (deleted by {@link #close()}), never in the repository.
     */
    static NodeProcess start(String... flags) throws IOException {
        return launch(Map.of(), false, flags);
    }

    /**
     * Starts {@code ./amdb start FLAGS} with {@code env} added to its environment (e.g. {@code JAVA_OPTS}, which the
     * launcher passes to the JVM); its stderr goes to a file that {@link #stderr()} reads.
     */
    static NodeProcess start(Map<String, String> env, String... flags) throws IOException {
        return launch(env, true, flags);
    }

    private static NodeProcess launch(Map<String, String> env, boolean captureStderr, String... flags)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("./amdb", "start"));
        command.addAll(List.of(flags));
        Path dataDir = null;
        if (!command.contains("--data-dir") && !command.contains("--durability")) {
            dataDir = Files.createTempDirectory("amdb-data-");
            command.addAll(List.of("--data-dir", dataDir.toString()));
        }
        Path out = Files.createTempFile("amdb-node-", ".out");
        Path err = captureStderr ? Files.createTempFile("amdb-node-", ".err") : null;
        ProcessBuilder pb = new ProcessBuilder(command).directory(repoRoot())
                .redirectOutput(out.toFile())
                .redirectError(err != null ? ProcessBuilder.Redirect.to(err.toFile()) : ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        return new NodeProcess(pb.start(), out, err, dataDir);
    }

    /** Polls (bounded, as a hang guard) for the ready line and returns the port it names. */
    int awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            for (String line : stdout()) {
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("node exited with " + process.exitValue() + ": " + output());
            }
            process.waitFor(50, TimeUnit.MILLISECONDS); // polling interval, bounded by the deadline
        }
        throw new IllegalStateException("no ready line within 120 s: " + output());
    }

    /** The lines printed so far. */
    List<String> stdout() throws IOException {
        return Files.readAllLines(stdoutFile, StandardCharsets.UTF_8);
    }

    /** What the node printed so far, stdout then (when the test holds it) stderr, for failure messages. */
    String output() throws IOException {
        return stderrFile == null ? stdout().toString() : stdout() + " stderr: " + stderr();
    }

    /** The lines printed on stderr so far; only for a node started with an environment (see {@link #start(Map, String...)}). */
    List<String> stderr() throws IOException {
        if (stderrFile == null) {
            throw new IllegalStateException("this node's stderr is the test's own");
        }
        return Files.readAllLines(stderrFile, StandardCharsets.UTF_8);
    }

    /** Kills the node with SIGKILL (kill -9: nothing of it runs after) and waits, bounded, until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node still running 30 s after SIGKILL");
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(stdoutFile);
        if (stderrFile != null) {
            Files.deleteIfExists(stderrFile);
        }
        deleteTree(dataDir);
    }
}
