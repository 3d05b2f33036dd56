package io.amdb.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.TestPorts;
import io.amdb.node.config.NodeConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP layer on a two-node cluster in this JVM. The first coordinator keeps every partition (clustering
 * preview), so every write is applied on {@code owner}; {@code other} owns nothing.
 */
class HttpClusterTest {
    private static HttpTestNode owner;
    private static HttpTestNode other;

    @BeforeAll
    static void startCluster() throws Exception {
        String cluster = "amdb-test-" + UUID.randomUUID();
        int[] ports = TestPorts.free(4);
        List<String> join = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        NodeConfig base = HttpTestNode.config();
        owner = HttpTestNode.start(base.withPort(ports[2]).withCluster(cluster, "cw0", ports[0], join));
        other = HttpTestNode.start(base.withPort(ports[3]).withCluster(cluster, "cw1", ports[1], join));
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
    void get_onANodeThatDoesNotOwnTheKey_is421WrongOwner() throws Exception {
        HttpKvTest.assertError(other.get("/v1/kv/somewhere"), 421, "WRONG_OWNER", 30);
    }

    @Test
    void watchOnOneNode_seesWritesAppliedByAnother() throws Exception {
        try (WsTestClient watcher = WsTestClient.connect(other, "");
             WsTestClient writer = WsTestClient.connect(owner, "")) {
            watcher.call(new JsonObject().put("id", "w").put("op", "watch").put("prefix", "cw:"));
            // The owner learns of the watch when the interest message arrives: write probes until one is
            // delivered (bounded by the client's 10 s wait per message).
            JsonObject first = null;
            for (int i = 0; first == null && i < 200; i++) {
                JsonObject r = writer.call(new JsonObject().put("id", i).put("op", "put").put("key", "cw:probe").put("value", "p"));
                assertTrue(r.getBoolean("ok"), r.encode());
                first = watcher.poll();
            }
            assertTrue(first != null, "no forwarded event after 200 writes");
            writer.call(new JsonObject().put("id", "k").put("op", "put").put("key", "cw:key").put("value", "forwarded"));
            writer.call(new JsonObject().put("id", "o").put("op", "put").put("key", "elsewhere").put("value", "x"));
            writer.call(new JsonObject().put("id", "d").put("op", "delete").put("key", "cw:key"));
            JsonObject put = nextOtherThanProbe(watcher);
            assertEquals("put", put.getString("event"));
            assertEquals("cw:key", put.getString("key"));
            assertEquals("forwarded", put.getString("value"));
            JsonObject delete = nextOtherThanProbe(watcher);
            assertEquals("delete", delete.getString("event"));
            assertEquals("cw:key", delete.getString("key"));
        }
    }

    private static JsonObject nextOtherThanProbe(WsTestClient ws) throws InterruptedException {
        JsonObject m = ws.next();
        while ("cw:probe".equals(m.getString("key"))) {
            m = ws.next();
        }
        return m;
    }
}
