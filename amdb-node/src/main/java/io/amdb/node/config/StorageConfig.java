package io.amdb.node.config;

import io.amdb.node.persist.Durability;
import java.nio.file.Path;

/**
 * Where and how a node keeps its data (see {@code docs/STORAGE.md}).
 *
 * @param durability      when writes are acknowledged; {@link Durability#NONE} keeps no data directory
 * @param dataDir         the data directory; null = {@code amdb-data/node-<port>} under the working directory
 * @param fsyncIntervalMs in {@code async} mode, the longest a written record waits for an fsync
 * @param recoverTruncate {@code --recover truncate}: start past log corruption, dropping what follows it
 * @param nodeIdGiven     the node id was configured; otherwise a node on an existing directory takes the
 *                        id recorded there
 */
public record StorageConfig(Durability durability, Path dataDir, long fsyncIntervalMs, boolean recoverTruncate,
                            boolean nodeIdGiven) {
    public static final long DEFAULT_FSYNC_INTERVAL_MS = 20;
    /** Memory only, as embedded nodes and in-process clusters run unless told otherwise. */
    public static final StorageConfig MEMORY = new StorageConfig(Durability.NONE, null, DEFAULT_FSYNC_INTERVAL_MS,
            false, true);

    /** The data directory of a node whose protocol port is {@code port}. */
    public Path dataDirFor(int port) {
        return dataDir != null ? dataDir : Path.of("amdb-data", "node-" + port);
    }

    /** Durable in {@code mode} in {@code dir}, taking the node id the directory records (if it has one). */
    public static StorageConfig durable(Durability mode, Path dir) {
        return new StorageConfig(mode, dir, DEFAULT_FSYNC_INTERVAL_MS, false, false);
    }

    static StorageConfig from(Settings s) throws ConfigException {
        Settings.Value mode = s.get("durability", "async");
        Durability durability = Durability.parse(mode.text());
        if (durability == null) {
            throw new ConfigException("durability = '" + mode.text() + "' (from " + mode.source()
                    + ") must be none, async or sync");
        }
        Settings.Value recover = s.get("recover", "strict");
        if (!recover.text().equals("strict") && !recover.text().equals("truncate")) {
            throw new ConfigException("recover = '" + recover.text() + "' (from " + recover.source()
                    + ") must be strict or truncate");
        }
        String dir = s.string("data-dir", "");
        return new StorageConfig(durability, dir.isEmpty() ? null : Path.of(dir),
                s.integer("fsync-interval-ms", (int) DEFAULT_FSYNC_INTERVAL_MS, 1, 60_000),
                recover.text().equals("truncate"), !s.get("node-id", "").source().equals("default"));
    }
}
