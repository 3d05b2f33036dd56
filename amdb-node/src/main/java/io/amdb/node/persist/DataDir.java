package io.amdb.node.persist;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * A node's data directory (layout in {@code docs/STORAGE.md}): held under an OS file lock for the node's
 * lifetime, so two processes never write one directory, and stamped with the node's identity, so a node
 * comes back as the member it was and never on another cluster's data.
 *
 * <p>Thread-safe: the lock and identity are fixed at {@link #open}; {@link #writeTable} may be called from any
 * one thread at a time (the node calls it from a worker).
 */
public final class DataDir implements AutoCloseable {
    static final String LOCK = "LOCK";
    static final String IDENTITY = "node.properties";
    static final String TABLE = "table.bin";

    /** Who the node is: what {@code node.properties} records and a restart must match. */
    public record Identity(String nodeId, String clusterName, int partitions, int shards) {}

    /** The directory cannot be used as asked: in use, or written by another node or configuration. */
    public static final class RefusedException extends IOException {
        RefusedException(String message) {
            super(message);
        }
    }

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Identity identity;
    private final boolean created;

    private DataDir(Path root, FileChannel lockChannel, FileLock lock, Identity identity, boolean created) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.identity = identity;
        this.created = created;
    }

    /**
     * Opens (creating it if need be) and locks {@code root}. A new directory is stamped with {@code wanted};
     * an existing one must match it, except that when {@code adoptNodeId} the node takes the recorded node id
     * (the caller did not choose one).
     *
     * @throws RefusedException when another process holds the directory or its identity does not match
     */
    public static DataDir open(Path root, Identity wanted, boolean adoptNodeId) throws IOException {
        Files.createDirectories(root);
        FileChannel channel = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM
        }
        if (lock == null) {
            channel.close();
            throw new RefusedException("data directory " + root + " is in use by another AmDb process (" + LOCK
                    + " is held); give each node its own --data-dir");
        }
        try {
            Path file = root.resolve(IDENTITY);
            if (!Files.exists(file)) {
                Properties p = new Properties();
                p.setProperty("format", String.valueOf(LogFormat.FORMAT));
                p.setProperty("node-id", wanted.nodeId());
                p.setProperty("cluster-name", wanted.clusterName() == null ? "" : wanted.clusterName());
                p.setProperty("partitions", String.valueOf(wanted.partitions()));
                p.setProperty("shards", String.valueOf(wanted.shards()));
                StringWriter text = new StringWriter();
                p.store(text, "AmDb node identity: written once; a node started on this directory must match it");
                Fsync.replace(file, text.toString().getBytes(StandardCharsets.UTF_8));
                return new DataDir(root, channel, lock, wanted, true);
            }
            Identity found = read(file);
            check(root, "node-id", found.nodeId(), adoptNodeId ? found.nodeId() : wanted.nodeId(), "--node-id");
            check(root, "cluster-name", found.clusterName(), wanted.clusterName() == null ? "" : wanted.clusterName(),
                    "--cluster-name (or --standalone)");
            check(root, "partitions", String.valueOf(found.partitions()), String.valueOf(wanted.partitions()), "--partitions");
            check(root, "shards", String.valueOf(found.shards()), String.valueOf(wanted.shards()), "--shards");
            return new DataDir(root, channel, lock, found, false);
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw e;
        }
    }

    private static Identity read(Path file) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        try {
            return new Identity(p.getProperty("node-id"), p.getProperty("cluster-name", ""),
                    Integer.parseInt(p.getProperty("partitions")), Integer.parseInt(p.getProperty("shards")));
        } catch (RuntimeException e) {
            throw new RefusedException(file + " is damaged (" + e + "); it records the node's identity");
        }
    }

    private static void check(Path root, String key, String found, String wanted, String option) throws RefusedException {
        if (!found.equals(wanted)) {
            throw new RefusedException("data directory " + root + " belongs to " + key + " '" + found + "', not '" + wanted
                    + "': start with " + option + " " + (found.isEmpty() ? "unset" : found)
                    + ", or give this node another --data-dir");
        }
    }

    public Path root() {
        return root;
    }

    /** The identity recorded in the directory (the node id to run under). */
    public Identity identity() {
        return identity;
    }

    /** True when this open created the directory's identity (a first start). */
    public boolean created() {
        return created;
    }

    /** The directory of shard {@code i}'s log and snapshots. */
    public Path shardDir(int i) {
        return root.resolve("shard-" + i);
    }

    /** The encoded partition table last saved, or null when there is none. */
    public byte[] readTable() throws IOException {
        Path file = root.resolve(TABLE);
        return Files.exists(file) ? Files.readAllBytes(file) : null;
    }

    /** Saves the encoded partition table atomically (tmp, fsync, rename, directory fsync). */
    public void writeTable(byte[] encoded) throws IOException {
        Fsync.replace(root.resolve(TABLE), encoded);
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }
}
