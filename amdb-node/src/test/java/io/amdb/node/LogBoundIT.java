package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The log's bound ({@code docs/STORAGE.md}, "Snapshots", "When"): a shard takes a snapshot once its log holds more
 * than max(64 MiB, its data) since the last one, "so the disk holds at most about two logs' worth plus two copies of
 * the data" — which must hold however often the node restarts, or the log and the recovery time grow forever.
 */
class LogBoundIT {
    private static final long SNAPSHOT_LOG_BYTES = 64L << 20;
    private static final int KEYS = 64;
    private static final int VALUE_BYTES = 64 << 10;
    private static final int PUTS_PER_RUN = 640; // 40 MiB: each run alone stays under the threshold
    private static final int RUNS = 5;
    private static final long SLACK = 8L << 20; // a segment may end a little past 64 MiB

    @Test
    void restart_every40MiBOfWrites_logStaysWithinTwoLogsAndTwoCopiesOfTheData() throws Exception {
        Path dir = Files.createTempDirectory("amdb-logbound-");
        String[] flags = {"--standalone", "--port", "0", "--http-port", "-1", "--shards", "1", "--data-dir",
                dir.toString(), "--durability", "async"};
        long bound = 2 * SNAPSHOT_LOG_BYTES + 2L * KEYS * VALUE_BYTES + SLACK;
        try {
            for (int run = 0; run < RUNS; run++) {
                try (NodeProcess node = NodeProcess.start(flags)) {
                    int port = node.awaitReady();
                    write(port, run);
                    node.process.destroy(); // SIGTERM: a clean stop, not a crash
                    assertTrue(node.process.waitFor(60, TimeUnit.SECONDS), "node still running 60 s after SIGTERM");
                    assertEquals(0, node.process.exitValue(), node.stdout().toString());
                }
                Path shard = dir.resolve("shard-0");
                long logBytes = bytes(shard, ".wal");
                String state = String.format("after run %d (%d MiB written in all): the log holds %.1f MiB in %d segments,"
                        + " %d snapshots; bound %d MiB", run, (run + 1L) * PUTS_PER_RUN * VALUE_BYTES >> 20,
                        logBytes / 1048576.0, count(shard, ".wal"), count(shard, ".snap"), bound >> 20);
                System.out.println("LogBoundIT: " + state);
                assertTrue(logBytes <= bound, state);
            }
            try (NodeProcess node = NodeProcess.start(flags); RawClient c = new RawClient(node.awaitReady())) {
                List<byte[]> keys = new ArrayList<>();
                for (int k = 0; k < KEYS; k++) {
                    keys.add(("lb:" + k).getBytes(UTF_8));
                }
                List<byte[]> values = c.mget(keys);
                for (int k = 0; k < KEYS; k++) {
                    assertArrayEquals(value(k, RUNS - 1), values.get(k), "key lb:" + k + " after the last restart");
                }
            }
        } finally {
            NodeProcess.deleteTree(dir);
        }
    }

    /** Overwrites the keys round-robin, {@link #PUTS_PER_RUN} puts, 16 in flight; the last value of key k is value(k, run). */
    private static void write(int port, int run) throws IOException {
        try (Pipeline<Integer> pipe = new Pipeline<>(port)) {
            for (int i = 0; i < PUTS_PER_RUN; i++) {
                if (pipe.inFlight() == 16) {
                    assertEquals(Response.DONE, pipe.next().response());
                }
                pipe.send(new Request.Put(("lb:" + i % KEYS).getBytes(UTF_8), value(i % KEYS, run)), i);
            }
            while (pipe.inFlight() > 0) {
                assertEquals(Response.DONE, pipe.next().response());
            }
        }
    }

    private static byte[] value(int key, int run) {
        byte[] v = new byte[VALUE_BYTES];
        Arrays.fill(v, (byte) ('a' + (key + run) % 26));
        return v;
    }

    private static long bytes(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            long sum = 0;
            for (Path f : files.filter(f -> f.toString().endsWith(suffix)).toList()) {
                sum += Files.size(f);
            }
            return sum;
        }
    }

    private static long count(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(suffix)).count();
        }
    }
}
