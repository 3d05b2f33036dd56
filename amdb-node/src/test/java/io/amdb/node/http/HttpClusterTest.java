package io.amdb.node.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.TestPorts;
import io.amdb.node.config.NodeConfig;
import io.amdb.protocol.PartitionTable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP layer on a two-node cluster in this JVM, once the partitions have spread over both: either node
 * answers for every key (it forwards), the cluster view is the same from both, and a watch on one node
 * sees writes applied by the other.
 */
class HttpClusterTest {
    private static HttpTestNode owner;
    private static HttpTestNode other;

    @BeforeAll
    static void startCluster() throws Exception {
        String cluster = "amdb-test-" + UUID.randomUUID();
        int[] ports = TestPorts.free(2); // Hazelcast's; protocol and HTTP ports are 0, held until bound
        List<String> join = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        NodeConfig base = HttpTestNode.config().withPort(0);
        owner = HttpTestNode.start(base.withCluster(cluster, "cw0", ports[0], join));
        other = HttpTestNode.start(base.withCluster(cluster, "cw1", ports[1], join));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(balanced(owner.node.table()) && balanced(other.node.table()))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never balanced: " + owner.node.table() + " / " + other.node.table());
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling interval, bounded by the deadline
        }
    }

    private static boolean balanced(PartitionTable t) {
        return t.members().size() == 2 && t.migrations().isEmpty();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (other != null) {
            other.close();
        }
        if (owner != null) {
            owner.close();
        }
    }

    @Test
    void cluster_onTheOtherNode_listsBothMembersAndWhoOwnsWhat() throws Exception {
        JsonObject view = new JsonObject(other.get("/v1/cluster").body());
        assertEquals("cw1", view.getString("self"));
        JsonArray members = view.getJsonArray("members");
        assertEquals(2, members.size(), view.encode());
        int total = 0;
        for (int i = 0; i < members.size(); i++) {
            total += members.getJsonObject(i).getInteger("partitions");
        }
        assertEquals(view.getInteger("partitions"), total);
    }

    @Test
    void keysOwnedByEitherNode_readAndWriteThroughEither() throws Exception {
        PartitionTable table = other.node.table();
        for (int i = 0; i < 40; i++) {
            String key = "either:" + i;
            HttpTestNode writeVia = i % 2 == 0 ? owner : other;
            HttpTestNode readVia = i % 2 == 0 ? other : owner;
            assertEquals(204, writeVia.put("/v1/kv/" + key, ("v" + i).getBytes(UTF_8)).statusCode());
            var got = readVia.get("/v1/kv/" + key);
            assertEquals(200, got.statusCode(), key + " owned by " + table.ownerOf(key.getBytes(UTF_8)).nodeId());
            assertEquals("v" + i, got.body());
        }
    }

    @Test
    void conditionalPut_throughTheNodeThatDoesNotOwnTheKey_isDecidedByTheOwner() throws Exception {
        String key = keyOwnedBy("cw0", "cas:");
        assertEquals(204, other.put("/v1/kv/" + key, "v1".getBytes(UTF_8)).statusCode());
        String read = HttpKvTest.etag(other.get("/v1/kv/" + key));
        assertEquals(read, HttpKvTest.etag(owner.get("/v1/kv/" + key)), "one version, wherever it is read");
        HttpResponse<String> swapped = other.text(HttpRequest.newBuilder(other.uri("/v1/kv/" + key))
                .header("If-Match", read).PUT(HttpRequest.BodyPublishers.ofString("v2")));
        assertEquals(204, swapped.statusCode(), swapped.body());
        HttpResponse<String> stale = other.text(HttpRequest.newBuilder(other.uri("/v1/kv/" + key))
                .header("If-Match", read).PUT(HttpRequest.BodyPublishers.ofString("v3")));
        HttpKvTest.assertError(stale, 412, "CONDITION_FAILED", 17);
        assertEquals(HttpKvTest.etag(swapped), HttpKvTest.etag(stale));
        HttpResponse<String> absent = other.text(HttpRequest.newBuilder(other.uri("/v1/kv/" + key))
                .header("If-None-Match", "*").PUT(HttpRequest.BodyPublishers.ofString("v4")));
        HttpKvTest.assertError(absent, 412, "CONDITION_FAILED", 17);
        assertEquals("v2", owner.get("/v1/kv/" + key).body());
    }

    /** A key with this prefix that {@code nodeId} owns, so a write to it is applied there. */
    private static String keyOwnedBy(String nodeId, String prefix) {
        PartitionTable table = owner.node.table();
        for (int i = 0; i < 10_000; i++) {
            if (table.ownerOf((prefix + i).getBytes(UTF_8)).nodeId().equals(nodeId)) {
                return prefix + i;
            }
        }
        throw new AssertionError("no key with prefix " + prefix + " owned by " + nodeId);
    }

    @Test
    void watchOnOneNode_seesWritesAppliedByAnother() throws Exception {
        // Keys that cw0 owns: their writes are applied on cw0, so cw1's watch sees them only by forwarding.
        String probe = keyOwnedBy("cw0", "cw:probe-");
        String key = keyOwnedBy("cw0", "cw:key-");
        try (WsTestClient watcher = WsTestClient.connect(other, "");
             WsTestClient writer = WsTestClient.connect(owner, "")) {
            watcher.call(new JsonObject().put("id", "w").put("op", "watch").put("prefix", "cw:"));
            // The owner learns of the watch when the interest message arrives: write probes until one is
            // delivered (bounded by the client's 10 s wait per message).
            JsonObject first = null;
            for (int i = 0; first == null && i < 200; i++) {
                JsonObject r = writer.call(new JsonObject().put("id", i).put("op", "put").put("key", probe).put("value", "p"));
                assertTrue(r.getBoolean("ok"), r.encode());
                first = watcher.poll();
            }
            assertTrue(first != null, "no forwarded event after 200 writes");
            writer.call(new JsonObject().put("id", "k").put("op", "put").put("key", key).put("value", "forwarded"));
            writer.call(new JsonObject().put("id", "o").put("op", "put").put("key", "elsewhere").put("value", "x"));
            writer.call(new JsonObject().put("id", "d").put("op", "delete").put("key", key));
            JsonObject put = nextOtherThanProbe(watcher, probe);
            assertEquals("put", put.getString("event"));
            assertEquals(key, put.getString("key"));
            assertEquals("forwarded", put.getString("value"));
            JsonObject delete = nextOtherThanProbe(watcher, probe);
            assertEquals("delete", delete.getString("event"));
            assertEquals(key, delete.getString("key"));
        }
    }

    private static JsonObject nextOtherThanProbe(WsTestClient ws, String probe) throws InterruptedException {
        JsonObject m = ws.next();
        while (probe.equals(m.getString("key"))) {
            m = ws.next();
        }
        return m;
    }
}
