package io.amdb.node.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.storage.ShardStore;
import io.amdb.node.storage.SkipList;
import io.amdb.protocol.TestSeed;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log, snapshots and recovery of one shard against a model: every acknowledged change comes back with
 * its version, a torn tail is cut, corruption is refused (or truncated when told), and snapshots bound the log.
 */
@ExtendWith(TestSeed.class)
class RecoveryTest {
    @TempDir
    Path dir;

    /**
     * The model: per partition, key → (value, version), its sequence number, and the term whose history its copy holds
     * (-1: none).
     */
    private static final class Model {
        final List<TreeMap<String, Object[]>> parts = new ArrayList<>();
        final long[] sequences = new long[LoggedShard.PARTITIONS];
        final long[] held = new long[LoggedShard.PARTITIONS];

        Model() {
            for (int p = 0; p < LoggedShard.PARTITIONS; p++) {
                parts.add(new TreeMap<>());
            }
            Arrays.fill(held, -1);
        }

        void put(int p, String key, byte[] value) {
            parts.get(p).put(key, new Object[] {value, ++sequences[p]});
        }

        void delete(int p, String key) {
            if (parts.get(p).remove(key) != null) {
                sequences[p]++;
            }
        }

        void drop(int p) {
            parts.get(p).clear();
            held[p] = -1;
        }

        void assertEquals(ShardStore store, String context) {
            for (int p = 0; p < LoggedShard.PARTITIONS; p++) {
                TreeMap<String, Object[]> expected = parts.get(p);
                SkipList.Cursor c = store.partitionCursor(p, null);
                for (Map.Entry<String, Object[]> e : expected.entrySet()) {
                    assertTrue(c.valid(), context + ": partition " + p + " lacks " + e.getKey());
                    String key = new String(c.key(), StandardCharsets.UTF_8);
                    org.junit.jupiter.api.Assertions.assertEquals(e.getKey(), key, context + ": partition " + p);
                    assertArrayEquals((byte[]) e.getValue()[0], c.value(), context + ": value of " + key);
                    org.junit.jupiter.api.Assertions.assertEquals((long) e.getValue()[1], c.version(),
                            context + ": version of " + key);
                    c.next();
                }
                assertFalse(c.valid(), context + ": partition " + p + " holds extra keys");
                org.junit.jupiter.api.Assertions.assertEquals(sequences[p], store.sequence(p),
                        context + ": sequence of partition " + p);
                org.junit.jupiter.api.Assertions.assertEquals(held[p], store.heldTerm(p),
                        context + ": the history partition " + p + " holds");
                org.junit.jupiter.api.Assertions.assertEquals(held[p], store.followedTerm(p),
                        context + ": the term partition " + p + " follows after recovery");
            }
        }
    }

    @Test
    void recover_randomWritesDropsHistoriesSnapshotsAndRestarts_equalModelWithVersionsAndHeldTerms() throws Exception {
        long seed = TestSeed.get();
        SplittableRandom random = new SplittableRandom(seed);
        Model model = new Model();
        LoggedShard shard = LoggedShard.open(dir, Durability.ASYNC);
        for (int round = 0; round < 6; round++) {
            LoggedShard current = shard;
            for (int i = 0; i < 3_000; i++) {
                int p = random.nextInt(LoggedShard.PARTITIONS);
                String key = "k" + random.nextInt(400);
                byte[] k = key.getBytes(StandardCharsets.UTF_8);
                int dice = random.nextInt(100);
                if (dice < 70) {
                    byte[] v = new byte[random.nextInt(40)];
                    random.nextBytes(v);
                    current.write(() -> current.store.put(p, k, v));
                    model.put(p, key, v);
                } else if (dice < 96) {
                    current.write(() -> current.store.remove(p, k));
                    model.delete(p, key);
                } else if (dice < 98) { // the copy holds a (new) term's history: a START or SEAL taken, or primacy
                    long term = 1 + random.nextInt(1_000);
                    current.write(() -> {
                        current.store.follow(p, term);
                        current.store.holdHistory(p);
                    });
                    model.held[p] = term;
                } else if (dice < 99) { // about to be sealed onto another history
                    current.write(() -> current.store.forgetHistory(p));
                    model.held[p] = -1;
                } else {
                    current.write(() -> current.store.dropPartition(p));
                    model.drop(p);
                }
                if (i == 1_500 && random.nextBoolean()) {
                    shard.snapshot();
                }
            }
            if (random.nextBoolean()) {
                shard.close(); // a clean stop
            } // else: a crash; every acknowledged write was handed to the OS
            shard = LoggedShard.open(dir, Durability.ASYNC);
            model.assertEquals(shard.store, "seed " + seed + " round " + round);
        }
        shard.close();
    }

