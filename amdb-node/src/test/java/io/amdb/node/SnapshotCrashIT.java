package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.amdb.protocol.TestSeed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kill -9 around snapshots ({@code docs/STORAGE.md}, "Snapshots"): a one-shard node takes 64 KiB puts over 500 keys
 * (32 MiB of data) until its log passes 64 MiB and it snapshots; the test watches the shard directory and kills the
 * node while the snapshot is being written ({@code snap-N.snap.tmp}), as soon as it is published (when the segments
 * it covers are being deleted), or a few hundred writes later. After each restart every key holds its latest
 * acknowledged value or a later unacknowledged one ({@link CrashModel}), and a published snapshot is what recovery
 * starts from.
 */
@ExtendWith(TestSeed.class)
class SnapshotCrashIT {
    private static final int KEYS = 500;
    private static final int VALUE_BYTES = 64 << 10;
    private static final int WINDOW = 16;
    private static final int MAX_PUTS = 4_000; // 250 MiB: far past the 64 MiB of log that starts a snapshot
    private static final Pattern RECOVERED = Pattern.compile("recovered (\\d+) keys: (\\d+) from snapshots");

    /** When, relative to the snapshot a cycle's writes start, the node is killed. */
    private enum Moment { WRITING, PUBLISHED, LATER }

    /** The last kill comes while a second snapshot is written: recovery must take the complete older one. */
    private static final Moment[] PLAN = {Moment.WRITING, Moment.PUBLISHED, Moment.LATER, Moment.WRITING};

    @Test
    void killNine_whileSnapshotWrittenOrJustPublished_keepsEveryAcknowledgedWrite() throws Exception {
        long seed = TestSeed.get();
        Random random = new Random(seed);
        Path dir = Files.createTempDirectory("amdb-snapcrash-");
        Path shard = dir.resolve("shard-0");
        CrashModel model = new CrashModel(KEYS);
        List<String> report = new ArrayList<>();
        long acked = 0;
        System.out.printf("SnapshotCrashIT: seed %d (replay with -Damdb.seed=%d)%n", seed, seed);
        try {
            for (int cycle = 0; cycle <= PLAN.length; cycle++) {
                try (NodeProcess node = NodeProcess.start("--standalone", "--port", "0", "--http-port", "-1", "--shards",
                        "1", "--data-dir", dir.toString(), "--durability", "async")) {
                    int port = node.awaitReady();
                    if (cycle > 0) {
                        String where = "seed=" + seed + " cycle=" + (cycle - 1) + " killed " + PLAN[cycle - 1];
                        long fromSnapshot = check(node, port, model, where);
                        if (PLAN[cycle - 1] != Moment.WRITING) {
                            assertTrue(fromSnapshot > 0, where + ": a snapshot was published, yet recovery did not "
                                    + "start from one; " + node.stdout());
                        }
                    }
                    if (cycle < PLAN.length) {
                        String where = "seed=" + seed + " cycle=" + cycle + " " + PLAN[cycle];
                        int n = writeThenKill(node, port, shard, model, random, cycle, where);
                        acked += n;
                        report.add(PLAN[cycle] + " after " + n + " acks (files then: " + names(shard, "") + ")");
                    }
                }
            }
        } finally {
            NodeProcess.deleteTree(dir);
        }
        System.out.printf("SnapshotCrashIT: seed %d, %d kills, %d acknowledged puts of %d KiB: %s%n", seed, PLAN.length,
                acked, VALUE_BYTES >> 10, report);
    }

    /** Puts until the cycle's moment comes (seen in the shard directory), kills the node; returns the acknowledgements. */
    private static int writeThenKill(NodeProcess node, int port, Path shard, CrashModel model, Random random, int cycle,
            String where) throws Exception {
        Moment moment = PLAN[cycle];
        Set<String> snapshotsBefore = names(shard, ".snap");
        int extra = switch (moment) {
            case WRITING -> random.nextInt(4);
            case PUBLISHED -> 0;
            case LATER -> 100 + random.nextInt(300);
        };
        int acked = 0;
        int killAt = -1;
        long counter = 0;
        try (Pipeline<CrashModel.Write> pipe = new Pipeline<>(port)) {
            while (killAt < 0 || acked < killAt) {
                assertTrue(acked < MAX_PUTS, where + ": no snapshot after " + acked + " puts of " + VALUE_BYTES
                        + " bytes; files: " + names(shard, ""));
                while (pipe.inFlight() < WINDOW) {
                    int key = random.nextInt(KEYS);
                    String value = key + "/cycle-" + cycle + "/write-" + counter++ + "/";
                    CrashModel.Write w = model.send(key, value + "x".repeat(VALUE_BYTES - value.length()));
                    pipe.send(new Request.Put(key(key), w.value().getBytes(UTF_8)), w);
                }
                settle(pipe.next(), model, where);
                acked++;
                if (killAt < 0 && seen(moment, shard, snapshotsBefore)) {
                    killAt = acked + extra;
                }
            }
            node.kill();
            for (Pipeline.Answer<CrashModel.Write> a : pipe.drain()) {
                settle(a, model, where);
                acked++;
            }
        }
        return acked;
    }

    private static boolean seen(Moment moment, Path shard, Set<String> snapshotsBefore) throws IOException {
        if (moment == Moment.WRITING) {
            return !names(shard, ".snap.tmp").isEmpty();
        }
        return !snapshotsBefore.containsAll(names(shard, ".snap"));
    }

    private static void settle(Pipeline.Answer<CrashModel.Write> a, CrashModel model, String where) {
        if (a.response() != Response.DONE) {
            fail(where + " key=" + a.tag().key() + ": PUT answered " + a.response());
        }
        model.acknowledged(a.tag());
    }

    /** Checks every key against the model; returns how many keys recovery took from snapshots. */
    private static long check(NodeProcess node, int port, CrashModel model, String where) throws Exception {
        List<byte[]> keys = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            keys.add(key(k));
        }
        List<String> found;
        try (RawClient c = new RawClient(port)) {
            found = c.mget(keys).stream().map(v -> v == null ? null : new String(v, UTF_8)).toList();
        }
        CrashModel.Check check = model.checkThenAccept(found, Integer::toString);
        if (!check.wrong().isEmpty()) {
            fail(where + ": " + check.wrong().size() + " keys do not hold what was acknowledged; first: "
                    + check.wrong().subList(0, Math.min(5, check.wrong().size())) + "; the restarted node printed: "
                    + node.stdout());
        }
        for (String line : node.stdout()) {
            Matcher m = RECOVERED.matcher(line);
            if (m.find()) {
                assertEquals(check.present(), Long.parseLong(m.group(1)), where + ": keys recovered against keys read");
                return Long.parseLong(m.group(2));
            }
        }
        throw new AssertionError(where + ": no 'recovered N keys' line: " + node.stdout());
    }

    private static Set<String> names(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
        }
    }

    private static byte[] key(int k) {
        return ("sc:" + k).getBytes(UTF_8);
    }
}
