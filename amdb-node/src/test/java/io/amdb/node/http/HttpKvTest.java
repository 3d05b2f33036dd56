package io.amdb.node.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The REST data endpoints against a real node: round trips, binary keys, scan pages, batch, errors. */
class HttpKvTest {
    @RegisterExtension
    static final HttpTestNode db = HttpTestNode.perClass(HttpTestNode.config());

    @Test
    void longKey_beyondVertxDefaultRequestLine_roundTrips() throws Exception {
        String key = "long:" + "k".repeat(6_000); // over Vert.x's default 4096-byte request line
        assertEquals(204, db.put("/v1/kv/" + key, "v".getBytes(UTF_8)).statusCode());
        var got = db.get("/v1/kv/" + key);
        assertEquals(200, got.statusCode());
        assertEquals("v", got.body());
    }

    @Test
    void put_thenGet_returnsTheBodyBytes() throws Exception {
        assertEquals(204, db.put("/v1/kv/greeting", "hello".getBytes(UTF_8)).statusCode());
        HttpResponse<String> got = db.get("/v1/kv/greeting");
        assertEquals(200, got.statusCode());
        assertEquals("hello", got.body());
    }

    @Test
    void put_binaryKeyAndValue_roundTripsByteForByte() throws Exception {
        byte[] value = {0, (byte) 0xFF, (byte) 0x80, 10, 13, 0};
        assertEquals(204, db.put("/v1/kv/bin%00%FF%2Fslash%25", value).statusCode());
        HttpResponse<byte[]> got = db.send(HttpRequest.newBuilder(db.uri("/v1/kv/bin%00%FF%2Fslash%25")));
        assertEquals(200, got.statusCode());
        assertArrayEquals(value, got.body());
        // The scan shows the same key, base64 because it is not UTF-8.
        JsonObject page = new JsonObject(db.get("/v1/kv?prefix=bin%00&limit=5").body());
        JsonObject entry = page.getJsonArray("entries").getJsonObject(0);
        assertEquals("base64", entry.getString("encoding"));
        assertArrayEquals(new byte[] {'b', 'i', 'n', 0, (byte) 0xFF, '/', 's', 'l', 'a', 's', 'h', '%'},
                Base64.getDecoder().decode(entry.getString("key")));
        assertArrayEquals(value, Base64.getDecoder().decode(entry.getString("value")));
    }

    @Test
    void get_missingKey_is404() throws Exception {
        assertEquals(404, db.get("/v1/kv/never-written").statusCode());
    }

    @Test
    void delete_existingKey_saysSoAndTheKeyIsGone() throws Exception {
        db.put("/v1/kv/doomed", "x".getBytes(UTF_8));
        HttpResponse<byte[]> first = db.send(HttpRequest.newBuilder(db.uri("/v1/kv/doomed")).DELETE());
        assertEquals(new JsonObject().put("existed", true), new JsonObject(new String(first.body(), UTF_8)));
        HttpResponse<byte[]> second = db.send(HttpRequest.newBuilder(db.uri("/v1/kv/doomed")).DELETE());
        assertEquals(new JsonObject().put("existed", false), new JsonObject(new String(second.body(), UTF_8)));
        assertEquals(404, db.get("/v1/kv/doomed").statusCode());
    }

    @Test
    void get_emptyKey_isKeyEmptyAs400Json() throws Exception {
        assertError(db.get("/v1/kv/"), 400, "KEY_EMPTY", 11);
    }

    @Test
    void get_badPercentEscape_isInvalidArgument() throws Exception {
        assertEquals("HTTP/1.1 400 Bad Request", db.rawStatusLine("GET /v1/kv/bad%G1 HTTP/1.1"));
        assertEquals("HTTP/1.1 400 Bad Request", db.rawStatusLine("GET /v1/kv?start=%F HTTP/1.1"));
        assertEquals(200, db.get("/v1/kv?limit=1").statusCode(), "the node keeps serving");
    }

