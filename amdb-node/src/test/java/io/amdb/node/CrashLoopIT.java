package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.amdb.node.persist.LogFormat;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.amdb.protocol.TestSeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kill -9 in a loop, as RocksDB's db_crashtest does, black-box: a node on one data directory takes pipelined puts
 * and deletes over a small key space, is killed at a moment the seed picks (after a number of acknowledged writes,
 * with a window of writes in flight), restarts, and every key must hold its latest acknowledged value or the value
 * of a write sent after it whose outcome the crash left unknown ({@link CrashModel}). What the restarted node holds
 * is where the next cycle starts. {@code docs/STORAGE.md}: neither {@code async} nor {@code sync} loses an
 * acknowledged write to a kill -9.
 */
@ExtendWith(TestSeed.class)
class CrashLoopIT {
    private static final int KEYS = 2_000;
    /** Kills per mode; a longer soak: {@code -Damdb.crashloop.cycles=200}. */
    private static final int CYCLES = Integer.getInteger("amdb.crashloop.cycles", 12);
    private static final int WINDOW = 48;
    private static final Pattern RECOVERED = Pattern.compile("recovered (\\d+) keys");

    /** What one mode's run did, printed at its end. */
    private static final class Totals {
        long ackedWrites;
        long unknownAtKill;
        long unknownSeen;
        long keysChecked;
    }

    @Test
    void async_killNineInALoop_keepsEveryAcknowledgedWrite() throws Exception {
        run("async");
    }

    @Test
    void sync_killNineInALoop_keepsEveryAcknowledgedWrite() throws Exception {
        run("sync");
    }

    /**
     * A kill -9 between creating a log segment and writing its header leaves an empty newest segment: a torn tail
     * ({@code docs/STORAGE.md}, "Recovery"), which recovery cuts off and goes on — so the node must start after it,
     * and again after that, with every acknowledged write, those made after the repair included.
     */
    @Test
    void restart_afterCrashLeftAnEmptyNewestSegment_startsEveryTimeWithEveryAcknowledgedWrite() throws Exception {
        Path dir = Files.createTempDirectory("amdb-crashloop-");
        String[] flags = {"--standalone", "--port", "0", "--http-port", "-1", "--shards", "2", "--data-dir",
                dir.toString(), "--durability", "async"};
        List<byte[]> keys = new ArrayList<>();
        for (int k = 0; k < 100; k++) {
            keys.add(("es:" + k).getBytes(UTF_8));
        }
        try {
            try (NodeProcess node = NodeProcess.start(flags); RawClient c = new RawClient(node.awaitReady())) {
                for (byte[] key : keys) {
                    assertEquals(Response.DONE, c.call(new Request.Put(key, key)));
                }
                node.kill();
            }
            List<String> created = new ArrayList<>();
            for (int shard = 0; shard < 2; shard++) { // what the crash left: the next segment, created, still empty
                Path shardDir = dir.resolve("shard-" + shard);
                long newest;
                try (Stream<Path> files = Files.list(shardDir)) {
                    newest = files.mapToLong(f -> LogFormat.numberOf(f.getFileName().toString(), "log-", ".wal")).max()
                            .orElseThrow();
                }
                created.add(Files.createFile(shardDir.resolve(LogFormat.segmentName(newest + 1))).toString());
            }
            for (int restart = 1; restart <= 2; restart++) {
                try (NodeProcess node = NodeProcess.start(Map.of(), flags)) {
                    String where = "restart " + restart + " after creating the empty segments " + created;
                    int port;
                    try {
                        port = node.awaitReady();
                    } catch (IllegalStateException exited) {
                        throw new AssertionError(where + ": the node did not start", exited);
                    }
                    try (RawClient c = new RawClient(port)) {
                        List<byte[]> values = c.mget(keys);
                        for (int k = 0; k < keys.size(); k++) {
                            assertArrayEquals(keys.get(k), values.get(k), where + ": key " + new String(keys.get(k), UTF_8));
                        }
                        for (int k = 0; k < 50; k++) { // acknowledged after the repair: the next start must keep them too
                            byte[] key = ("es:restart-" + restart + ":" + k).getBytes(UTF_8);
                            assertEquals(Response.DONE, c.call(new Request.Put(key, key)));
                            keys.add(key);
                        }
                    }
                    node.kill();
                }
            }
        } finally {
            NodeProcess.deleteTree(dir);
        }
    }

