package io.amdb.node.persist;

import io.amdb.node.storage.ShardStore;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.WireReader;
import io.amdb.protocol.WireWriter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A snapshot file of one shard (format in {@code docs/STORAGE.md}): written frame by frame to
 * {@code snap-<n>.snap.tmp} and published by {@link #finish}; read back whole by {@link #load}.
 *
 * <p>Not thread-safe: the node's snapshot thread writes it; the shard's event loop only builds the frames.
 */
public final class SnapshotFile implements AutoCloseable {
    private final Path dir;
    private final long first;
    private final Path tmp;
    private final FileChannel channel;
    private long entries;

    /** Creates {@code snap-<first>.snap.tmp} in {@code dir} and writes its header. */
    public SnapshotFile(Path dir, int shard, int partitions, long first) throws IOException {
        this.dir = dir;
        this.first = first;
        this.tmp = dir.resolve(LogFormat.snapshotName(first) + ".tmp");
        this.channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        WireWriter w = new WireWriter(64);
        int start = frame(w, LogFormat.SNAPSHOT);
        w.u32(LogFormat.SNAPSHOT_MAGIC).u16(LogFormat.FORMAT).u32(shard).u32(partitions).i64(first);
        LogFormat.seal(w.array(), start, w.size());
        write(w.array(), w.size());
    }

    /** Starts a frame of {@code type} in {@code w}; seal it with {@link LogFormat#seal} at its end. */
    static int frame(WireWriter w, byte type) {
        int start = w.size();
        w.u32(0).u32(0).u8(type);
        return start;
    }

    /** Appends sealed ENTRIES frames holding {@code count} entries in all. */
    public void append(byte[] frames, int length, long count) throws IOException {
        write(frames, length);
        entries += count;
    }

    /**
     * Writes the SEQUENCES and END frames, fsyncs, renames the file into place and fsyncs the directory:
     * from then on the snapshot is what recovery starts from. Returns the published file.
     */
    public Path finish(long[] sequences) throws IOException {
        WireWriter w = new WireWriter(16 + 8 * sequences.length);
        int start = frame(w, LogFormat.SEQUENCES);
        w.u32(sequences.length);
        for (long s : sequences) {
            w.i64(s);
        }
        LogFormat.seal(w.array(), start, w.size());
        start = frame(w, LogFormat.END);
        w.i64(entries);
        LogFormat.seal(w.array(), start, w.size());
        write(w.array(), w.size());
        channel.force(true);
        channel.close();
        Path target = dir.resolve(LogFormat.snapshotName(first));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        Fsync.directory(dir);
        return target;
    }

    /** Abandons an unfinished snapshot: closes and deletes the temporary file. */
    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            channel.close();
            Files.deleteIfExists(tmp);
        }
    }

    public long entries() {
        return entries;
    }

    private void write(byte[] bytes, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes, 0, length);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /**
     * Loads a snapshot into an empty {@code store}: entries with their versions, then the sequence numbers.
     * Returns the number of entries.
     *
     * @throws IOException       when the file is damaged, cut short or lacks its END frame
     * @throws ProtocolException when a frame is well formed but its content is not
     */
    public static long load(Path file, int shard, int partitions, ShardStore store) throws IOException, ProtocolException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            FrameReader frames = new FrameReader(in);
            byte[] payload = frames.next();
            if (payload == null) {
                throw new IOException("empty file");
            }
            WireReader h = new WireReader(payload, 0, frames.length());
            if (h.u8() != LogFormat.SNAPSHOT || h.u32() != LogFormat.SNAPSHOT_MAGIC || h.u16() != LogFormat.FORMAT
                    || h.u32() != shard || h.u32() != partitions) {
                throw malformed("header is not this shard's snapshot header");
            }
            long loaded = 0;
            while ((payload = frames.next()) != null) {
                WireReader r = new WireReader(payload, 0, frames.length());
                switch (r.u8()) {
                    case LogFormat.ENTRIES -> loaded += loadEntries(r, partitions, store);
                    case LogFormat.SEQUENCES -> {
                        int n = r.u32();
                        if (n != partitions) {
                            throw malformed(n + " sequences for " + partitions + " partitions");
                        }
                        for (int p = 0; p < n; p++) {
                            store.raiseSequence(p, r.i64());
                        }
                    }
                    case LogFormat.END -> {
                        long total = r.i64();
                        if (total != loaded) {
                            throw malformed("END counts " + total + " entries, the frames hold " + loaded);
                        }
                        store.endLoad();
                        return loaded;
                    }
                    default -> throw malformed("unknown frame type");
                }
            }
            throw new IOException("no END frame: the snapshot was not finished");
        }
    }

    private static long loadEntries(WireReader r, int partitions, ShardStore store) throws ProtocolException {
        int partition = r.u32();
        if (partition < 0 || partition >= partitions) {
            throw malformed("partition " + partition + " out of range");
        }
        int count = r.u32();
        for (int i = 0; i < count; i++) {
            long version = r.i64();
            byte[] key = r.bytes();
            store.load(partition, key, r.bytes(), version);
        }
        r.expectEnd();
        return count;
    }

    private static ProtocolException malformed(String what) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, what);
    }
}
