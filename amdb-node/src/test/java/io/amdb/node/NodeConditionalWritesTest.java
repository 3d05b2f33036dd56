package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.config.StorageConfig;
import io.amdb.node.persist.Durability;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Request;
import io.amdb.protocol.Request.Condition;
import io.amdb.protocol.Response;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET_VERSION and CAS against a real node over real TCP: put-if-absent, compare-and-set on a version or a value,
 * conditional deletes, versions that only grow (across restarts too), the limits, and no lost update when many
 * connections race on one key.
 */
class NodeConditionalWritesTest {
    private static AmDbNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNodes.start(TestNodes.config());
    }

    @AfterAll
    static void stopNode() throws Exception {
        TestNodes.stop(node);
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private static Response.Versioned getVersion(RawClient c, String key) throws Exception {
        return assertInstanceOf(Response.Versioned.class, c.call(new Request.GetVersion(b(key))));
    }

    private static Response.Swapped cas(RawClient c, String key, Condition expect, String value) throws Exception {
        Response r = c.call(new Request.Cas(b(key), expect, value == null ? null : b(value)));
        return assertInstanceOf(Response.Swapped.class, r, r.toString());
    }

    @Test
    void getVersion_missingKey_absentAtVersionZero() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            Response.Versioned r = getVersion(c, "cw:never");
            assertNull(r.value());
            assertEquals(0, r.version());
        }
    }

    @Test
    void putIfAbsent_absentKey_writesAndReturnsTheVersionGetVersionSees() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            Response.Swapped r = cas(c, "cw:new", Condition.absent(), "first");
            assertTrue(r.applied());
            assertTrue(r.version() >= 1, r.toString());
            Response.Versioned got = getVersion(c, "cw:new");
            assertArrayEquals(b("first"), got.value());
            assertEquals(r.version(), got.version());
        }
    }

    @Test
    void putIfAbsent_presentKey_notAppliedReportsCurrentVersionAndKeepsTheValue() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            c.call(new Request.Put(b("cw:taken"), b("mine")));
            long version = getVersion(c, "cw:taken").version();
            assertEquals(new Response.Swapped(false, version), cas(c, "cw:taken", Condition.absent(), "yours"));
            assertArrayEquals(b("mine"), ((Response.Value) c.call(new Request.Get(b("cw:taken")))).value());
        }
    }

    @Test
    void cas_onVersion_appliesOnceThenTheStaleVersionFailsWithTheCurrentOne() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            c.call(new Request.Put(b("cw:ver"), b("v1")));
            long read = getVersion(c, "cw:ver").version();
            Response.Swapped first = cas(c, "cw:ver", Condition.version(read), "v2");
            assertTrue(first.applied());
            assertTrue(first.version() > read, first + " after " + read);
            assertEquals(new Response.Swapped(false, first.version()), cas(c, "cw:ver", Condition.version(read), "v3"));
            Response.Versioned now = getVersion(c, "cw:ver");
            assertArrayEquals(b("v2"), now.value());
            assertEquals(first.version(), now.version());
        }
    }

    @Test
    void cas_onVersionOfMissingKey_failsWithVersionZero() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            assertEquals(new Response.Swapped(false, 0), cas(c, "cw:ghost", Condition.version(5), "x"));
            assertNull(getVersion(c, "cw:ghost").value());
        }
    }

    @Test
    void cas_onValue_appliesOnlyWhileTheValueMatches() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            assertEquals(new Response.Swapped(false, 0), cas(c, "cw:val", Condition.value(b("a")), "b"),
                    "a missing key holds no value");
            c.call(new Request.Put(b("cw:val"), b("a")));
            Response.Swapped swapped = cas(c, "cw:val", Condition.value(b("a")), "b");
            assertTrue(swapped.applied());
            assertEquals(new Response.Swapped(false, swapped.version()), cas(c, "cw:val", Condition.value(b("a")), "c"));
            assertArrayEquals(b("b"), getVersion(c, "cw:val").value());
        }
    }

    @Test
    void cas_onEmptyValue_matchesAnEmptyValueButNotAbsence() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            assertEquals(false, cas(c, "cw:empty", Condition.value(new byte[0]), "x").applied());
            c.call(new Request.Put(b("cw:empty"), new byte[0]));
            assertEquals(true, cas(c, "cw:empty", Condition.value(new byte[0]), "x").applied());
        }
    }

    @Test
    void casDelete_conditionHolds_removesTheKeyAndAnswersVersionZero() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            c.call(new Request.Put(b("cw:del"), b("x")));
            long version = getVersion(c, "cw:del").version();
            assertEquals(new Response.Swapped(false, version), cas(c, "cw:del", Condition.version(version + 1), null));
            assertEquals(new Response.Swapped(false, version), cas(c, "cw:del", Condition.value(b("y")), null));
            assertArrayEquals(b("x"), getVersion(c, "cw:del").value(), "a failed delete removes nothing");
            assertEquals(new Response.Swapped(true, 0), cas(c, "cw:del", Condition.version(version), null));
            assertEquals(0, getVersion(c, "cw:del").version());
            assertNull(getVersion(c, "cw:del").value());
            c.call(new Request.Put(b("cw:del"), b("z")));
            assertEquals(new Response.Swapped(true, 0), cas(c, "cw:del", Condition.value(b("z")), null));
            assertNull(((Response.Value) c.call(new Request.Get(b("cw:del")))).value());
        }
    }

    @Test
    void casDelete_ifAbsentOnMissingKey_appliesAndChangesNothing() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            assertEquals(new Response.Swapped(true, 0), cas(c, "cw:nothing", Condition.absent(), null));
            assertNull(getVersion(c, "cw:nothing").value());
        }
    }

    @Test
    void versions_successiveWritesOfEveryKind_strictlyIncrease() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            List<Long> versions = new ArrayList<>();
            c.call(new Request.Put(b("cw:seq"), b("0")));
            versions.add(getVersion(c, "cw:seq").version());
            c.call(new Request.Put(b("cw:seq"), b("1")));
            versions.add(getVersion(c, "cw:seq").version());
            versions.add(cas(c, "cw:seq", Condition.version(versions.get(1)), "2").version());
            versions.add(cas(c, "cw:seq", Condition.value(b("2")), "3").version());
            c.call(new Request.Delete(b("cw:seq")));
            versions.add(cas(c, "cw:seq", Condition.absent(), "4").version());
            c.call(new Request.Batch(List.of(Request.BatchItem.put(b("cw:seq"), b("5")))));
            versions.add(getVersion(c, "cw:seq").version());
            for (int i = 1; i < versions.size(); i++) {
                assertTrue(versions.get(i) > versions.get(i - 1), versions.toString());
            }
        }
    }

    @Test
    void cas_pipelinedOnOneConnection_appliesInSendOrder() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            burst.writeBytes(c.encode(new Request.Cas(b("cw:chain"), Condition.absent(), b("0"))));
            for (int i = 0; i < 50; i++) {
                burst.writeBytes(c.encode(new Request.Cas(b("cw:chain"), Condition.value(b("" + i)), b("" + (i + 1)))));
            }
            c.sendRaw(burst.toByteArray());
            for (int n = 0; n < 51; n++) {
                RawClient.Reply reply = c.read();
                assertTrue(assertInstanceOf(Response.Swapped.class, reply.response()).applied(), "request " + reply.header());
            }
            assertArrayEquals(b("50"), getVersion(c, "cw:chain").value());
        }
    }

    @Test
    void cas_limits_keyAndValueAndExpectedValueCheckedLikePut() throws Exception {
        Limits d = Limits.DEFAULTS;
        byte[] tooBig = new byte[d.maxValueBytes() + 1];
        try (RawClient c = new RawClient(node.port())) {
            assertEquals(ErrorCode.KEY_EMPTY, error(c.call(new Request.Cas(new byte[0], Condition.absent(), b("v")))));
            assertEquals(ErrorCode.KEY_EMPTY, error(c.call(new Request.GetVersion(new byte[0]))));
            assertEquals(ErrorCode.KEY_TOO_LARGE,
                    error(c.call(new Request.Cas(new byte[d.maxKeyBytes() + 1], Condition.absent(), b("v")))));
            assertEquals(ErrorCode.KEY_TOO_LARGE, error(c.call(new Request.GetVersion(new byte[d.maxKeyBytes() + 1]))));
            assertEquals(ErrorCode.VALUE_TOO_LARGE, error(c.call(new Request.Cas(b("cw:big"), Condition.absent(), tooBig))));
            assertEquals(ErrorCode.VALUE_TOO_LARGE,
                    error(c.call(new Request.Cas(b("cw:big"), Condition.value(tooBig), b("v")))));
            assertNull(getVersion(c, "cw:big").value(), "nothing was written");
            assertEquals(Response.DONE, c.call(new Request.Ping()), "the connection stays usable");
        }
    }

    private static ErrorCode error(Response r) {
        return assertInstanceOf(Response.Error.class, r, r.toString()).code();
    }

    @Test
    void execute_casOnTheForwardingPath_appliesAndNotifiesObserversOnlyWhenApplied() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        node.observeWrites((p, k, v) -> seen.add(new String(k, UTF_8) + "=" + (v == null ? "<deleted>" : new String(v, UTF_8))));
        try {
            Response.Swapped put = assertInstanceOf(Response.Swapped.class,
                    TestNodes.run(node, new Request.Cas(b("cw:obs"), Condition.absent(), b("x"))));
            assertTrue(put.applied());
            TestNodes.run(node, new Request.Cas(b("cw:obs"), Condition.absent(), b("y")));
            Response.Versioned got = assertInstanceOf(Response.Versioned.class,
                    TestNodes.run(node, new Request.GetVersion(b("cw:obs"))));
            assertEquals(put.version(), got.version());
            TestNodes.run(node, new Request.Cas(b("cw:obs"), Condition.version(got.version()), null));
            TestNodes.run(node, new Request.Cas(b("cw:obs-never"), Condition.absent(), null));
        } finally {
            node.observeWrites(null);
        }
        assertEquals(List.of("cw:obs=x", "cw:obs=<deleted>"), seen);
    }

    /**
     * Several connections each add 1 to one counter by read-version, compare-and-set on that version, until each
     * has made {@code K} increments of its own: a lost update (two increments from the same read) would leave the
     * counter below connections × K.
     */
    @Test
    void cas_readModifyWriteFromManyConnections_noUpdateIsLost() throws Exception {
        int connections = 4;
        int k = 150;
        try (RawClient c = new RawClient(node.port())) {
            c.call(new Request.Put(b("cw:counter"), b("0")));
        }
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<int[]>> done = new ArrayList<>();
            for (int t = 0; t < connections; t++) {
                done.add(pool.submit(() -> increment("cw:counter", k)));
            }
            int failures = 0;
            for (Future<int[]> f : done) {
                int[] r = f.get(120, TimeUnit.SECONDS); // a hang guard, not a timing assertion
                assertEquals(k, r[0]);
                failures += r[1];
            }
            try (RawClient c = new RawClient(node.port())) {
                assertArrayEquals(b(Integer.toString(connections * k)), getVersion(c, "cw:counter").value(),
                        failures + " compare-and-sets lost a race and were retried");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Adds 1 to the counter under {@code key} {@code times} times; returns {successes, failed attempts}. */
    private static int[] increment(String key, int times) throws Exception {
        int failed = 0;
        try (RawClient c = new RawClient(node.port())) {
            for (int done = 0; done < times; ) {
                Response.Versioned read = getVersion(c, key);
                long next = Long.parseLong(new String(read.value(), UTF_8)) + 1;
                if (cas(c, key, Condition.version(read.version()), Long.toString(next)).applied()) {
                    done++;
                } else {
                    failed++;
                }
            }
        }
        return new int[] {times, failed};
    }

    @Test
    void restart_sameDirectory_versionsAreKeptAndKeepGrowing(@TempDir Path dir) throws Exception {
        var config = TestNodes.config().withStorage(StorageConfig.durable(Durability.SYNC, dir));
        AmDbNode durable = TestNodes.start(config);
        Map<String, Long> before = new HashMap<>();
        try {
            for (int i = 0; i < 20; i++) {
                TestNodes.run(durable, new Request.Cas(b("cw:d" + i), Condition.absent(), b("v" + i)));
            }
            durable.snapshot().await(30, TimeUnit.SECONDS); // some versions from the snapshot, the rest from the log
            for (int i = 0; i < 20; i += 2) {
                long v = ((Response.Versioned) TestNodes.run(durable, new Request.GetVersion(b("cw:d" + i)))).version();
                TestNodes.run(durable, new Request.Cas(b("cw:d" + i), Condition.version(v), b("w" + i)));
            }
            for (int i = 0; i < 20; i++) {
                before.put("cw:d" + i, ((Response.Versioned) TestNodes.run(durable, new Request.GetVersion(b("cw:d" + i)))).version());
            }
        } finally {
            TestNodes.stop(durable);
        }
        durable = TestNodes.start(config);
        try {
            for (Map.Entry<String, Long> e : before.entrySet()) {
                Response.Versioned got = (Response.Versioned) TestNodes.run(durable, new Request.GetVersion(b(e.getKey())));
                assertEquals(e.getValue(), got.version(), e.getKey());
            }
            Response.Swapped again = (Response.Swapped) TestNodes.run(durable,
                    new Request.Cas(b("cw:d0"), Condition.version(before.get("cw:d0")), b("after restart")));
            assertTrue(again.applied());
            assertTrue(again.version() > before.get("cw:d0"), again + " after " + before.get("cw:d0"));
        } finally {
            TestNodes.stop(durable);
        }
    }
}