    @Test
    void scan_pagesThroughARangeInKeyOrder() throws Exception {
        List<String> expected = new ArrayList<>();
        for (int i = 24; i >= 0; i--) { // written out of order
            String key = String.format("page:%03d", i);
            db.put("/v1/kv/" + key, Integer.toString(i).getBytes(UTF_8));
            expected.add(0, key);
        }
        List<String> seen = new ArrayList<>();
        String query = "/v1/kv?start=page:&end=page;&limit=10";
        int pages = 0;
        while (query != null) {
            JsonObject page = new JsonObject(db.get(query).body());
            page.getJsonArray("entries").forEach(e -> seen.add(((JsonObject) e).getString("key")));
            String next = page.getString("next");
            query = next == null ? null : "/v1/kv?end=page;&limit=10&start=" + java.net.URLEncoder.encode(next, UTF_8);
            pages++;
        }
        assertEquals(expected, seen);
        assertEquals(3, pages);
    }

    @Test
    void scan_zeroLimit_isInvalidArgument() throws Exception {
        assertError(db.get("/v1/kv?limit=0"), 400, "INVALID_ARGUMENT", 15);
    }

    @Test
    void batch_mixedOperations_answerOneResultPerItem() throws Exception {
        JsonArray ops = new JsonArray()
                .add(new JsonObject().put("op", "put").put("key", "b:1").put("value", "one"))
                .add(new JsonObject().put("op", "put").put("key", "").put("value", "x"))
                .add(new JsonObject().put("op", "get").put("key", "b:1"))
                .add(new JsonObject().put("op", "delete").put("key", "b:1"))
                .add(new JsonObject().put("op", "frob").put("key", "b:2"))
                .add(new JsonObject().put("op", "put").put("key", "AAE=").put("value", "/w==").put("encoding", "base64"));
        HttpResponse<String> r = db.post("/v1/batch", ops.encode());
        assertEquals(200, r.statusCode());
        JsonArray results = new JsonArray(r.body());
        assertEquals(6, results.size());
        assertEquals("OK", results.getJsonObject(0).getString("status"));
        assertEquals("KEY_EMPTY", results.getJsonObject(1).getString("status"));
        assertNull(results.getJsonObject(2).getString("value"), "gets run after the batch's writes: b:1 was deleted");
        assertEquals("OK", results.getJsonObject(3).getString("status"));
        assertEquals("UNKNOWN_OPCODE", results.getJsonObject(4).getString("status"));
        assertEquals("OK", results.getJsonObject(5).getString("status"));
        HttpResponse<byte[]> bin = db.send(HttpRequest.newBuilder(db.uri("/v1/kv/%00%01")));
        assertArrayEquals(new byte[] {(byte) 0xFF}, bin.body());
    }

    @Test
    void batch_malformedJson_isMalformedFrameAndTheNodeKeepsServing() throws Exception {
        assertError(db.post("/v1/batch", "[{\"op\": \"put\", "), 400, "MALFORMED_FRAME", 1);
        assertError(db.post("/v1/batch", "{\"op\": \"put\"}"), 400, "INVALID_ARGUMENT", 15);
        assertEquals(204, db.put("/v1/kv/still-serving", new byte[] {1}).statusCode());
    }

    @Test
    void unknownEndpoint_is404WithUnknownOpcode() throws Exception {
        assertError(db.get("/v1/nope"), 404, "UNKNOWN_OPCODE", 10);
        assertError(db.post("/v1/kv/x", "{}"), 404, "UNKNOWN_OPCODE", 10);
    }

    @Test
    void cluster_showsThisNodeOwningEveryPartition() throws Exception {
        JsonObject view = new JsonObject(db.get("/v1/cluster").body());
        assertEquals(1, view.getLong("epoch"));
        assertEquals(db.node.config().nodeId(), view.getString("self"));
        JsonObject member = view.getJsonArray("members").getJsonObject(0);
        assertEquals(db.node.config().partitions(), member.getInteger("partitions"));
        assertEquals(0, view.getInteger("lost"));
        assertTrue(view.getJsonArray("migrations").isEmpty());
        assertEquals(db.node.config().partitions(), view.getJsonArray("owners").size());
    }

