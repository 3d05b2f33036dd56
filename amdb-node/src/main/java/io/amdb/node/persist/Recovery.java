package io.amdb.node.persist;

import io.amdb.node.storage.ShardStore;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.WireReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Rebuilds one shard's store from its directory at start: the newest complete snapshot, then every log
 * record from the snapshot's first segment on (the rules, torn tail and corruption included, are in
 * {@code docs/STORAGE.md}). Runs before the shard serves, on a thread of its own; touches nothing shared.
 */
public final class Recovery {
    /** What one shard recovered, and the number of the segment its log continues in. */
    public record Result(ShardStore store, long keysFromSnapshot, long records, long nextSegment, long logBytes) {}

    /** The log is damaged before its tail and the node was not told to accept the loss. */
    public static final class CorruptLogException extends IOException {
        CorruptLogException(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final int shard;
    private final int partitions;
    private final long seed;
    private final boolean truncateCorruption;
    private final Consumer<String> log;
    private long records;
    private long logBytes;

    /**
     * @param truncateCorruption {@code --recover truncate}: keep what precedes corruption and drop the rest
     * @param log                told of every repair (torn tails cut, snapshots skipped, segments dropped)
     */
    public Recovery(Path dir, int shard, int partitions, long seed, boolean truncateCorruption, Consumer<String> log) {
        this.dir = dir;
        this.shard = shard;
        this.partitions = partitions;
        this.seed = seed;
        this.truncateCorruption = truncateCorruption;
        this.log = log;
    }

    public Result run() throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path tmp : files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.delete(tmp);
            }
        }
        List<Long> segments = numbers("log-", ".wal");
        List<Long> snapshots = numbers("snap-", ".snap");
        ShardStore store = null;
        long first = segments.isEmpty() ? 1 : segments.get(0);
        long keys = 0;
        for (int i = snapshots.size() - 1; i >= 0 && store == null; i--) {
            long n = snapshots.get(i);
            ShardStore candidate = new ShardStore(partitions, seed);
            try {
                keys = SnapshotFile.load(dir.resolve(LogFormat.snapshotName(n)), shard, partitions, candidate);
                store = candidate;
                first = n;
            } catch (IOException | ProtocolException e) {
                log.accept(where(LogFormat.snapshotName(n)) + " is unusable (" + e.getMessage() + "); trying an older one");
            }
        }
        if (store == null) {
            store = new ShardStore(partitions, seed);
            if (first != 1) {
                if (!truncateCorruption) {
                    throw new CorruptLogException(where(LogFormat.segmentName(first)) + " is the oldest segment, but no "
                            + "usable snapshot covers the ones before it; the log is incomplete. Start with --recover "
                            + "truncate to accept the loss and start this shard from what the log holds.");
                }
                log.accept("no usable snapshot covers the segments before " + LogFormat.segmentName(first)
                        + "; --recover truncate: replaying what the log holds");
            }
        }
        long expected = first;
        long last = first - 1;
        Replay replay = new Replay(store);
        for (int i = 0; i < segments.size(); i++) {
            long n = segments.get(i);
            if (n < first) {
                Files.delete(dir.resolve(LogFormat.segmentName(n))); // covered by the snapshot: a deletion a crash cut short
                continue;
            }
            if (n != expected) {
                String gap = where(LogFormat.segmentName(expected)) + " is missing (the next segment is "
                        + LogFormat.segmentName(n) + ")";
                if (!truncateCorruption) {
                    throw new CorruptLogException(gap + "; the log is corrupt. Start with --recover truncate to keep "
                            + "what precedes the gap and drop the rest of this shard's log.");
                }
                log.accept(gap + "; --recover truncate: dropping the segments after the gap");
                dropFrom(segments, i);
                break;
            }
            boolean newest = i == segments.size() - 1;
            boolean complete = replay(n, newest, replay);
            last = Files.exists(dir.resolve(LogFormat.segmentName(n))) ? n : n - 1; // a torn header goes whole
            expected = n + 1;
            if (!complete) {
                dropFrom(segments, i + 1);
                break;
            }
        }
        replay.finish();
        return new Result(store, keys, records, Math.max(last + 1, first), logBytes);
    }

    /**
     * Replays one segment into the store. Returns false when the segment was cut at corruption under
     * {@code --recover truncate} (the segments after it must go); a torn tail of the newest is cut silently
     * but for the log line, and true is returned.
     */
    private boolean replay(long n, boolean newest, Replay replay) throws IOException {
        Path file = dir.resolve(LogFormat.segmentName(n));
        FrameReader frames;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            frames = new FrameReader(in);
            try {
                byte[] header = frames.next();
                checkSegmentHeader(header, n);
                byte[] payload;
                long before = records;
                while ((payload = frames.next()) != null) {
                    replay.apply(payload, frames.length());
                    records++;
                }
                if (newest && records == before) { // a header alone (a start with no writes): reuse its number
                    in.close();
                    Files.delete(file);
                    Fsync.directory(dir);
                    return true;
                }
                logBytes += frames.offset();
                makeDurable(file, frames.offset());
                return true;
            } catch (FrameReader.DamagedFrame e) {
                return repair(file, n, newest, e.offset(), e.getMessage());
            } catch (ProtocolException e) {
                return repair(file, n, false, frames.lastStart(), "malformed record: " + e.getMessage());
            }
        }
    }

    private boolean repair(Path file, long n, boolean newest, long offset, String what) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        boolean validAfter = FrameReader.validFrameAfter(bytes, (int) offset);
        String place = where(LogFormat.segmentName(n)) + " at offset " + offset + ": " + what;
        if (newest && !validAfter) {
            log.accept(place + "; a torn tail from a crash mid-write: cut off (" + (bytes.length - offset) + " bytes)");
            if (offset == 0) { // not even its header was written: the segment holds nothing, and its number is reused
                Files.delete(file);
                Fsync.directory(dir);
            } else {
                truncate(file, offset);
                makeDurable(file, offset);
            }
            logBytes += offset;
            return true;
        }
        String why = validAfter ? ", and valid records follow" : ", in a segment older than the newest";
        if (!truncateCorruption) {
            throw new CorruptLogException(place + why + "; the log is corrupt. Start with --recover truncate to keep "
                    + "what precedes it and drop the rest of this shard's log.");
        }
        log.accept(place + why + "; --recover truncate: dropped " + (bytes.length - offset)
                + " bytes of this segment and every later one");
        truncate(file, offset);
        makeDurable(file, offset);
        logBytes += offset;
        return false;
    }

    /**
     * Fsyncs a replayed segment: after a crash its tail may be only in the page cache, and the node now serves
     * those writes, so a power loss must not take them back (or leave a torn frame in a segment that is no
     * longer the newest). Tells the sync-trace test hook, as every fsync does.
     */
    private void makeDurable(Path file, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Fsync.traced(dir, file.getFileName().toString(), length);
    }

    private void checkSegmentHeader(byte[] header, long n) throws ProtocolException, FrameReader.DamagedFrame {
        if (header == null) {
            throw new FrameReader.DamagedFrame(0, "empty segment (no header)");
        }
        WireReader r = new WireReader(header, 0, header.length);
        if (r.u8() != LogFormat.SEGMENT || r.u32() != LogFormat.SEGMENT_MAGIC || r.u16() != LogFormat.FORMAT) {
            throw new ProtocolException(io.amdb.protocol.ErrorCode.MALFORMED_FRAME, "not an AmDb log segment header");
        }
        int s = r.u32();
        long number = r.i64();
        if (s != shard || number != n) {
            throw new ProtocolException(io.amdb.protocol.ErrorCode.MALFORMED_FRAME, "header says shard " + s
                    + " segment " + number + ", expected shard " + shard + " segment " + n);
        }
    }

    private void dropFrom(List<Long> segments, int from) throws IOException {
        for (int j = from; j < segments.size(); j++) {
            Files.delete(dir.resolve(LogFormat.segmentName(segments.get(j))));
        }
    }

    private static void truncate(Path file, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(length);
            ch.force(true);
        }
    }

    private List<Long> numbers(String prefix, String suffix) throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                long n = LogFormat.numberOf(f.getFileName().toString(), prefix, suffix);
                if (n >= 0) {
                    out.add(n);
                }
            });
        }
        out.sort(null);
        return out;
    }

    private String where(String file) {
        return dir.resolve(file).toString();
    }
}
