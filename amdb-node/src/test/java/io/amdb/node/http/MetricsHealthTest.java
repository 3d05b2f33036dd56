package io.amdb.node.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /metrics in Prometheus text format with Vert.x's and AmDb's series; /health/live and /health/ready. */
class MetricsHealthTest {
    @RegisterExtension
    static final HttpTestNode db = HttpTestNode.perClass(HttpTestNode.config());

    @Test
    void metrics_listAmDbAndVertxSeries_andCountHttpAndProtocolRequests() throws Exception {
        db.put("/v1/kv/m:1", "v".getBytes(UTF_8));
        db.get("/v1/kv/m:1");
        protocolPut("m:2", "w");
        HttpResponse<String> r = db.get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
        String text = r.body();
        for (String series : new String[] {"amdb_keys ", "amdb_memory_bytes ", "amdb_partitions_owned 1024.0",
                "amdb_partitions_lost 0.0", "amdb_cluster_members 1.0", "amdb_operations_total{op=\"put\"}",
                "amdb_ops_per_second ", "amdb_ws_connections ", "amdb_watches ", "amdb_migrations_in_flight 0.0",
                "amdb_request_duration_seconds_bucket{api=\"http\",op=\"get\",le=\"0.001\"}",
                "vertx_http_server_requests_total", "jvm_memory_used_bytes"}) {
            assertTrue(text.contains(series), "missing " + series);
        }
        assertTrue(count(text, "amdb_request_duration_seconds_count{api=\"http\",op=\"put\"}") >= 1);
        assertTrue(count(text, "amdb_request_duration_seconds_count{api=\"protocol\",op=\"put\"}") >= 1);
    }

    @Test
    void health_liveAndReady_areUpWithJson() throws Exception {
        HttpResponse<String> live = db.get("/health/live");
        assertEquals(200, live.statusCode());
        assertEquals("UP", new JsonObject(live.body()).getString("status"));
        HttpResponse<String> ready = db.get("/health/ready");
        assertEquals(200, ready.statusCode());
        JsonObject readiness = new JsonObject(ready.body());
        assertEquals("DEGRADED", readiness.getString("status"), "one node of R = 2: every partition lacks a copy");
        assertEquals(db.node.table().partitions(), readiness.getInteger("underReplicatedPartitions"));
        assertEquals(0, readiness.getInteger("lostPartitions"));
    }

    @Test
    void console_isServedAtTheRoot() throws Exception {
        HttpResponse<String> page = db.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>AmDb console</title>"), page.body());
        assertEquals(200, db.get("/console.js").statusCode());
    }

    private static double count(String text, String series) {
        Matcher m = Pattern.compile(Pattern.quote(series) + " ([0-9.E]+)").matcher(text);
        assertTrue(m.find(), "missing " + series);
        return Double.parseDouble(m.group(1));
    }

    /** One PUT over the binary protocol (docs/PROTOCOL.md frame layout), so the protocol latency hook runs. */
    private static void protocolPut(String key, String value) throws Exception {
        byte[] k = key.getBytes(UTF_8);
        byte[] v = value.getBytes(UTF_8);
        try (Socket s = new Socket("127.0.0.1", db.node.port())) {
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(16 + 8 + k.length + v.length);
            out.write(new byte[] {(byte) 0xAD, 1, 0x03, 0});
            out.writeInt(1);
            out.writeLong(0);
            out.writeInt(k.length);
            out.write(k);
            out.writeInt(v.length);
            out.write(v);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] reply = new byte[in.readInt()];
            in.readFully(reply);
            assertEquals(0, ((reply[16] & 0xFF) << 8) | (reply[17] & 0xFF), "PUT status OK");
        }
    }
}