    @Test
    void recover_tornLastFrameAtEveryOffset_cutsOnlyThatFrame() throws Exception {
        LoggedShard shard = LoggedShard.open(dir, Durability.SYNC);
        for (int i = 0; i < 20; i++) {
            byte[] k = ("key" + i).getBytes(StandardCharsets.UTF_8);
            shard.write(() -> shard.store.put(1, k, ("value" + k.length).getBytes(StandardCharsets.UTF_8)));
        }
        shard.close();
        Path segment = onlySegment(dir);
        byte[] whole = Files.readAllBytes(segment);
        int lastFrame = lastFrameStart(whole);
        for (int cut = lastFrame; cut < whole.length; cut++) {
            Path copy = Files.createDirectories(dir.resolveSibling("torn-" + cut));
            Files.write(copy.resolve(segment.getFileName()), Arrays.copyOf(whole, cut));
            List<String> repairs = new ArrayList<>();
            Recovery.Result r = new Recovery(copy, 0, LoggedShard.PARTITIONS, 1, false, repairs::add).run();
            assertEquals(19, r.store().partitionSize(1), "cut at " + cut);
            assertNull(r.store().get(1, "key19".getBytes(StandardCharsets.UTF_8)), "cut at " + cut);
            assertEquals(cut == lastFrame ? 0 : 1, repairs.size(), "cut at " + cut + ": " + repairs);
            assertEquals(lastFrame, Files.size(copy.resolve(segment.getFileName())), "the torn bytes are cut off");
        }
    }

