package io.amdb.node;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The last warnings logged under a logger name while it is open: what a failing wait puts in its message, so a
 * failure on a machine where the whole output is not kept still says what the nodes reported.
 */
final class LogTail implements AutoCloseable {
    private final Logger logger;
    private final Deque<String> lines = new ArrayDeque<>();
    private final int keep;
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                synchronized (lines) {
                    lines.addLast(r.getLoggerName() + ": " + r.getMessage());
                    while (lines.size() > keep) {
                        lines.removeFirst();
                    }
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Keeps the last {@code keep} warnings logged under {@code name} (a logger and its children). */
    LogTail(String name, int keep) {
        this.logger = Logger.getLogger(name);
        this.keep = keep;
        logger.addHandler(handler);
    }

    /** The kept warnings, oldest first, one a line; "none" when there were none. */
    @Override
    public String toString() {
        synchronized (lines) {
            return lines.isEmpty() ? "none" : String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
