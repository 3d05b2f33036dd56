package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Partitioner;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A full disk ({@code docs/STORAGE.md}, "Errors while running"): a node whose data directory is on an 8 MiB tmpfs,
 * mostly taken by a filler file, refuses writes with {@code STORAGE_FULL} once its log cannot grow, keeps serving
 * reads, holds the writes it had already applied, and takes writes again once space is freed — with every
 * acknowledged write readable then and after a kill -9. Needs root (it mounts the tmpfs) and fails, never skips,
 * without it.
 */
class DiskFullIT {
    private static final int SHARDS = 2;
    private static final int VALUE_BYTES = 4 << 10;
    private static final Partitioner PARTITIONER = new Partitioner(Partitioner.DEFAULT_PARTITIONS);

    private final Map<String, byte[]> acked = new LinkedHashMap<>();
    private final List<String> refused = new ArrayList<>(); // writes answered STORAGE_FULL: never applied
    private int nextKey;

    @Test
    void write_diskFull_refusedWithStorageFullUntilSpaceIsFreedAndNoAcknowledgedWriteIsLost() throws Exception {
        Path mount = Files.createTempDirectory("amdb-diskfull-");
        try {
            run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount.toString());
            try {
                fillAndFree(mount);
            } finally {
                run("umount", mount.toString());
            }
        } finally {
            Files.deleteIfExists(mount);
        }
    }

    private void fillAndFree(Path mount) throws Exception {
        Path filler = mount.resolve("filler");
        fill(filler, Files.getFileStore(mount).getUsableSpace() - (3 << 19)); // leaves 1.5 MiB
        String[] flags = {"--standalone", "--port", "0", "--http-port", "-1", "--shards", Integer.toString(SHARDS),
                "--data-dir", mount.resolve("data").toString(), "--durability", "async"};
        try (NodeProcess node = NodeProcess.start(Map.of(), flags)) {
            int port = node.awaitReady();
            try (Pipeline<String> writer = new Pipeline<>(port); RawClient checker = new RawClient(port)) {
                writeUntilEveryShardRefuses(writer, node);
                assertTrue(node.process.isAlive(), "the node died on a full disk: " + node.output());
                readBack(checker, "with the disk full");
                refusesBatchAndDelete(checker);
                int ackedWhenFull = acked.size();
                int unanswered = writer.inFlight();
                Files.delete(filler);
                while (writer.inFlight() > 0) { // refused before the delete, or held and acknowledged once there is room
                    settle(writer.next());
                }
                System.out.printf("DiskFullIT: disk full after %d acknowledged puts of %d bytes; of %d puts unanswered "
                        + "then, %d were held and acknowledged once space was freed%n", ackedWhenFull, VALUE_BYTES,
                        unanswered, acked.size() - ackedWhenFull);
                awaitWritesAccepted(checker, node);
                for (int i = 0; i < 100; i++) {
                    String key = key(i % SHARDS);
                    assertEquals(Response.DONE, checker.call(new Request.Put(bytes(key), value(key))), key);
                    acked.put(key, value(key));
                }
                readBack(checker, "after space was freed");
            }
            node.kill();
        }
        try (NodeProcess node = NodeProcess.start(Map.of(), flags); RawClient c = new RawClient(node.awaitReady())) {
            readBack(c, "after a kill -9 and a restart");
        }
    }

    /** Puts to every shard until each has refused one with STORAGE_FULL; the puts a full log holds stay unanswered. */
    private void writeUntilEveryShardRefuses(Pipeline<String> writer, NodeProcess node) throws Exception {
        boolean[] full = new boolean[SHARDS];
        for (int sent = 0; !(full[0] && full[1]); ) {
            assertTrue(sent < 4_000, "no STORAGE_FULL after " + sent + " puts of " + VALUE_BYTES + " bytes into an "
                    + "8 MiB tmpfs; " + node.output());
            for (int s = 0; s < SHARDS; s++) {
                if (!full[s]) {
                    String key = key(s);
                    writer.send(new Request.Put(bytes(key), value(key)), key);
                    sent++;
                }
            }
            // Answers come at once but for puts a stuck log writer holds: poll, and send more meanwhile.
            for (Pipeline.Answer<String> a = writer.poll(20); a != null; a = writer.poll(1)) {
                if (!settle(a)) {
                    full[shardOf(a.tag())] = true;
                }
            }
        }
    }

    /** Records an answer to a put; returns false when it was refused with STORAGE_FULL. */
    private boolean settle(Pipeline.Answer<String> a) {
        if (a.response() == Response.DONE) {
            acked.put(a.tag(), value(a.tag()));
            return true;
        }
        if (a.response() instanceof Response.Error e && e.code() == ErrorCode.STORAGE_FULL) {
            refused.add(a.tag());
            return false;
        }
        throw new AssertionError("PUT " + a.tag() + " answered " + a.response());
    }

    /** With every shard full: a BATCH is refused item by item, a DELETE is refused, and neither changes anything. */
    private void refusesBatchAndDelete(RawClient c) throws IOException {
        List<Request.BatchItem> items = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            String key = key(s);
            items.add(Request.BatchItem.put(bytes(key), value(key)));
            refused.add(key);
            String old = ackedOnShard(s);
            items.add(Request.BatchItem.delete(bytes(old)));
            deleted.add(old);
        }
        Response r = c.call(new Request.Batch(items));
        assertEquals(new Response.Statuses(List.of(ErrorCode.STORAGE_FULL, ErrorCode.STORAGE_FULL, ErrorCode.STORAGE_FULL,
                ErrorCode.STORAGE_FULL)), r, "BATCH of a put and a delete per shard on a full disk");
        Response d = c.call(new Request.Delete(bytes(deleted.get(0))));
        assertTrue(d instanceof Response.Error e && e.code() == ErrorCode.STORAGE_FULL, "DELETE on a full disk: " + d);
        readBack(c, "after the refused BATCH and DELETE");
    }

    /** Polls (bounded) with a put until one is accepted: the log writers retry every 100 ms once there is room. */
    private void awaitWritesAccepted(RawClient c, NodeProcess node) throws Exception {
        for (int attempt = 0; attempt < 600; attempt++) {
            String key = key(attempt % SHARDS);
            Response r = c.call(new Request.Put(bytes(key), value(key)));
            if (r == Response.DONE) {
                acked.put(key, value(key));
                return;
            }
            assertTrue(r instanceof Response.Error e && e.code() == ErrorCode.STORAGE_FULL, key + ": " + r);
            refused.add(key);
            node.process.waitFor(50, TimeUnit.MILLISECONDS); // polling interval, bounded by the attempts
        }
        fail("writes still refused 30 s after the filler was deleted; " + node.output());
    }

    /** Every acknowledged put holds its value; every refused one is absent. */
    private void readBack(RawClient c, String when) throws IOException {
        List<String> keys = new ArrayList<>(acked.keySet());
        List<byte[]> values = c.mget(keys.stream().map(DiskFullIT::bytes).toList());
        for (int i = 0; i < keys.size(); i++) {
            assertArrayEquals(acked.get(keys.get(i)), values.get(i), when + ": acknowledged key " + keys.get(i));
        }
        List<byte[]> gone = c.mget(refused.stream().map(DiskFullIT::bytes).toList());
        for (int i = 0; i < refused.size(); i++) {
            assertNull(gone.get(i), when + ": key " + refused.get(i) + " was refused with STORAGE_FULL, yet it is there");
        }
    }

    private String ackedOnShard(int shard) {
        return acked.keySet().stream().filter(k -> shardOf(k) == shard).findFirst()
                .orElseThrow(() -> new AssertionError("no acknowledged put on shard " + shard));
    }

    /** A new key whose partition lives on {@code shard} (partition p is on shard p mod shards). */
    private String key(int shard) {
        while (true) {
            String key = "df:" + nextKey++;
            if (shardOf(key) == shard) {
                return key;
            }
        }
    }

    private static int shardOf(String key) {
        return PARTITIONER.partition(bytes(key)) % SHARDS;
    }

    private static byte[] bytes(String key) {
        return key.getBytes(UTF_8);
    }

    private static byte[] value(String key) {
        byte[] v = new byte[VALUE_BYTES];
        Arrays.fill(v, (byte) ('a' + Math.floorMod(key.hashCode(), 26)));
        System.arraycopy(bytes(key), 0, v, 0, key.length());
        return v;
    }

    private static void fill(Path file, long bytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long written = 0; written < bytes; ) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), bytes - written));
                written += ch.write(chunk);
            }
        }
    }

    /** Runs a command (bounded); fails, with its output, unless it exits 0. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within 60 s: " + out);
        }
        if (p.exitValue() != 0) {
            fail(String.join(" ", command) + " exited with " + p.exitValue() + " (this test mounts a tmpfs, which needs "
                    + "root): " + out);
        }
        return out;
    }
}
