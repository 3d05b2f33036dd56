package io.amdb.shell;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ./amdb shell …} from the repository root as a user would, as a separate JVM, with the given
 * stdin; stdout and stderr go to files (read after exit). Bounded: a shell still running after
 * {@link #TIMEOUT_SECONDS} is killed and the call fails.
 */
final class Launcher {
    static final int TIMEOUT_SECONDS = 60;

    /** What one run left behind. */
    record Run(int exit, String out, String err) {}

    private Launcher() {}

    /** The repository root: the module's parent directory, where the launcher lives. */
    static File repoRoot() {
        File dir = new File(System.getProperty("user.dir")).getAbsoluteFile();
        return new File(dir, "amdb").isFile() ? dir : dir.getParentFile();
    }

    static Run shell(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("./amdb", "shell"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("amdb-shell-", ".out");
        Path err = Files.createTempFile("amdb-shell-", ".err");
        Path in = Files.createTempFile("amdb-shell-", ".in");
        Process p = null;
        try {
            Files.writeString(in, stdin, StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(command).directory(repoRoot())
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("AMDB_URL");
            p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("shell still running after " + TIMEOUT_SECONDS + " s: " + command);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (Path f : List.of(out, err, in)) {
                deleteQuietly(f);
            }
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
