package io.amdb.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The cluster under test: AmDb nodes as separate JVMs, each started as a user starts one ({@code ./amdb start}), with
 * its own data directory under the run's work directory. Nodes are killed (SIGKILL), paused (SIGSTOP, SIGCONT),
 * stopped (SIGTERM: a graceful leave) and started again on their data directory. A node runs in a <em>slot</em>: an
 * address and Hazelcast port that every node's join list names, so a node started later finds the cluster; a node
 * that leaves frees its slot for a later one. Slots are loopback ports, or, when the set has {@link NetNamespaces},
 * one network namespace each, which lets {@link #cut} split the network for real. Every process started is stopped
 * by {@link #close()}. Not thread-safe: the nemesis and the harness call it from one thread.
 */
final class NodeSet implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("ready on \\S+:(\\d+) ");
    /** Hang guard for a node's start and stop; never a timing assertion. */
    static final long WAIT_S = 180;

    /** The Hazelcast port of every node in a namespace (each namespace has an address of its own). */
    private static final int NAMESPACE_CLUSTER_PORT = 5701;

    /** One node: a name, its slot and data directory, and its process while it runs. */
    static final class Node {
        final String name;
        final int slot;
        final Path dataDir;
        Process process;
        String host;
        int port;
        boolean paused;
        Path out;

        Node(String name, int slot, Path dataDir) {
            this.name = name;
            this.slot = slot;
            this.dataDir = dataDir;
        }

        boolean running() {
            return process != null && process.isAlive();
        }

        String address() {
            return host + ":" + port;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final Path root;
    private final Path work;
    private final String clusterName;
    private final int replicationFactor;
    private final int[] clusterPorts; // per slot: loopback mode
    private final NetNamespaces net; // null: loopback mode
    private final List<String> joinList = new ArrayList<>();
    private final java.util.ArrayDeque<Integer> freeSlots = new java.util.ArrayDeque<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Node> retired = new ArrayList<>();
    private int named;

    /**
     * @param root the repository (where the {@code amdb} launcher is)
     * @param clusterPorts one loopback Hazelcast port per slot (loopback mode; ignored with {@code net})
     * @param net one namespace per slot, or null for loopback
     */
    NodeSet(Path root, Path work, String clusterName, int replicationFactor, int[] clusterPorts, NetNamespaces net,
            int slots) {
        this.root = root;
        this.work = work;
        this.clusterName = clusterName;
        this.replicationFactor = replicationFactor;
        this.clusterPorts = clusterPorts;
        this.net = net;
        for (int i = 0; i < slots; i++) {
            joinList.add(net != null ? net.address(i) + ":" + NAMESPACE_CLUSTER_PORT : "127.0.0.1:" + clusterPorts[i]);
            freeSlots.add(i);
        }
    }

    /** Whether {@link #add} has a slot for one more node. */
    boolean hasFreeSlot() {
        return !freeSlots.isEmpty();
    }

    /** Whether {@link #cut} can split the network (the nodes run in namespaces). */
    boolean partitionable() {
        return net != null;
    }

    /** Drops all traffic between the nodes of {@code side} and the other running nodes, both ways. */
    void cut(List<Node> side, List<Node> other) throws Exception {
        net.cut(side.stream().map(n -> n.slot).toList(), other.stream().map(n -> n.slot).toList());
    }

    /** Removes every cut. */
    void heal() throws Exception {
        net.heal();
    }

    /** The nodes that are members or meant to be (running, paused or killed to be restarted), in start order. */
    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    List<Node> running() {
        return nodes.stream().filter(Node::running).toList();
    }

    /** Creates and starts a new node on the next free cluster port; returns it once it printed its ready line. */
    Node add() throws IOException, InterruptedException {
        if (freeSlots.isEmpty()) {
            throw new IllegalStateException("no slot left for another node (" + joinList.size() + " in all)");
        }
        String name = "n" + named++;
        Node node = new Node(name, freeSlots.poll(), Files.createDirectories(work.resolve(name + "-data")));
        nodes.add(node);
        start(node);
        return node;
    }

    /** Starts {@code node} (again) on its data directory and waits for its ready line. */
    void start(Node node) throws IOException, InterruptedException {
        if (node.running()) {
            throw new IllegalStateException(node + " is running");
        }
        node.host = net != null ? net.address(node.slot) : "127.0.0.1";
        int clusterPort = net != null ? NAMESPACE_CLUSTER_PORT : clusterPorts[node.slot];
        List<String> command = new ArrayList<>(net != null ? net.exec(node.slot) : List.of());
        command.addAll(List.of(root.resolve("amdb").toString(), "start", "--node-id", node.name, "--host", node.host,
                "--port", "0", "--http-port", "-1", "--shards", "1", "--replication-factor",
                Integer.toString(replicationFactor), "--cluster-name", clusterName, "--cluster-port",
                Integer.toString(clusterPort), "--join", String.join(",", joinList), "--data-dir",
                node.dataDir.toString()));
        node.out = work.resolve(node.name + "-" + System.nanoTime() + ".out");
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(node.out.toFile());
        Map<String, String> env = pb.environment();
        env.put("JAVA_OPTS", (env.getOrDefault("JAVA_OPTS", "") + " -Xmx512m").trim());
        env.put("AMDB_LOG_LEVEL", "WARNING," + TRACE_LOGGER + "=FINE"); // quoted for a key whose check fails
        node.process = pb.start();
        node.paused = false;
        node.port = awaitReady(node);
    }

    /** SIGKILL: the node stops at once, handing nothing off; its data directory stays for a restart. */
    void kill(Node node) throws IOException, InterruptedException {
        signal(node, "KILL");
        node.process.waitFor(WAIT_S, TimeUnit.SECONDS);
        node.paused = false;
    }

    /** SIGSTOP: the node freezes (its leases run out, its peers stop hearing from it) until {@link #resume}. */
    void pause(Node node) throws IOException, InterruptedException {
        signal(node, "STOP");
        node.paused = true;
    }

    void resume(Node node) throws IOException, InterruptedException {
        signal(node, "CONT");
        node.paused = false;
    }

    /** SIGTERM: the node hands its partitions off and leaves; waits for it to exit. */
    void stop(Node node) throws IOException, InterruptedException {
        if (node.paused) {
            resume(node);
        }
        signal(node, "TERM");
        if (!node.process.waitFor(WAIT_S, TimeUnit.SECONDS)) {
            throw new IllegalStateException(node + " did not stop within " + WAIT_S + " s of SIGTERM");
        }
    }

    /** Stops {@code node} for good (a leave): it is no longer one of {@link #nodes()}. */
    void retire(Node node) throws IOException, InterruptedException {
        stop(node);
        nodes.remove(node);
        retired.add(node);
        freeSlots.add(node.slot);
    }

    /** The protocol addresses of the running, unpaused nodes: seeds for a client. */
    List<String> seeds() {
        return nodes.stream().filter(n -> n.running() && !n.paused).map(Node::address).toList();
    }

    private static void signal(Node node, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.process.pid())).inheritIO().start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + node + " failed");
        }
    }

    private static int awaitReady(Node node) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(node.out, StandardCharsets.UTF_8)) {
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            if (!node.process.isAlive()) {
                throw new IllegalStateException(node + " exited with " + node.process.exitValue() + ": " + tail(node));
            }
            node.process.waitFor(50, TimeUnit.MILLISECONDS); // polling interval, bounded by the deadline
        }
        throw new IllegalStateException(node + ": no ready line within " + WAIT_S + " s: " + tail(node));
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** The nodes' partition trace (io.amdb.node.PartitionTrace, which the harness cannot link to). */
    static final String TRACE_LOGGER = "io.amdb.partitions";

    /**
     * Every node process's trace lines of one partition ({@code partition <n>:}), the last {@code max} of each
     * process, under a line naming its output file: what the copies of a key did, for a failed check.
     */
    List<String> trace(int partition, int max) {
        String mark = "partition " + partition + ":";
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(work)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".out")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                        .filter(l -> l.contains(mark)).toList();
                out.add("--- " + f.getFileName() + " (" + lines.size() + " lines of partition " + partition + ")");
                out.addAll(lines.subList(Math.max(0, lines.size() - max), lines.size()));
            }
        } catch (IOException e) {
            out.add("(node output unreadable: " + e + ")");
        }
        return out;
    }

    /** The last lines a node printed, for failure messages. */
    static String tail(Node node) {
        try {
            List<String> lines = Files.readAllLines(node.out, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /** The INFO fields that say where a node stands in the cluster: its table, its place in the table log, its copies. */
    private static final List<String> STATE_FIELDS = List.of("table_epoch", "members", "live_members",
            "migrations_in_flight", "partitions_owned", "partitions_backup", "partitions_under_replicated",
            "partitions_lost", "table_log_role", "table_log_leader", "table_log_voters", "table_log_listeners",
            "table_log_caught_up", "requests_waiting_for_table");

    /** The INFO fields of {@code node}, asked of it alone (bounded); throws when it does not answer. */
    static Map<String, String> info(Node node) throws Exception {
        io.amdb.client.ClientOptions options = io.amdb.client.ClientOptions.builder()
                .requestTimeout(java.time.Duration.ofSeconds(5)).build();
        try (io.amdb.client.AmDbClient client = io.amdb.client.AmDbClient.connect(List.of(node.address()), options)) {
            return client.info().get(10, TimeUnit.SECONDS);
        }
    }

    /** Where {@code node} stands, or why it did not answer: for a failure's report. */
    static String state(Node node) {
        try {
            Map<String, String> info = info(node);
            StringBuilder out = new StringBuilder();
            for (String f : STATE_FIELDS) {
                out.append(out.length() == 0 ? "" : ", ").append(f).append('=').append(info.get(f));
            }
            return out.toString();
        } catch (Exception e) {
            return "(no answer: " + e + ")";
        }
    }

    /** Kills every process started (SIGCONT first for a paused one) and, unless {@code keep}, deletes the work directory. */
    /**
     * Stops every node process (by PID), removes the network namespaces, and deletes the work directory unless
     * {@code keep}. Once only: a second call (the harness's shutdown hook after its own close) does nothing.
     */
    void close(boolean keep) throws IOException, InterruptedException {
        if (closed.getAndSet(true)) {
            return;
        }
        for (Node n : Stream.concat(nodes.stream(), retired.stream()).toList()) {
            if (n.running()) {
                n.process.destroyForcibly();
                n.process.waitFor(WAIT_S, TimeUnit.SECONDS);
            }
        }
        if (net != null) {
            try {
                net.close();
            } catch (Exception e) {
                System.out.println("chaos: removing the network namespaces failed: " + e.getMessage());
            }
        }
        if (!keep) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        close(false);
    }
}
