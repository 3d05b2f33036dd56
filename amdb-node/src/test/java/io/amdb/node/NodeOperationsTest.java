package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.amdb.protocol.TestSeed;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every operation against a real node over real TCP, checked byte for byte. */
@ExtendWith(TestSeed.class)
class NodeOperationsTest {
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

    @Test
    void ping_anyTime_answersDone() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            assertEquals(Response.DONE, c.call(new Request.Ping()));
        }
    }

    @Test
    void put_thenGet_returnsLatestValue() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            c.call(new Request.Put(b("ops:k1"), b("one")));
            c.call(new Request.Put(b("ops:k1"), b("two")));
            assertArrayEquals(b("two"), ((Response.Value) c.call(new Request.Get(b("ops:k1")))).value());
        }
    }

    @Test
    void get_missingKey_returnsAbsentNotError() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            assertNull(((Response.Value) c.call(new Request.Get(b("ops:never-written")))).value());
        }
    }

    @Test
    void delete_existingThenMissing_reportsWhetherItExisted() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            c.call(new Request.Put(b("ops:del"), b("x")));
            assertEquals(new Response.Deleted(true), c.call(new Request.Delete(b("ops:del"))));
            assertEquals(new Response.Deleted(false), c.call(new Request.Delete(b("ops:del"))));
            assertNull(((Response.Value) c.call(new Request.Get(b("ops:del")))).value());
        }
    }

    @Test
    void put_binaryKeyAndValue_roundTripsIntact() throws Exception {
        byte[] key = {0x00, (byte) 0xFF, (byte) 0xC3, 0x28, 0x00};
        byte[] value = {(byte) 0xFF, 0x00, (byte) 0xFE, (byte) 0x80, 0x7F};
        try (RawClient c = new RawClient(node.port())) {
            c.call(new Request.Put(key, value));
            assertArrayEquals(value, ((Response.Value) c.call(new Request.Get(key))).value());
            c.call(new Request.Put(b("ops:empty-value"), new byte[0]));
            assertArrayEquals(new byte[0], ((Response.Value) c.call(new Request.Get(b("ops:empty-value")))).value());
        }
    }

    @Test
    void put_defaultKeyAndValueLimits_atLimitStoredAndPlusOneRefused() throws Exception {
        Limits d = Limits.DEFAULTS;
        try (RawClient c = new RawClient(node.port())) {
            byte[] longKey = new byte[d.maxKeyBytes()];
            Arrays.fill(longKey, (byte) 'k');
            assertEquals(Response.DONE, c.call(new Request.Put(longKey, new byte[d.maxValueBytes()])));
            assertEquals(d.maxValueBytes(), ((Response.Value) c.call(new Request.Get(longKey))).value().length);
            Response.Error key = (Response.Error) c.call(new Request.Put(Arrays.copyOf(longKey, d.maxKeyBytes() + 1), b("v")));
            assertEquals(ErrorCode.KEY_TOO_LARGE, key.code());
            Response.Error value = (Response.Error) c.call(new Request.Put(b("ops:big"), new byte[d.maxValueBytes() + 1]));
            assertEquals(ErrorCode.VALUE_TOO_LARGE, value.code());
            assertNull(((Response.Value) c.call(new Request.Get(b("ops:big")))).value());
            c.call(new Request.Delete(longKey));
        }
    }

    @Test
    void mget_presentAndAbsentKeys_answersInRequestOrder() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            for (int i = 0; i < 50; i += 2) {
                c.call(new Request.Put(b("mget:" + i), b("v" + i)));
            }
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                keys.add(b("mget:" + i));
            }
            List<byte[]> values = ((Response.Values) c.call(new Request.MGet(keys))).values();
            for (int i = 0; i < 50; i++) {
                if (i % 2 == 0) {
                    assertArrayEquals(b("v" + i), values.get(i), "key " + i);
                } else {
                    assertNull(values.get(i), "key " + i);
                }
            }
        }
    }

    @Test
    void batch_putsAndDeletes_reportsStatusPerItemAndApplies() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            c.call(new Request.Put(b("batch:gone"), b("x")));
            List<Request.BatchItem> items = List.of(
                    Request.BatchItem.put(b("batch:a"), b("1")),
                    Request.BatchItem.delete(b("batch:gone")),
                    Request.BatchItem.put(new byte[0], b("bad")),
                    Request.BatchItem.put(b("batch:b"), b("2")));
            Response.Statuses statuses = (Response.Statuses) c.call(new Request.Batch(items));
            assertEquals(List.of(ErrorCode.OK, ErrorCode.OK, ErrorCode.KEY_EMPTY, ErrorCode.OK), statuses.statuses());
            assertArrayEquals(b("2"), ((Response.Value) c.call(new Request.Get(b("batch:b")))).value());
            assertNull(((Response.Value) c.call(new Request.Get(b("batch:gone")))).value());
        }
    }

    @Test
    void pipeline_thousandRequestsInOneWrite_everyReplyMatchesItsId() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            Map<Integer, String> expected = new HashMap<>();
            for (int i = 0; i < 500; i++) {
                burst.writeBytes(c.encode(new Request.Put(b("pipe:" + i), b("value-" + i))));
            }
            int firstGetId = 501;
            for (int i = 0; i < 500; i++) {
                expected.put(firstGetId + i, "value-" + i);
                burst.writeBytes(c.encode(new Request.Get(b("pipe:" + i))));
            }
            c.sendRaw(burst.toByteArray());
            int gets = 0;
            for (int n = 0; n < 1000; n++) {
                RawClient.Reply reply = c.read();
                String want = expected.remove(reply.header().requestId());
                if (want != null) {
                    assertArrayEquals(b(want), ((Response.Value) reply.response()).value());
                    gets++;
                }
            }
            assertEquals(500, gets);
        }
    }

    @Test
    void pipeline_frameSentOneByteAtATime_isReassembled() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            c.call(new Request.Put(b("split:k"), b("whole")));
            byte[] frame = c.encode(new Request.Get(b("split:k")));
            for (byte x : frame) {
                c.sendRaw(new byte[] {x});
            }
            assertArrayEquals(b("whole"), ((Response.Value) c.read().response()).value());
        }
    }

    @Test
    void pipeline_hugeBatchThenGetOfSameKey_appliesInSendOrder() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            List<Request.BatchItem> items = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) { // spans several shard slices
                items.add(Request.BatchItem.put(b("order:k"), b("v" + i)));
            }
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            burst.writeBytes(c.encode(new Request.Batch(items)));
            burst.writeBytes(c.encode(new Request.Put(b("order:k"), b("last"))));
            burst.writeBytes(c.encode(new Request.Get(b("order:k"))));
            c.sendRaw(burst.toByteArray());
            Response last = null;
            for (int n = 0; n < 3; n++) {
                RawClient.Reply r = c.read();
                if (r.response() instanceof Response.Value) {
                    last = r.response();
                }
            }
            assertArrayEquals(b("last"), ((Response.Value) last).value());
        }
    }

    @Test
    void scan_pagedWithContinuation_returnsEveryKeyInOrderOnce() throws Exception {
        long seed = TestSeed.get();
        Random random = new Random(seed);
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        try (RawClient c = new RawClient(node.port())) {
            List<Request.BatchItem> items = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                byte[] key = new byte[1 + random.nextInt(6)];
                random.nextBytes(key);
                key[0] = (byte) 0xF7; // a prefix the other tests do not use
                byte[] value = b("v" + i);
                model.put(key, value);
                items.add(Request.BatchItem.put(key, value));
            }
            c.call(new Request.Batch(items));
            byte[] start = {(byte) 0xF7};
            byte[] end = {(byte) 0xF8};
            List<byte[]> seen = new ArrayList<>();
            int pages = 0;
            while (start != null) {
                Response.ScanPage page = (Response.ScanPage) c.call(new Request.Scan(start, end, 1 + random.nextInt(400)));
                page.entries().forEach(e -> {
                    assertArrayEquals(model.get(e.key()), e.value(), "seed=" + seed);
                    seen.add(e.key());
                });
                start = page.next();
                assertTrue(++pages < 10_000, "seed=" + seed + ": scan does not terminate");
            }
            assertEquals(model.size(), seen.size(), "seed=" + seed);
            int i = 0;
            for (byte[] k : model.keySet()) {
                assertArrayEquals(k, seen.get(i++), "seed=" + seed + " position " + (i - 1));
            }
        }
    }

    @Test
    void table_standaloneNode_ownsEveryPartitionAtEpochOne() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            PartitionTable table = ((Response.Table) c.call(new Request.Table())).table();
            assertEquals(1, table.epoch());
            assertEquals(1024, table.partitions());
            assertEquals(List.of(new Member(node.config().nodeId(), "127.0.0.1", node.port())), table.members());
            assertEquals(0, table.lostPartitions());
            assertEquals(1024, table.partitionsOf(node.config().nodeId()).length);
            assertEquals(node.port(), table.ownerOf(b("any key")).port());
        }
    }

    @Test
    void scan_pageEndsExactlyAtRangeEnd_hasNoNext() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            for (int i = 0; i < 10; i++) {
                c.call(new Request.Put(b("exact:" + i), b("v")));
            }
            byte[] start = b("exact:");
            byte[] end = b("exact;");
            assertNull(((Response.ScanPage) c.call(new Request.Scan(start, end, 10))).next(), "all 10 fit: no next");
            Response.ScanPage first = (Response.ScanPage) c.call(new Request.Scan(start, end, 5));
            assertEquals(5, first.entries().size());
            Response.ScanPage second = (Response.ScanPage) c.call(new Request.Scan(first.next(), end, 5));
            assertEquals(5, second.entries().size());
            assertNull(second.next(), "the range is exhausted: no empty third page");
        }
    }

    @Test
    void info_afterWrites_reportsNodeFieldsAndCounters() throws Exception {
        try (RawClient c = new RawClient(node.port())) {
            c.call(new Request.Put(b("info:k"), b("v")));
            Map<String, String> info = ((Response.Info) c.call(new Request.Info())).fields();
            assertEquals(node.config().nodeId(), info.get("node_id"));
            assertEquals("2", info.get("shards"));
            assertEquals("1024", info.get("partitions"));
            assertTrue(Long.parseLong(info.get("keys")) >= 1, info.toString());
            assertTrue(Long.parseLong(info.get("memory_bytes")) > 0, info.toString());
            assertTrue(Long.parseLong(info.get("ops_put")) >= 1, info.toString());
            assertTrue(Integer.parseInt(info.get("connections")) >= 1, info.toString());
            assertTrue(info.containsKey("uptime_ms") && info.containsKey("version"), info.toString());
            assertEquals("1", info.get("table_epoch"));
        }
    }
}
