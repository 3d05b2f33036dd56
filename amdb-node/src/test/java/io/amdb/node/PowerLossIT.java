package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.amdb.protocol.Partitioner;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.amdb.protocol.TestSeed;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A power loss, simulated: the node runs with the sync-trace hook ({@code docs/STORAGE.md}, "Test hook"), a writer
 * puts new keys over one pipelined connection, the node is killed -9 at a number of acknowledgements the seed picks,
 * and every log segment is cut back to the last offset the node recorded as fsynced — what the disk would hold had
 * the power gone at that moment. After a restart: in {@code sync} mode every acknowledged key is there; in
 * {@code async} mode each partition lost at most a suffix of its writes, never a hole; and every key read back after
 * an earlier restart is still there. The cut trusts the hook to name every fsync a node makes to its segments.
 *
 * <p>One connection, so each partition's writes are applied, logged and acknowledged in the order they were sent.
 */
@ExtendWith(TestSeed.class)
class PowerLossIT {
    private static final int CYCLES = 5;
    private static final int WINDOW = 64;
    private static final Map<String, String> SYNC_TRACE = Map.of("JAVA_OPTS", "-Damdb.log.syncTrace=true");
    private static final Partitioner PARTITIONER = new Partitioner(Partitioner.DEFAULT_PARTITIONS);

    /** One cycle's writes: per partition the keys in the order sent, and which of them were acknowledged. */
    private static final class Sent {
        final Map<Integer, List<String>> byPartition = new TreeMap<>();
        final Set<String> acked = new HashSet<>();
        final List<String> all = new ArrayList<>();
    }

    @Test
    void sync_powerLossAfterKill_losesNoAcknowledgedWrite() throws Exception {
        run("sync", CYCLES, false, false);
    }

    @Test
    void async_powerLossAfterKill_losesAtMostASuffixOfEachPartition() throws Exception {
        run("async", CYCLES, false, false);
    }

    /**
     * A kill -9 (no power loss: every acknowledged put is read back), a restart that recovers the log and takes more
     * writes, then a power loss: what the restarted node recovered and served, written well before the last fsync
     * interval, must survive it — only a suffix of the latest writes may go. Two such pairs.
     */
    @Test
    void async_crashRestartThenPowerLoss_keepsWhatTheRestartRecovered() throws Exception {
        run("async", 4, true, false);
    }

    /**
     * A power loss after which the disk holds, beyond what was fsynced, a seeded part of each segment's unsynced
     * tail — often ending inside a frame, which recovery must cut off as a torn tail. Same checks as above.
     */
    @Test
    void async_powerLossKeepingPartOfTheUnsyncedTail_losesAtMostASuffixOfEachPartition() throws Exception {
        run("async", 3, false, true);
    }

    /**
     * A DELETE of a key whose earlier DELETE still waits for its fsync changes nothing, yet its answer tells the
     * client the key is gone; in sync mode that answer must survive a power loss like any other. The earlier DELETE
     * shares its group commit with 16 MiB of puts so that its fsync takes a while; three power losses, as the kill
     * can still come after that fsync.
     */
    @Test
    void sync_deleteAnsweredWhileAnEarlierDeleteWaitsForFsync_survivesPowerLoss() throws Exception {
        Path dir = Files.createTempDirectory("amdb-powerloss-");
        String[] flags = {"--standalone", "--port", "0", "--http-port", "-1", "--shards", "2", "--data-dir",
                dir.toString(), "--durability", "sync"};
        int attempts = 3;
        List<String> answerOrder = new ArrayList<>();
        try {
            for (int attempt = 0; attempt <= attempts; attempt++) {
                try (NodeProcess node = NodeProcess.start(SYNC_TRACE, flags)) {
                    int port = node.awaitReady();
                    if (attempt > 0) {
                        try (RawClient c = new RawClient(port)) {
                            byte[] found = ((Response.Value) c.call(new Request.Get(twiceDeleted(attempt - 1)))).value();
                            assertNull(found, "attempt " + (attempt - 1) + ": the key holds '" + (found == null ? ""
                                    : new String(found, UTF_8)) + "' after a power loss although the second DELETE was "
                                    + "acknowledged in sync mode; answers in arrival order: " + answerOrder);
                        }
                    }
                    if (attempt < attempts) {
                        answerOrder = deleteTwiceThenKill(node, port, twiceDeleted(attempt));
                        cutToSynced(dir, "sync, two deletes, attempt " + attempt, null);
                    }
                }
            }
            System.out.println("PowerLossIT two deletes: answers of the last attempt in arrival order " + answerOrder);
        } finally {
            NodeProcess.deleteTree(dir);
        }
    }

