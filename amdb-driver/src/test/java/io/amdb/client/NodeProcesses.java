package io.amdb.client;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AmDb nodes as separate JVMs, started the way a user starts them ({@code ./amdb start} from the repository
 * root), for the multi-process cluster test. Every process started is stopped by {@link #close()}.
 */
final class NodeProcesses implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("ready on \\S+:(\\d+) ");
    static final long WAIT_S = 180; // hang guard, not a timing assertion

    /** One node process and the files its stdout and stderr go to. */
    record Node(String id, Process process, Path out, Path err, Path dataDir) {
        List<String> stdout() throws IOException {
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        }

        /** The last {@code n} lines of stderr (where a node says why it failed to start), for failure messages. */
        String stderrTail(int n) {
            try {
                List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
            } catch (IOException e) {
                return "(stderr unreadable: " + e + ")";
            }
        }

        /** stdout, then the tail of stderr: what a failure message shows of a node. */
        String describe() throws IOException {
            return id + " stdout:\n" + String.join("\n", stdout()) + "\n" + id + " stderr (last lines):\n" + stderrTail(Integer.getInteger("amdb.test.stderrLines", 15));
        }
    }

    private final List<Node> started = new ArrayList<>();

    Node start(String id, String... flags) throws IOException {
        return start(List.of(), java.util.Map.of(), id, flags);
    }

    /**
     * Starts {@code PREFIX ./amdb start --node-id ID FLAGS} with {@code env} added to its environment. The prefix
     * must exec the launcher in its own process ({@code ip netns exec NS}), so the process is the node's JVM.
     */
    Node start(List<String> prefix, java.util.Map<String, String> env, String id, String... flags) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("./amdb", "start", "--node-id", id));
        command.addAll(List.of(flags));
        Path dataDir = null;
        if (!command.contains("--data-dir") && !command.contains("--durability")) { // never in the repository
            dataDir = Files.createTempDirectory("amdb-data-" + id + "-");
            command.addAll(List.of("--data-dir", dataDir.toString()));
        }
        Path out = Files.createTempFile("amdb-" + id + "-", ".out");
        Path err = Files.createTempFile("amdb-" + id + "-", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(repoRoot()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        Node node = new Node(id, p, out, err, dataDir);
        started.add(node);
        return node;
    }

    /** Polls (bounded) for the node's ready line and returns the protocol port it names. */
    static int awaitReady(Node node) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (System.nanoTime() < deadline) {
            for (String line : node.stdout()) {
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            if (!node.process().isAlive()) {
                throw new IllegalStateException(node.id() + " exited with " + node.process().exitValue() + ":\n"
                        + node.describe());
            }
            node.process().waitFor(50, TimeUnit.MILLISECONDS); // polling interval, bounded by the deadline
        }
        throw new IllegalStateException(node.id() + ": no ready line within " + WAIT_S + " s:\n" + node.describe());
    }

    /**
     * Polls (bounded by WAIT_S) every node's own table, asked of each port directly (a driver's refresh would adopt
     * the newest table any node has, and hide a node left behind), until all hold the same table and it satisfies
     * {@code ok}; returns it. {@code seen} is told of every table read (to check across a run).
     */
    static io.amdb.protocol.PartitionTable awaitConverged(int[] ports,
            java.util.function.Predicate<io.amdb.protocol.PartitionTable> ok,
            java.util.function.Consumer<io.amdb.protocol.PartitionTable> seen, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        List<String> last = List.of();
        while (System.nanoTime() < deadline) {
            List<io.amdb.protocol.PartitionTable> tables = new ArrayList<>();
            last = new ArrayList<>();
            for (int port : ports) {
                try (NodeProbe probe = new NodeProbe("127.0.0.1", port, 10_000)) {
                    io.amdb.protocol.PartitionTable t = probe.table();
                    seen.accept(t);
                    tables.add(t);
                    last.add(port + ": " + t);
                } catch (java.io.IOException e) {
                    last.add(port + ": " + e);
                }
            }
            if (tables.size() == ports.length && tables.stream().allMatch(tables.get(0)::sameContentAs)
                    && ok.test(tables.get(0))) {
                return tables.get(0);
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval, bounded by the deadline
        }
        throw new AssertionError("no common " + what + " table within " + WAIT_S + " s: " + last);
    }

    /** Refreshes the client's table until it satisfies {@code ok} (bounded by WAIT_S) and returns it. */
    static io.amdb.protocol.PartitionTable awaitTable(AmDbClient client,
            java.util.function.Predicate<io.amdb.protocol.PartitionTable> ok, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (true) {
            io.amdb.protocol.PartitionTable t = client.refreshTable().get(WAIT_S, TimeUnit.SECONDS);
            if (ok.test(t)) {
                return t;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " table within " + WAIT_S + " s: " + t);
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval, bounded by the deadline
        }
    }

    private static File repoRoot() {
        File dir = new File(System.getProperty("user.dir")).getAbsoluteFile();
        return new File(dir, "amdb").isFile() ? dir : dir.getParentFile();
    }

    @Override
    public void close() throws Exception {
        for (Node n : started) {
            if (n.process().isAlive()) {
                n.process().destroyForcibly();
                n.process().waitFor(30, TimeUnit.SECONDS);
            }
            if (!Boolean.getBoolean("amdb.test.keepLogs")) { // -Damdb.test.keepLogs=true keeps them for a look
                Files.deleteIfExists(n.out());
                Files.deleteIfExists(n.err());
            }
            if (n.dataDir() != null) {
                try (var files = Files.walk(n.dataDir())) {
                    for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
        }
    }
}
