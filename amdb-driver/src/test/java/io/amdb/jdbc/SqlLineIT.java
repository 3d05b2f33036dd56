package io.amdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sqlline 1.12.0, a real JDBC tool, in its own JVM with only its jar and target/amdb-jdbc.jar on the class
 * path: the driver must be found through the shaded jar's META-INF/services (no -d option), answer the
 * metadata sqlline asks for while connecting, list the table and run an INSERT and a SELECT. Runs after
 * {@code package} (failsafe), which builds amdb-jdbc.jar; Maven copies sqlline's jar into target/sqlline.
 */
class SqlLineIT {
    private static final long WAIT_SECONDS = 60;

    private static TestNode node;

    @TempDir
    Path dir;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start();
    }

    @AfterAll
    static void stopNode() throws Exception {
        node.close();
    }

    /** Runs sqlline on {@code script} (lines) and returns its exit code; the output is in {@code out}. */
    private int sqlline(List<String> script, Path out) throws IOException, InterruptedException {
        Path file = Files.write(dir.resolve("script.sql"), script, StandardCharsets.UTF_8);
        String classPath = jar("sqlline.jar") + File.pathSeparator + jar("amdb.jdbc.jar");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + dir, "-cp", classPath, "sqlline.SqlLine", "--maxWidth=200", "--run=" + file)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        Process p = pb.start();
        try {
            p.getOutputStream().close(); // no input: sqlline reads only the script
            if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("sqlline did not finish within " + WAIT_SECONDS + " s; output:\n" + read(out));
            }
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }

    private static String jar(String property) {
        String path = System.getProperty(property);
        assertTrue(path != null && Files.isRegularFile(Path.of(path)), property + " not found: " + path);
        return path;
    }

    private static String read(Path out) throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void sqlline_connectTablesInsertSelect_succeeds() throws Exception {
        Path out = dir.resolve("out.txt");
        int exit = sqlline(List.of(
                "!connect " + node.url() + " u p",
                "!tables",
                "INSERT INTO kv (k, v) VALUES ('it:greeting', 'hello'), ('it:other', 'x');",
                "SELECT k, v FROM kv WHERE k = 'it:greeting';",
                "!quit"), out);
        String output = read(out);
        assertEquals(0, exit, output);
        assertFalse(output.contains("No suitable driver"), output);
        assertTrue(output.matches("(?s).*\\|\\s+\\|\\s+\\| KV\\s+\\| TABLE\\s+\\|.*"), "!tables lists KV:\n" + output);
        assertTrue(output.contains("2 rows affected"), output);
        assertTrue(output.matches("(?s).*\\|\\s+K\\s+\\|\\s+V\\s+\\|.*"), "header K, V:\n" + output);
        assertTrue(output.matches("(?s).*\\| it:greeting \\| hello \\|.*"), "the row:\n" + output);
        assertTrue(output.contains("1 row selected"), output);
    }

    @Test
    void sqlline_badStatement_reportsSqlStateAndFails() throws Exception {
        Path out = dir.resolve("out.txt");
        int exit = sqlline(List.of(
                "!connect " + node.url() + " u p",
                "SELECT k v FROM kv;",
                "!quit"), out);
        String output = read(out);
        assertNotEquals(0, exit, output);
        assertTrue(output.contains("syntax error at position 10: expected FROM, found 'v' (state=42000,code=0)"), output);
    }
}