    @Test
    void acceptLoss_standaloneNode_nothingLost_reassignsNone() throws Exception {
        HttpResponse<String> r = db.post("/v1/cluster/accept-loss", "");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(0, new JsonObject(r.body()).getInteger("reassigned"));
    }

    @Test
    void get_existingKey_sendsItsVersionAsAStrongETag() throws Exception {
        db.put("/v1/kv/tagged", "x".getBytes(UTF_8));
        HttpResponse<String> got = db.get("/v1/kv/tagged");
        assertTrue(etag(got).matches("\"[1-9][0-9]*\""), etag(got));
        db.put("/v1/kv/tagged", "y".getBytes(UTF_8));
        assertTrue(version(db.get("/v1/kv/tagged")) > version(got), "every write takes a higher version");
        assertTrue(db.get("/v1/kv/untagged-missing").headers().firstValue("ETag").isEmpty());
    }

    @Test
    void put_ifNoneMatchStar_createsANewKeyOnlyAndAnswersTheCurrentETagOtherwise() throws Exception {
        HttpResponse<String> created = conditionalPut("if-absent", "first", "If-None-Match", "*");
        assertEquals(204, created.statusCode(), created.body());
        assertEquals(etag(db.get("/v1/kv/if-absent")), etag(created));
        HttpResponse<String> refused = conditionalPut("if-absent", "second", "If-None-Match", "*");
        assertError(refused, 412, "CONDITION_FAILED", 17);
        assertEquals(etag(created), etag(refused));
        assertEquals("first", db.get("/v1/kv/if-absent").body());
    }

    @Test
    void put_ifMatch_currentETagSwapsAndStaleETagIs412WithTheCurrentOne() throws Exception {
        db.put("/v1/kv/if-match", "v1".getBytes(UTF_8));
        String read = etag(db.get("/v1/kv/if-match"));
        HttpResponse<String> swapped = conditionalPut("if-match", "v2", "If-Match", read);
        assertEquals(204, swapped.statusCode(), swapped.body());
        assertTrue(version(swapped) > Long.parseLong(read.replace("\"", "")), etag(swapped));
        HttpResponse<String> stale = conditionalPut("if-match", "v3", "If-Match", read);
        assertError(stale, 412, "CONDITION_FAILED", 17);
        assertEquals(etag(swapped), etag(stale));
        HttpResponse<String> now = db.get("/v1/kv/if-match");
        assertEquals("v2", now.body());
        assertEquals(etag(swapped), etag(now));
    }

    @Test
    void put_ifMatchOnAMissingKey_is412WithoutETag() throws Exception {
        HttpResponse<String> r = conditionalPut("if-match-missing", "v", "If-Match", "\"5\"");
        assertError(r, 412, "CONDITION_FAILED", 17);
        assertTrue(r.headers().firstValue("ETag").isEmpty(), r.headers().toString());
        assertEquals(404, db.get("/v1/kv/if-match-missing").statusCode());
    }

    @Test
    void delete_ifMatch_staleIs412AndCurrentDeletes() throws Exception {
        db.put("/v1/kv/if-delete", "x".getBytes(UTF_8));
        String read = etag(db.get("/v1/kv/if-delete"));
        db.put("/v1/kv/if-delete", "y".getBytes(UTF_8));
        HttpResponse<String> stale = conditionalDelete("if-delete", "If-Match", read);
        assertError(stale, 412, "CONDITION_FAILED", 17);
        String current = etag(stale);
        assertEquals(etag(db.get("/v1/kv/if-delete")), current);
        HttpResponse<String> deleted = conditionalDelete("if-delete", "If-Match", current);
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals(new JsonObject().put("existed", true), new JsonObject(deleted.body()));
        assertEquals(404, db.get("/v1/kv/if-delete").statusCode());
        assertError(conditionalDelete("if-delete", "If-Match", current), 412, "CONDITION_FAILED", 17);
    }