    private void run(String mode) throws Exception {
        long seed = TestSeed.get();
        Random random = new Random(seed * 31 + mode.hashCode());
        Path dir = Files.createTempDirectory("amdb-crashloop-");
        CrashModel model = new CrashModel(KEYS);
        Totals totals = new Totals();
        long started = System.nanoTime();
        System.out.printf("CrashLoopIT %s: seed %d (replay with -Damdb.seed=%d)%n", mode, seed, seed);
        try {
            for (int cycle = 0; cycle <= CYCLES; cycle++) {
                try (NodeProcess node = NodeProcess.start("--standalone", "--port", "0", "--http-port", "-1",
                        "--shards", "2", "--data-dir", dir.toString(), "--durability", mode)) {
                    int port = node.awaitReady();
                    String where = "seed=" + seed + " mode=" + mode + " cycle=" + (cycle - 1);
                    if (cycle > 0) {
                        check(node, port, model, totals, where);
                    }
                    if (cycle < CYCLES) {
                        write(node, port, model, random, cycle, totals, "seed=" + seed + " mode=" + mode + " cycle=" + cycle);
                    }
                }
            }
        } finally {
            NodeProcess.deleteTree(dir);
        }
        System.out.printf("CrashLoopIT %s: seed %d, %d cycles, %d acknowledged writes, %d writes in flight at the kills "
                + "(%d of them visible after restart), %d keys checked, %.1f s%n", mode, seed, CYCLES, totals.ackedWrites,
                totals.unknownAtKill, totals.unknownSeen, totals.keysChecked, (System.nanoTime() - started) / 1e9);
    }

    /** Writes until the seed's number of acknowledgements, then kills the node with writes in flight. */
    private static void write(NodeProcess node, int port, CrashModel model, Random random, int cycle, Totals totals,
            String where) throws Exception {
        int killAfter = 300 + random.nextInt(2_701);
        int acked = 0;
        long counter = 0;
        try (Pipeline<CrashModel.Write> pipe = new Pipeline<>(port)) {
            while (acked < killAfter) {
                while (pipe.inFlight() < WINDOW) {
                    int key = random.nextInt(KEYS);
                    String value = random.nextInt(4) == 0 ? null : value(key, cycle, counter++, random);
                    CrashModel.Write w = model.send(key, value);
                    pipe.send(value == null ? new Request.Delete(key(key)) : new Request.Put(key(key), value.getBytes(UTF_8)), w);
                }
                settle(pipe.next(), model, where);
                acked++;
            }
            node.kill();
            for (Pipeline.Answer<CrashModel.Write> a : pipe.drain()) {
                settle(a, model, where);
                acked++;
            }
            totals.unknownAtKill += pipe.inFlight();
        }
        totals.ackedWrites += acked;
    }

    private static void settle(Pipeline.Answer<CrashModel.Write> a, CrashModel model, String where) {
        CrashModel.Write w = a.tag();
        boolean ok = w.value() == null ? a.response() instanceof Response.Deleted : a.response() == Response.DONE;
        if (!ok) {
            fail(where + " key=" + keyName(w.key()) + ": " + (w.value() == null ? "DELETE" : "PUT " + w.value())
                    + " answered " + a.response());
        }
        model.acknowledged(w);
    }

    /** Reads every key after a restart, checks it against the model, then takes what the node holds as the new state. */
    private static void check(NodeProcess node, int port, CrashModel model, Totals totals, String where) throws Exception {
        List<byte[]> keys = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            keys.add(key(k));
        }
        List<byte[]> values;
        try (RawClient c = new RawClient(port)) {
            values = c.mget(keys);
        }
        List<String> found = values.stream().map(v -> v == null ? null : new String(v, UTF_8)).toList();
        CrashModel.Check check = model.checkThenAccept(found, CrashLoopIT::keyName);
        if (!check.wrong().isEmpty()) {
            fail(where + ": " + check.wrong().size() + " keys do not hold what was acknowledged; first: "
                    + check.wrong().subList(0, Math.min(5, check.wrong().size())) + "; the restarted node printed: "
                    + node.stdout());
        }
        totals.unknownSeen += check.unknownSeen();
        int present = check.present();
        totals.keysChecked += KEYS;
        assertEquals(present, recoveredKeys(node), where + ": the keys recovery reported against the keys read back; "
                + node.stdout());
    }

    private static long recoveredKeys(NodeProcess node) throws Exception {
        for (String line : node.stdout()) {
            Matcher m = RECOVERED.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no 'recovered N keys' line: " + node.stdout());
    }

    private static String value(int key, int cycle, long counter, Random random) {
        return keyName(key) + "/cycle-" + cycle + "/write-" + counter + "/" + "x".repeat(random.nextInt(100));
    }

    private static String keyName(int k) {
        return String.format("ck:%04d", k);
    }

    private static byte[] key(int k) {
        return keyName(k).getBytes(UTF_8);
    }
}
