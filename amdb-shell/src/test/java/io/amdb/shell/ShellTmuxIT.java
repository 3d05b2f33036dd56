package io.amdb.shell;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REPL in a real terminal: tmux runs {@code ./amdb shell} in a pane on its own server socket, the test
 * types with send-keys and reads the screen with capture-pane, polling each expectation up to a deadline.
 * The tmux server is killed at the end whatever happens. tmux must be installed (.ci/run installs it).
 */
@Timeout(180)
class ShellTmuxIT extends NodeTest {
    private static final long DEADLINE_SECONDS = 60;

    private final String socket = "amdb-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @Test
    void repl_historyRecallCompletionMultiLineAndCtrlD(@TempDir Path dir) throws Exception {
        Path history = dir.resolve("history");
        Path exit = dir.resolve("exit"); // the shell's exit code, written by the pane's sh after the shell ends
        try {
            tmux("new-session", "-d", "-s", "it", "-x", "160", "-y", "50", "-c", Launcher.repoRoot().toString(),
                    "AMDB_HISTFILE=" + history + " ./amdb shell --url " + TestShell.url(node) + "; echo $? > " + exit);
            awaitScreen("the banner and prompt", s -> s.contains("connected to AmDb") && lastLine(s).equals("amdb>"));

            type("PUT tmux:k hello");
            keys("Enter");
            awaitScreen("OK", s -> s.contains("\nOK\n"));
            awaitPrompt();

            keys("Up");
            awaitScreen("the previous command recalled", s -> lastLine(s).equals("amdb> PUT tmux:k hello"));
            keys("C-u");

            type("\\clu");
            keys("Tab");
            awaitScreen("\\clu completed", s -> lastLine(s).equals("amdb> \\cluster"));
            keys("Enter");
            awaitScreen("the cluster view", s -> s.contains("Nodes") && s.contains("| up "));
            awaitPrompt();

            type("SELECT k, v FROM kv");
            keys("Enter");
            awaitScreen("the continuation prompt", s -> lastLine(s).equals("...>"));
            type("WHERE k = 'tmux:k'\\;"); // tmux reads a trailing ';' as its own command separator unless escaped
            keys("Enter");
            awaitScreen("the query's row", s -> s.contains("| tmux:k | hello |"));
            awaitPrompt(); // keys typed while a command runs reach a cooked tty, where Ctrl-D is the line discipline's

            keys("C-d");
            awaitFile(exit);
            assertEquals("0", Files.readString(exit).strip());
            String saved = Files.readString(history, StandardCharsets.UTF_8);
            assertTrue(saved.contains("PUT tmux:k hello") && saved.contains("\\\\cluster"), saved);
        } finally {
            tmuxQuietly("kill-server");
        }
    }

    /** Polls until {@code file} exists and is not empty (the writer finishes with a newline). */
    private static void awaitFile(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (!(Files.exists(file) && Files.readString(file).endsWith("\n"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + DEADLINE_SECONDS + " s for " + file);
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling interval, bounded by the deadline
        }
    }

    /** Waits for a fresh prompt: JLine has the terminal in raw mode again and reads keys itself. */
    private void awaitPrompt() throws Exception {
        awaitScreen("the prompt", s -> lastLine(s).equals("amdb>"));
    }

    private static String lastLine(String screen) {
        List<String> lines = screen.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private void type(String literal) throws Exception {
        tmux("send-keys", "-t", "it", "-l", literal);
    }

    private void keys(String key) throws Exception {
        tmux("send-keys", "-t", "it", key);
    }

    /** Polls the screen until {@code ready} holds; fails with the last screen at the deadline. */
    private void awaitScreen(String what, Predicate<String> ready) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = tmux("capture-pane", "-p", "-t", "it");
            if (ready.test(screen)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling interval, bounded by the deadline
        }
        throw new AssertionError("waited " + DEADLINE_SECONDS + " s for " + what + "; the screen:\n" + screen);
    }

    private String tmux(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("tmux did not answer: " + command);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    private void tmuxQuietly(String... args) {
        try {
            tmux(args);
        } catch (Exception | Error ignored) {
            // the server may be gone already
        }
    }
}
