package io.amdb.node;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A trace of what happens to each partition's copies on this node: becoming or ceasing to be its primary, its
 * backups entering or leaving the in-sync set, copies reset, refused or dropped, requests ending unknown. Off
 * unless the logger {@value #NAME} is at FINE ({@code AMDB_LOG_LEVEL=WARNING,io.amdb.partitions=FINE});
 * {@code ./amdb chaos} turns it on and quotes the lines of a partition whose history failed its check. Every line
 * starts {@code partition <n>:}.
 */
public final class PartitionTrace {
    public static final String NAME = "io.amdb.partitions";
    private static final Logger LOG = Logger.getLogger(NAME);

    private PartitionTrace() {}

    /** Logs {@code partition <p>: <what>} when the trace is on. */
    public static void log(int partition, Supplier<String> what) {
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("partition " + partition + ": " + what.get());
        }
    }
}