    private static byte[] twiceDeleted(int attempt) {
        return ("pl:deleted-twice-" + attempt).getBytes(UTF_8);
    }

    /**
     * Puts {@code key}, then on one connection: 16 MiB of puts to its shard, a DELETE of it, and — once a second
     * connection sees the key gone — another DELETE of it; kills the node as soon as that one is answered. Returns
     * the answers in the order they arrived.
     */
    private static List<String> deleteTwiceThenKill(NodeProcess node, int port, byte[] key) throws Exception {
        List<String> answerOrder = new ArrayList<>();
        try (Pipeline<String> writer = new Pipeline<>(port); RawClient reader = new RawClient(port)) {
            writer.send(new Request.Put(key, "v".getBytes(UTF_8)), "PUT");
            assertEquals(Response.DONE, writer.next().response());
            writer.send(new Request.Put(sameShard(key, 2, 0), new byte[8 << 20]), "PUT big");
            writer.send(new Request.Put(sameShard(key, 2, 1), new byte[8 << 20]), "PUT big");
            writer.send(new Request.Delete(key), "first DELETE");
            for (int polls = 0; reader.call(new Request.Get(key)) instanceof Response.Value v && v.value() != null;
                    polls++) { // applied in memory: visible before it is acknowledged
                assertTrue(polls < 10_000, "the first DELETE never became visible");
            }
            writer.send(new Request.Delete(key), "second DELETE");
            Pipeline.Answer<String> a;
            do {
                a = writer.next();
                answerOrder.add(a.tag() + " -> " + a.response());
            } while (!a.tag().equals("second DELETE"));
            node.kill();
            assertEquals(new Response.Deleted(false), a.response());
        }
        return answerOrder;
    }

    /** A key whose partition lives on the same one of {@code shards} shards as {@code key}'s. */
    private static byte[] sameShard(byte[] key, int shards, int skip) {
        int shard = PARTITIONER.partition(key) % shards;
        for (int i = 0, found = 0; ; i++) {
            byte[] other = ("pl:big-" + i).getBytes(UTF_8);
            if (PARTITIONER.partition(other) % shards == shard && found++ == skip) {
                return other;
            }
        }
    }

