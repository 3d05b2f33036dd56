package io.amdb.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A small network of Linux network namespaces for multi-process partition tests and the chaos harness: one namespace per node, each
 * with one veth whose other end is a port of a bridge in the root namespace. The nodes' addresses are on a /24
 * of 10.77.0.0/16 chosen free at random ({@code 10.77.X.10}, {@code .11}, …), and the bridge has {@code .1}, so
 * the test process (root namespace) reaches every node. {@link #cut} adds iptables rules in the nodes'
 * namespaces that silently drop (INPUT, DROP) what one node receives from another: a partition between nodes
 * only, the test keeps its access to both sides. Everything is created by the test and removed by name by
 * {@link #close()}, rules included, even after a failure.
 *
 * <p>Needs root (CI runs as root), iproute2 and iptables: {@code .ci/run} installs them when missing. When a
 * namespace cannot be made, {@link #create} fails with a message saying so: a test or run that needs real
 * partitions never passes without them.
 */
public final class NetNamespaces implements AutoCloseable {
    private static final long COMMAND_WAIT_S = 30; // hang guard for one ip/iptables command

    private final String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(), 6);
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> hostVeths = new ArrayList<>();
    private final List<List<String>> rules = new ArrayList<>(); // each: the namespace, then the rule's spec
    private String bridge;
    private String prefix; // "10.77.X."

    private NetNamespaces() {}

    /** Creates {@code nodes} namespaces on a fresh bridge; fails (never skips) when that is impossible here. */
    public static NetNamespaces create(int nodes) {
        NetNamespaces net = new NetNamespaces();
        try {
            net.build(nodes);
            return net;
        } catch (Exception | AssertionError e) {
            try {
                net.close();
            } catch (Exception cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new AssertionError("network namespaces are unavailable here, so this cannot run (it needs root, "
                    + "iproute2 and iptables; .ci/run installs the tools): " + e.getMessage(), e);
        }
    }

    private void build(int nodes) throws Exception {
        for (String tool : List.of("ip", "iptables")) {
            if (run(List.of("sh", "-c", "command -v " + tool)).isBlank()) {
                throw new IllegalStateException(tool + " is not installed");
            }
        }
        prefix = freeSubnet();
        bridge = "amdb" + tag + "br";
        run("ip", "link", "add", bridge, "type", "bridge");
        run("ip", "addr", "add", prefix + "1/24", "dev", bridge);
        run("ip", "link", "set", bridge, "up");
        for (int i = 0; i < nodes; i++) {
            String ns = "amdb-" + tag + "-" + i;
            run("ip", "netns", "add", ns);
            namespaces.add(ns);
            String host = "amdb" + tag + "h" + i;
            String peer = "amdb" + tag + "n" + i;
            run("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
            hostVeths.add(host);
            run("ip", "link", "set", peer, "netns", ns);
            run("ip", "-n", ns, "link", "set", peer, "name", "eth0");
            run("ip", "-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
            run("ip", "-n", ns, "link", "set", "eth0", "up");
            run("ip", "-n", ns, "link", "set", "lo", "up");
            run("ip", "link", "set", host, "master", bridge);
            run("ip", "link", "set", host, "up");
            run("ip", "netns", "exec", ns, "iptables", "-S", "INPUT"); // iptables works in the namespace
        }
    }

    /** A 10.77.X.0/24 that no address or route of the root namespace uses (another test may run meanwhile). */
    private static String freeSubnet() throws Exception {
        String used = run("ip", "-4", "addr") + run("ip", "-4", "route");
        for (int attempt = 0; attempt < 64; attempt++) {
            String candidate = "10.77." + ThreadLocalRandom.current().nextInt(256) + ".";
            if (!used.contains(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free /24 in 10.77.0.0/16: " + used);
    }

    /** Node {@code i}'s address (inside its namespace). */
    public String address(int i) {
        return prefix + (10 + i);
    }

    /** The command prefix that runs a program in node {@code i}'s namespace (it execs the program: same PID). */
    public List<String> exec(int i) {
        return List.of("ip", "netns", "exec", namespaces.get(i));
    }

    /** Drops everything each node of {@code side} receives from each node of {@code other}, and the reverse. */
    public void cut(Collection<Integer> side, Collection<Integer> other) throws Exception {
        for (int i : side) {
            for (int j : other) {
                drop(i, j);
                drop(j, i);
            }
        }
    }

    private void drop(int at, int from) throws Exception {
        List<String> rule = List.of(namespaces.get(at), "INPUT", "-s", address(from) + "/32", "-j", "DROP");
        run(iptables(rule, "-A"));
        rules.add(rule);
    }

    /** Removes every rule {@link #cut} added, each by its spec. */
    public void heal() throws Exception {
        while (!rules.isEmpty()) {
            run(iptables(rules.get(rules.size() - 1), "-D"));
            rules.remove(rules.size() - 1);
        }
    }

    /** The iptables rules of every namespace, for failure messages and the test's report. */
    public String describeRules() {
        StringBuilder s = new StringBuilder();
        for (String ns : namespaces) {
            try {
                s.append(ns).append(": ").append(run("ip", "netns", "exec", ns, "iptables", "-S", "INPUT").trim()
                        .replace('\n', ';')).append('\n');
            } catch (Exception e) {
                s.append(ns).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return s.toString();
    }

    private static List<String> iptables(List<String> rule, String action) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", rule.get(0), "iptables", "-w", action));
        cmd.addAll(rule.subList(1, rule.size()));
        return cmd;
    }

    /** Removes the rules, the veths (each takes its peer along), the bridge and the namespaces, by name. */
    @Override
    public void close() throws Exception {
        List<String> failures = new ArrayList<>();
        try {
            heal();
        } catch (Exception e) {
            failures.add(e.getMessage());
        }
        for (String host : hostVeths) {
            tryRun(failures, "ip", "link", "del", host);
        }
        hostVeths.clear();
        if (bridge != null) {
            tryRun(failures, "ip", "link", "del", bridge);
            bridge = null;
        }
        for (String ns : namespaces) {
            tryRun(failures, "ip", "netns", "del", ns);
        }
        namespaces.clear();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("cleaning up the test network: " + failures);
        }
    }

    private static void tryRun(List<String> failures, String... cmd) {
        try {
            run(cmd);
        } catch (Exception e) {
            failures.add(e.getMessage());
        }
    }

    private static String run(String... cmd) throws Exception {
        return run(List.of(cmd));
    }

    /** Runs a command (bounded), returns its output; fails with the command and its output when it exits non-zero. */
    private static String run(List<String> cmd) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        }
        p.getOutputStream().close();
        if (!p.waitFor(COMMAND_WAIT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + ": still running after " + COMMAND_WAIT_S + " s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0 && !cmd.get(0).equals("sh")) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out.trim());
        }
        return out;
    }
}