    @Test
    void recover_newestSegmentCutInsideItsHeader_isDropped_andLaterStartsStillRecover() throws Exception {
        LoggedShard shard = LoggedShard.open(dir, Durability.SYNC);
        shard.write(() -> shard.store.put(1, new byte[] {1}, new byte[] {1}));
        shard.close();
        // A crash right after the next start created segment 2, before its header reached the disk.
        for (int cut : new int[] {0, 5}) {
            Path second = dir.resolve(LogFormat.segmentName(2));
            Files.write(second, Arrays.copyOf(new byte[] {0, 0, 0, 27, 1, 2, 3, 4}, cut));
            for (int restart = 0; restart < 3; restart++) { // each start writes a segment; none may look corrupt
                LoggedShard again = LoggedShard.open(dir, Durability.SYNC);
                assertArrayEquals(new byte[] {1}, again.store.get(1, new byte[] {1}), "cut " + cut + " restart " + restart);
                again.close();
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.toString().endsWith(".wal") && !f.getFileName().toString().equals(LogFormat.segmentName(1)))
                        .forEach(f -> f.toFile().delete()); // back to one segment for the next cut
            }
        }
    }

    @Test
    void recover_flippedBitBeforeTheTail_refusesNamingFileOffsetAndFlag_thenTruncateKeepsThePrefix() throws Exception {
        LoggedShard shard = LoggedShard.open(dir, Durability.SYNC);
        for (int i = 0; i < 100; i++) {
            byte[] k = ("key" + i).getBytes(StandardCharsets.UTF_8);
            shard.write(() -> shard.store.put(2, k, k));
        }
        shard.close();
        Path segment = onlySegment(dir);
        byte[] bytes = Files.readAllBytes(segment);
        int middle = bytes.length / 2;
        bytes[middle] ^= 0x10;
        Files.write(segment, bytes);

        Recovery.CorruptLogException e = assertThrows(Recovery.CorruptLogException.class,
                () -> new Recovery(dir, 0, LoggedShard.PARTITIONS, 1, false, m -> { }).run());
        assertTrue(e.getMessage().contains(segment.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().matches(".*at offset \\d+.*"), e.getMessage());
        assertTrue(e.getMessage().contains("--recover truncate"), e.getMessage());
        assertEquals(bytes.length, Files.size(segment), "a refused start changes nothing on disk");

        List<String> repairs = new ArrayList<>();
        Recovery.Result r = new Recovery(dir, 0, LoggedShard.PARTITIONS, 1, true, repairs::add).run();
        int kept = r.store().partitionSize(2);
        assertTrue(kept > 0 && kept < 100, "kept " + kept);
        for (int i = 0; i < kept; i++) { // exactly a prefix of the writes survives
            assertTrue(r.store().get(2, ("key" + i).getBytes(StandardCharsets.UTF_8)) != null, "key" + i);
        }
        assertEquals(1, repairs.size(), repairs.toString());
    }

    @Test
    void snapshot_overwriteHeavyLoad_boundsTheLogAndRecoversTheLatestValues() throws Exception {
        LoggedShard shard = LoggedShard.open(dir, Durability.ASYNC);
        Model model = new Model();
        byte[] value = new byte[100];
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 2_000; i++) {
                int p = i % LoggedShard.PARTITIONS;
                String key = "key" + i;
                byte[] v = Arrays.copyOf(value, 100);
                v[0] = (byte) round;
                shard.write(() -> shard.store.put(p, key.getBytes(StandardCharsets.UTF_8), v));
                model.put(p, key, v);
            }
            shard.snapshot();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            assertEquals(1, names.stream().filter(n -> n.endsWith(".snap")).count(), names.toString());
            assertEquals(1, names.stream().filter(n -> n.endsWith(".wal")).count(), "segments below the snapshot go: " + names);
        }
        shard.close();
        Recovery.Result r = new Recovery(dir, 0, LoggedShard.PARTITIONS, 1, false, m -> { }).run();
        assertEquals(2_000, r.keysFromSnapshot());
        model.assertEquals(r.store(), "after snapshots");
    }

    @Test
    void snapshot_dropsTheSegmentsThatSaidWhichHistoryACopyHolds_theLogAfterItSaysItAgain() throws Exception {
        LoggedShard shard = LoggedShard.open(dir, Durability.ASYNC);
        shard.write(() -> {
            shard.store.put(1, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
            shard.store.follow(1, 7);
            shard.store.holdHistory(1);
            shard.store.follow(2, 9);
            shard.store.holdHistory(2);
            shard.store.forgetHistory(2);
            shard.store.follow(3, 4); // a copy being received: follows, holds nothing yet
        });
        shard.snapshot();
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.filter(f -> f.toString().endsWith(".wal")).count(), "segments below the snapshot go");
        }
        shard.close();
        Recovery.Result r = new Recovery(dir, 0, LoggedShard.PARTITIONS, 1, false, m -> { }).run();
        assertEquals(7, r.store().heldTerm(1));
        assertEquals(7, r.store().followedTerm(1));
        assertEquals(-1, r.store().heldTerm(2));
        assertEquals(-1, r.store().heldTerm(3));
        assertEquals(-1, r.store().followedTerm(3));
    }

    @Test
    void recover_damagedSnapshotWhoseSegmentsAreGone_refusesUnlessTruncate() throws Exception {
        LoggedShard shard = LoggedShard.open(dir, Durability.SYNC);
        shard.write(() -> shard.store.put(0, new byte[] {1}, new byte[] {1}));
        Path snap = shard.snapshot();
        shard.write(() -> shard.store.put(0, new byte[] {2}, new byte[] {2}));
        shard.close();
        try (FileChannel ch = FileChannel.open(snap, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        Recovery.CorruptLogException e = assertThrows(Recovery.CorruptLogException.class,
                () -> new Recovery(dir, 0, LoggedShard.PARTITIONS, 1, false, m -> { }).run());
        assertTrue(e.getMessage().contains("no usable snapshot"), e.getMessage());
        Recovery.Result r = new Recovery(dir, 0, LoggedShard.PARTITIONS, 1, true, m -> { }).run();
        assertArrayEquals(new byte[] {2}, r.store().get(0, new byte[] {2}), "the log after the snapshot is kept");
        assertNull(r.store().get(0, new byte[] {1}), "what only the damaged snapshot held is gone");
    }

    @Test
    void recover_missingMiddleSegment_refuses() throws Exception {
        LoggedShard shard = LoggedShard.open(dir, Durability.SYNC);
        shard.write(() -> shard.store.put(0, new byte[] {1}, new byte[] {1}));
        shard.close();
        LoggedShard second = LoggedShard.open(dir, Durability.SYNC); // a restart starts segment 2
        second.write(() -> second.store.put(0, new byte[] {2}, new byte[] {2}));
        second.close();
        LoggedShard third = LoggedShard.open(dir, Durability.SYNC);
        third.close();
        Files.delete(dir.resolve(LogFormat.segmentName(2)));
        Recovery.CorruptLogException e = assertThrows(Recovery.CorruptLogException.class,
                () -> new Recovery(dir, 0, LoggedShard.PARTITIONS, 1, false, m -> { }).run());
        assertTrue(e.getMessage().contains(LogFormat.segmentName(2) + " is missing"), e.getMessage());
    }

    @Test
    void syncMode_acknowledgesOnlyAfterAnFsync_andGroupsWrites() throws Exception {
        LoggedShard shard = LoggedShard.open(dir, Durability.SYNC);
        for (int i = 0; i < 50; i++) {
            byte[] k = {(byte) i};
            shard.write(() -> shard.store.put(3, k, k));
        }
        assertTrue(shard.stats.fsyncs.get() >= 50, "one fsync per acknowledged group, got " + shard.stats.fsyncs.get());
        assertEquals(50, shard.stats.recordsSynced.get());
        shard.close();
    }

    private static Path onlySegment(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> segments = files.filter(f -> f.toString().endsWith(".wal")).toList();
            assertEquals(1, segments.size(), segments.toString());
            return segments.get(0);
        }
    }

    /** The offset of the last frame in a file of whole frames. */
    private static int lastFrameStart(byte[] bytes) {
        int at = 0;
        int last = 0;
        while (at < bytes.length) {
            last = at;
            int length = java.nio.ByteBuffer.wrap(bytes, at, 4).getInt();
            at += LogFormat.HEADER_BYTES + length;
        }
        return last;
    }
}