    /**
     * {@code cycles} kills on one data directory, each followed by a power loss (every segment cut to its traced
     * offset, or with {@code tornTails} to a seeded point between that offset and its end) — or, with
     * {@code crashFirst}, only every second one: the others are plain kill -9s.
     */
    private void run(String mode, int cycles, boolean crashFirst, boolean tornTails) throws Exception {
        long seed = TestSeed.get();
        Random random = new Random(seed * 31 + mode.hashCode());
        Path dir = Files.createTempDirectory("amdb-powerloss-");
        List<String> durable = new ArrayList<>(); // keys read back after an earlier restart
        Set<String> ackedEver = new HashSet<>();
        long acked = 0;
        long lost = 0;
        long unackedKept = 0;
        long bytesCut = 0;
        System.out.printf("PowerLossIT %s: seed %d (replay with -Damdb.seed=%d)%n", mode, seed, seed);
        try {
            Sent previous = null;
            String where = null;
            boolean powerLoss = false;
            for (int cycle = 0; cycle <= cycles; cycle++) {
                try (NodeProcess node = NodeProcess.start(SYNC_TRACE, "--standalone", "--port", "0", "--http-port", "-1",
                        "--shards", "2", "--data-dir", dir.toString(), "--durability", mode)) {
                    int port = node.awaitReady();
                    if (previous != null) {
                        Set<String> present = readBack(node, port, previous.all, durable, ackedEver, where);
                        long[] counts = check(mode, powerLoss, previous, present, where);
                        lost += counts[0];
                        unackedKept += counts[1];
                        durable.addAll(present);
                    }
                    if (cycle == cycles) {
                        break;
                    }
                    powerLoss = !crashFirst || cycle % 2 == 1;
                    where = "seed=" + seed + " mode=" + mode + " cycle=" + cycle + (powerLoss ? " power loss" : " kill -9");
                    previous = write(node, port, cycle, 500 + random.nextInt(4_501), random, where);
                    acked += previous.acked.size();
                    ackedEver.addAll(previous.acked);
                    if (powerLoss) {
                        bytesCut += cutToSynced(dir, where, tornTails ? random : null);
                    }
                }
            }
        } finally {
            NodeProcess.deleteTree(dir);
        }
        System.out.printf("PowerLossIT %s: seed %d, %d kills (%s%s), %d acknowledged writes, %d of them lost, %d "
                + "unacknowledged writes kept, %d log bytes cut%n", mode, seed, cycles, crashFirst
                ? "every second one a plain kill -9, the others with a power loss" : "each with a power loss",
                tornTails ? " keeping part of the unsynced tail" : "", acked, lost, unackedKept, bytesCut);
    }

    /** Puts new keys until {@code killAfter} are acknowledged, then kills the node with a window of puts in flight. */
    private static Sent write(NodeProcess node, int port, int cycle, int killAfter, Random random, String where)
            throws Exception {
        Sent sent = new Sent();
        try (Pipeline<String> pipe = new Pipeline<>(port)) {
            while (sent.acked.size() < killAfter) {
                while (pipe.inFlight() < WINDOW) {
                    String key = "pl:" + cycle + ":" + sent.all.size();
                    byte[] k = key.getBytes(UTF_8);
                    sent.byPartition.computeIfAbsent(PARTITIONER.partition(k), p -> new ArrayList<>()).add(key);
                    sent.all.add(key);
                    pipe.send(new Request.Put(k, (key + "/" + "v".repeat(random.nextInt(64))).getBytes(UTF_8)), key);
                }
                settle(pipe.next(), sent, where);
            }
            node.kill();
            for (Pipeline.Answer<String> a : pipe.drain()) {
                settle(a, sent, where);
            }
        }
        return sent;
    }

    private static void settle(Pipeline.Answer<String> a, Sent sent, String where) {
        if (a.response() != Response.DONE) {
            fail(where + " key=" + a.tag() + ": PUT answered " + a.response());
        }
        sent.acked.add(a.tag());
    }