    @Test
    void delete_ifNoneMatchStar_deletesNothingAnd412WhenTheKeyHasAValue() throws Exception {
        HttpResponse<String> missing = conditionalDelete("if-none-delete", "If-None-Match", "*");
        assertEquals(200, missing.statusCode(), missing.body());
        assertEquals(new JsonObject().put("existed", false), new JsonObject(missing.body()));
        db.put("/v1/kv/if-none-delete", "x".getBytes(UTF_8));
        assertError(conditionalDelete("if-none-delete", "If-None-Match", "*"), 412, "CONDITION_FAILED", 17);
        assertEquals("x", db.get("/v1/kv/if-none-delete").body());
    }

    @Test
    void get_withConditionalHeaders_ignoresThemAndAnswersTheValue() throws Exception {
        db.put("/v1/kv/if-get", "x".getBytes(UTF_8));
        String tag = etag(db.get("/v1/kv/if-get"));
        HttpResponse<String> got = db.get("/v1/kv/if-get", "If-None-Match", tag);
        assertEquals(200, got.statusCode());
        assertEquals("x", got.body());
    }

    @Test
    void conditionalHeaders_unsupportedForms_are400AndWriteNothing() throws Exception {
        db.put("/v1/kv/if-bad", "kept".getBytes(UTF_8));
        String tag = etag(db.get("/v1/kv/if-bad"));
        List<String[]> bad = List.of(
                new String[] {"If-Match", "W/" + tag},
                new String[] {"If-Match", tag + ", \"999\""},
                new String[] {"If-Match", "*"},
                new String[] {"If-Match", tag.replace("\"", "")},
                new String[] {"If-Match", "\"0\""},
                new String[] {"If-Match", "\"-1\""},
                new String[] {"If-Match", "\"abc\""},
                new String[] {"If-None-Match", tag},
                new String[] {"If-Match", tag, "If-None-Match", "*"});
        for (String[] headers : bad) {
            String what = String.join(" ", headers);
            HttpResponse<String> put = db.text(HttpRequest.newBuilder(db.uri("/v1/kv/if-bad")).headers(headers)
                    .PUT(HttpRequest.BodyPublishers.ofString("overwritten")));
            assertEquals(400, put.statusCode(), what + ": " + put.body());
            assertEquals("INVALID_ARGUMENT", new JsonObject(put.body()).getString("name"), what);
            HttpResponse<String> delete = db.text(HttpRequest.newBuilder(db.uri("/v1/kv/if-bad")).headers(headers).DELETE());
            assertEquals(400, delete.statusCode(), what + ": " + delete.body());
        }
        HttpResponse<String> after = db.get("/v1/kv/if-bad");
        assertEquals("kept", after.body());
        assertEquals(tag, etag(after));
    }

    private static HttpResponse<String> conditionalPut(String key, String value, String... headers) throws Exception {
        return db.text(HttpRequest.newBuilder(db.uri("/v1/kv/" + key)).headers(headers)
                .PUT(HttpRequest.BodyPublishers.ofString(value)));
    }

    private static HttpResponse<String> conditionalDelete(String key, String... headers) throws Exception {
        return db.text(HttpRequest.newBuilder(db.uri("/v1/kv/" + key)).headers(headers).DELETE());
    }

    static String etag(HttpResponse<?> r) {
        return r.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag: " + r.headers()));
    }

    static long version(HttpResponse<?> r) {
        return Long.parseLong(etag(r).replace("\"", ""));
    }

    static void assertError(HttpResponse<String> r, int status, String name, int code) {
        assertEquals(status, r.statusCode(), r.body());
        JsonObject body = new JsonObject(r.body());
        assertEquals(name, body.getString("name"), r.body());
        assertEquals(code, body.getInteger("code"));
        assertTrue(!body.getString("message").isEmpty());
    }
}
