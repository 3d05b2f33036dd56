package io.amdb.node;

import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Quiet JUL logging for the node process: warnings and errors only, one line each, on stderr. Vert.x and
 * Netty log through JUL when no other backend is present. {@code AMDB_LOG_LEVEL=INFO} (or FINE) says more;
 * items after a comma set single loggers, as in {@code AMDB_LOG_LEVEL=WARNING,io.amdb.partitions=FINE}.
 */
final class Logging {
    /** Held so JUL keeps the level: Hazelcast's CP-subsystem notice is about a feature AmDb does not use. */
    private static final Logger HAZELCAST_CP = Logger.getLogger("com.hazelcast.cp");
    /**
     * Held likewise: each HTTP listener instance registers Vert.x's per-server gauges again, and Micrometer
     * warns once that the duplicate is ignored (the first instance's gauge reports for the shared server).
     */
    /**
     * Held likewise: Ratis warns of every retry while a replica of the table log is unreachable (a member
     * that is starting or has died), which Hazelcast and the table coordinator already report.
     */
    private static final Logger RATIS = Logger.getLogger("org.apache.ratis");
    private static final Logger MICROMETER_REGISTRY = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");
    /** Loggers given their own level by {@code AMDB_LOG_LEVEL}, held so JUL keeps it. */
    private static final java.util.List<Logger> KEPT = new java.util.ArrayList<>();

    private Logging() {}

    static void quiet() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return; // the operator chose a configuration
        }
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        LogManager.getLogManager().reset();
        String setting = System.getenv("AMDB_LOG_LEVEL");
        String[] items = setting == null ? new String[] {null} : setting.split(",");
        Level level = parse(items[0]);
        Level lowest = level;
        for (int i = 1; i < items.length; i++) {
            int eq = items[i].indexOf('=');
            if (eq > 0) {
                Level one = parse(items[i].substring(eq + 1));
                Logger named = Logger.getLogger(items[i].substring(0, eq).trim());
                named.setLevel(one);
                KEPT.add(named);
                lowest = one.intValue() < lowest.intValue() ? one : lowest;
            }
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(lowest);
        handler.setFormatter(new SimpleFormatter());
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        root.addHandler(handler);
        HAZELCAST_CP.setLevel(Level.SEVERE);
        MICROMETER_REGISTRY.setLevel(Level.SEVERE);
        if (level.intValue() >= Level.WARNING.intValue()) {
            RATIS.setLevel(Level.SEVERE);
        }
    }

    private static Level parse(String name) {
        try {
            return name == null ? Level.WARNING : Level.parse(name.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.WARNING;
        }
    }
}