    /**
     * Cuts every segment of every shard to the last offset {@code synced.trace} names for it (0 when it names none),
     * or, given {@code keepUnsynced}, to a random point between that offset and the segment's end. Returns the bytes
     * cut.
     */
    static long cutToSynced(Path dataDir, String where, Random keepUnsynced) throws IOException {
        long cut = 0;
        List<Path> shards;
        try (Stream<Path> s = Files.list(dataDir)) {
            shards = s.filter(p -> p.getFileName().toString().startsWith("shard-")).sorted().toList();
        }
        assertTrue(!shards.isEmpty(), where + ": no shard directories in " + dataDir);
        for (Path shard : shards) {
            Map<String, Long> synced = new HashMap<>();
            Path trace = shard.resolve("synced.trace");
            if (Files.exists(trace)) {
                String text = Files.readString(trace, UTF_8);
                for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) { // whole lines only
                    if (!line.isEmpty()) {
                        String[] f = line.split(" ");
                        synced.put(f[0], Long.parseLong(f[1]));
                    }
                }
            }
            List<Path> segments;
            try (Stream<Path> s = Files.list(shard)) {
                segments = s.filter(p -> p.getFileName().toString().endsWith(".wal")).sorted().toList();
            }
            for (Path segment : segments) {
                long size = Files.size(segment);
                long keep = synced.getOrDefault(segment.getFileName().toString(), 0L);
                if (keep > size) {
                    fail(where + ": " + trace + " says " + segment.getFileName() + " is on disk up to " + keep
                            + ", but the file has " + size + " bytes");
                }
                if (keepUnsynced != null) {
                    keep += keepUnsynced.nextLong(size - keep + 1);
                }
                try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                    ch.truncate(keep);
                }
                cut += size - keep;
            }
        }
        return cut;
    }

    /**
     * Reads {@code keys} back; every key of {@code durable} must still be there ({@code ackedEver}: which of them were
     * acknowledged, for the message). Returns the keys present.
     */
    private static Set<String> readBack(NodeProcess node, int port, List<String> keys, List<String> durable,
            Set<String> ackedEver, String where) throws IOException {
        try (RawClient c = new RawClient(port)) {
            List<byte[]> old = c.mget(durable.stream().map(k -> k.getBytes(UTF_8)).toList());
            List<String> gone = new ArrayList<>();
            for (int i = 0; i < durable.size(); i++) {
                if (old.get(i) == null) {
                    gone.add(durable.get(i));
                }
            }
            if (!gone.isEmpty()) {
                fail(where + ": " + gone.size() + " keys read back after an earlier restart are gone ("
                        + gone.stream().filter(ackedEver::contains).count() + " of them acknowledged); first: "
                        + gone.subList(0, Math.min(5, gone.size())) + "; node output: " + node.output());
            }
            List<byte[]> values = c.mget(keys.stream().map(k -> k.getBytes(UTF_8)).toList());
            Set<String> present = new HashSet<>();
            for (int i = 0; i < keys.size(); i++) {
                if (values.get(i) != null) {
                    assertTrue(new String(values.get(i), UTF_8).startsWith(keys.get(i) + "/"), where + ": key "
                            + keys.get(i) + " holds " + new String(values.get(i), UTF_8));
                    present.add(keys.get(i));
                }
            }
            return present;
        }
    }

    /**
     * Per partition the present keys must be a prefix of the keys in the order sent; that prefix holds every
     * acknowledged key unless a power loss hit an async node. Returns {acknowledged keys lost, unacknowledged keys
     * present}.
     */
    private static long[] check(String mode, boolean powerLoss, Sent sent, Set<String> present, String where) {
        long lost = 0;
        long unackedKept = 0;
        for (Map.Entry<Integer, List<String>> e : sent.byPartition.entrySet()) {
            List<String> keys = e.getValue();
            int prefix = 0;
            while (prefix < keys.size() && present.contains(keys.get(prefix))) {
                prefix++;
            }
            for (int i = prefix + 1; i < keys.size(); i++) {
                if (present.contains(keys.get(i))) {
                    fail(where + " partition=" + e.getKey() + ": a hole — " + keys.get(prefix) + " (acknowledged: "
                            + sent.acked.contains(keys.get(prefix)) + ") is gone but " + keys.get(i)
                            + ", written after it, is there");
                }
            }
            for (String key : keys) {
                boolean acked = sent.acked.contains(key);
                lost += acked && !present.contains(key) ? 1 : 0;
                unackedKept += !acked && present.contains(key) ? 1 : 0;
                if ((mode.equals("sync") || !powerLoss) && acked && !present.contains(key)) {
                    fail(where + " partition=" + e.getKey() + " key=" + key + ": acknowledged, lost");
                }
            }
        }
        return new long[] {lost, unackedKept};
    }
}
