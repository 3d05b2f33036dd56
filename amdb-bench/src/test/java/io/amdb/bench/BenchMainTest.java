package io.amdb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.AmDbNode;
import io.amdb.node.config.NodeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A small bench run against a real node: the summary lines keep the form scripts parse. */
class BenchMainTest {
    private static final Pattern PHASE = Pattern.compile("^(PUT|GET) ops/s=\\d+ p50_us=\\d+ p99_us=\\d+ p999_us=\\d+$");

    private static List<String> run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new CommandLine(new BenchMain(new PrintStream(out, true, StandardCharsets.UTF_8))).execute(args);
        List<String> lines = Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\n"));
        assertEquals(0, code, "exit code; output: " + lines);
        return lines;
    }

    @Test
    void bench_smallRunAgainstNode_printsPhaseAndBaselineLines() throws Exception {
        AmDbNode node = AmDbNode.start(NodeConfig.defaults().withPort(0).withShards(2)).await(30, TimeUnit.SECONDS);
        try {
            List<String> lines = run("--port", Integer.toString(node.port()), "--ops", "5000", "--keys", "2000",
                    "--warmup", "1000", "--value-size", "10", "--connections", "2", "--pipeline", "16");
            assertTrue(lines.stream().filter(l -> PHASE.matcher(l).matches()).count() == 2, lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("PUT ")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.matches("BASELINE ratio .* put=\\d+\\.\\d\\d get=\\d+\\.\\d\\d")),
                    lines.toString());
            assertTrue(lines.stream().noneMatch(l -> l.contains("misses")), "every GET found its key: " + lines);
        } finally {
            node.stop().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void bench_viaJdbc_printsPhaseLinesInTheSameForm() throws Exception {
        AmDbNode node = AmDbNode.start(NodeConfig.defaults().withPort(0).withShards(2)).await(30, TimeUnit.SECONDS);
        try {
            List<String> lines = run("--via", "jdbc", "--port", Integer.toString(node.port()), "--ops", "5500",
                    "--keys", "2000", "--warmup", "1000", "--value-size", "10", "--connections", "2", "--no-baseline");
            assertTrue(lines.stream().filter(l -> PHASE.matcher(l).matches()).count() == 2, lines.toString());
            assertTrue(lines.get(0).contains("via=jdbc"), lines.toString());
            assertTrue(lines.stream().noneMatch(l -> l.contains("misses")), "every GET found its key: " + lines);
        } finally {
            node.stop().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void bench_viaBoth_printsNativeThenJdbcThenRatio() throws Exception {
        AmDbNode node = AmDbNode.start(NodeConfig.defaults().withPort(0).withShards(2)).await(30, TimeUnit.SECONDS);
        try {
            List<String> lines = run("--via", "both", "--port", Integer.toString(node.port()), "--ops", "3000",
                    "--keys", "1000", "--warmup", "0", "--value-size", "10", "--connections", "2", "--no-baseline");
            assertEquals(4, lines.stream().filter(l -> PHASE.matcher(l).matches()).count(), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.matches("RATIO jdbc/native PUT=\\d+\\.\\d\\d GET=\\d+\\.\\d\\d")),
                    lines.toString());
        } finally {
            node.stop().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void bench_unknownVia_exitsTwo() {
        int code = new CommandLine(new BenchMain(new PrintStream(new ByteArrayOutputStream())))
                .execute("--via", "odbc", "--no-baseline");
        assertEquals(2, code);
    }

    @Test
    void bench_noNodeListening_exitsOneWithHint() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there now
        }
        int code = new CommandLine(new BenchMain(new PrintStream(new ByteArrayOutputStream())))
                .execute("--port", Integer.toString(port), "--ops", "10", "--no-baseline");
        assertEquals(1, code);
    }
}
