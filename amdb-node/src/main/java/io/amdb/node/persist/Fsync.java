package io.amdb.node.persist;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The file-system steps that make a new file or a rename survive a power loss. */
public final class Fsync {
    private Fsync() {}

    /** The test hook of docs/STORAGE.md: {@code -Damdb.log.syncTrace=true}. */
    static final boolean SYNC_TRACE = Boolean.getBoolean("amdb.log.syncTrace");

    /**
     * With the sync-trace hook on, records that {@code segment} in {@code dir} is on stable storage up to
     * {@code offset} (a line in {@code synced.trace}); call after every fsync of a segment.
     */
    static void traced(Path dir, String segment, long offset) throws IOException {
        if (SYNC_TRACE) {
            Files.writeString(dir.resolve("synced.trace"), segment + " " + offset + "\n",
                    java.nio.charset.StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /** Fsyncs a directory, so the files created, renamed or deleted in it stay so. */
    public static void directory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Writes {@code bytes} to {@code target} atomically: to {@code target.tmp}, fsynced, renamed over the
     * target, and the directory fsynced. A crash leaves the old file or the new one, never a mix.
     */
    public static void replace(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        directory(target.getParent());
    }
}
