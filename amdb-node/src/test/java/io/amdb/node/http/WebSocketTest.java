package io.amdb.node.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.config.HttpConfig;
import io.amdb.protocol.Limits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JSON WebSocket protocol (docs/WEBSOCKET.md) against a real node with small limits. */
class WebSocketTest {
    /** Small limits so that an oversized message is cheap to build. */
    static final Limits SMALL = new Limits(64, 1024, 1 << 20, 100, 100);
    @RegisterExtension
    static final HttpTestNode db = HttpTestNode.perClass(HttpTestNode.config().withLimits(SMALL));

    private static JsonObject op(Object id, String op) {
        return new JsonObject().put("id", id).put("op", op);
    }

    @Test
    void pipelinedRequests_repliesEchoTheirIds() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, "")) {
            for (int i = 0; i < 50; i++) {
                ws.send(op("p" + i, "put").put("key", "corr:" + i).put("value", "v" + i));
            }
            for (int i = 0; i < 50; i++) {
                ws.send(op(1000 + i, "get").put("key", "corr:" + i));
            }
            Map<Object, JsonObject> replies = new HashMap<>();
            for (int i = 0; i < 100; i++) {
                JsonObject r = ws.next();
                replies.put(r.getValue("id"), r);
            }
            for (int i = 0; i < 50; i++) {
                assertTrue(replies.get("p" + i).getBoolean("ok"));
                JsonObject got = replies.get(1000 + i).getJsonObject("result");
                assertEquals("v" + i, got.getString("value"), "reply to id " + (1000 + i));
            }
        }
    }

    @Test
    void ping_answersPong() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, "")) {
            assertEquals("pong", ws.call(op(7, "ping")).getString("result"));
        }
    }

    @Test
    void malformedJson_getsAnErrorReply_andTheConnectionKeepsServing() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, "")) {
            ws.sendText("{\"id\": 1, \"op\": ");
            assertError(ws.next(), null, "MALFORMED_FRAME");
            ws.sendText("[1, 2]");
            assertError(ws.next(), null, "MALFORMED_FRAME");
            assertEquals("pong", ws.call(op(2, "ping")).getString("result"));
        }
    }

    @Test
    void unknownOp_isUnknownOpcode() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, "")) {
            assertError(ws.call(op("u", "teleport")), "u", "UNKNOWN_OPCODE");
            assertError(ws.call(new JsonObject().put("id", "n")), "n", "INVALID_ARGUMENT");
        }
    }

    @Test
    void errorsFromTheNode_carryTheErrorCodeName() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, "")) {
            assertError(ws.call(op(1, "get").put("key", "")), 1, "KEY_EMPTY");
            assertError(ws.call(op(2, "put").put("key", "k").put("value", "x".repeat(1025))), 2, "VALUE_TOO_LARGE");
            assertError(ws.call(op(3, "get").put("key", "!!").put("encoding", "base64")), 3, "INVALID_ARGUMENT");
        }
    }

    @Test
    void oversizedMessage_getsFrameTooLarge_andTheConnectionStaysOpen() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, "")) {
            int limit = db.node.config().limits().maxKeyBytes() * 4 / 3 + (1024 * 4 / 3) + 64 * 1024;
            ws.send(op(1, "put").put("key", "big").put("value", "x".repeat(limit + 10)));
            assertError(ws.next(), null, "FRAME_TOO_LARGE");
            assertEquals("pong", ws.call(op(2, "ping")).getString("result"));
        }
    }

    @Test
    void scanAndBatch_overTheSocket() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, "")) {
            JsonArray items = new JsonArray().add(op(null, "put").put("key", "sb:1").put("value", "a"))
                    .add(op(null, "put").put("key", "sb:2").put("value", "b"));
            JsonObject batch = ws.call(op(1, "batch").put("items", items));
            assertEquals(2, batch.getJsonObject("result").getJsonArray("results").size());
            JsonObject page = ws.call(op(2, "scan").put("prefix", "sb:").put("limit", 1)).getJsonObject("result");
            assertEquals("sb:1", page.getJsonArray("entries").getJsonObject(0).getString("key"));
            assertEquals("sb:1\u0000", page.getString("next"));
        }
    }

    @Test
    void get_foundKey_answersItsVersion_missingKeyHasNone() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, "")) {
            ws.call(op(1, "put").put("key", "ver:a").put("value", "x"));
            JsonObject first = ws.call(op(2, "get").put("key", "ver:a")).getJsonObject("result");
            assertEquals(true, first.getBoolean("found"));
            assertTrue(first.getLong("version") >= 1, first.encode());
            ws.call(op(3, "put").put("key", "ver:a").put("value", "y"));
            JsonObject second = ws.call(op(4, "get").put("key", "ver:a")).getJsonObject("result");
            assertTrue(second.getLong("version") > first.getLong("version"), second.encode());
            JsonObject missing = ws.call(op(5, "get").put("key", "ver:none")).getJsonObject("result");
            assertEquals(false, missing.getBoolean("found"), missing.encode());
            assertFalse(missing.containsKey("version"), missing.encode());
        }
    }

    @Test
    void cas_ifVersion_appliesOnceThenTheStaleVersionAnswersTheCurrentOne() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, "")) {
            ws.call(op(1, "put").put("key", "cas:v").put("value", "1"));
            long read = ws.call(op(2, "get").put("key", "cas:v")).getJsonObject("result").getLong("version");
            JsonObject applied = ws.call(op(3, "cas").put("key", "cas:v").put("value", "2").put("ifVersion", read))
                    .getJsonObject("result");
            assertEquals(true, applied.getBoolean("applied"), applied.encode());
            assertTrue(applied.getLong("version") > read, applied.encode());
            JsonObject stale = ws.call(op(4, "cas").put("key", "cas:v").put("value", "3").put("ifVersion", read))
                    .getJsonObject("result");
            assertEquals(new JsonObject().put("applied", false).put("version", applied.getLong("version")), stale);
            JsonObject got = ws.call(op(5, "get").put("key", "cas:v")).getJsonObject("result");
            assertEquals("2", got.getString("value"));
            assertEquals(applied.getLong("version"), got.getLong("version"));
        }
    }

    @Test
    void cas_ifAbsentAndIfValue_writeOnlyWhenTheyHold() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, "")) {
            JsonObject created = ws.call(op(1, "cas").put("key", "cas:a").put("value", "one").put("ifAbsent", true))
                    .getJsonObject("result");
            assertEquals(true, created.getBoolean("applied"), created.encode());
            JsonObject again = ws.call(op(2, "cas").put("key", "cas:a").put("value", "two").put("ifAbsent", true))
                    .getJsonObject("result");
            assertEquals(new JsonObject().put("applied", false).put("version", created.getLong("version")), again);
            assertEquals(false, ws.call(op(3, "cas").put("key", "cas:a").put("value", "three").put("ifValue", "two"))
                    .getJsonObject("result").getBoolean("applied"));
            assertEquals(true, ws.call(op(4, "cas").put("key", "cas:a").put("value", "three").put("ifValue", "one"))
                    .getJsonObject("result").getBoolean("applied"));
            JsonObject binary = ws.call(op(5, "cas").put("key", "Y2FzOmE=").put("value", "/w==").put("ifValue", "dGhyZWU=")
                    .put("encoding", "base64")).getJsonObject("result"); // "cas:a", 0xFF, if "three"
            assertEquals(true, binary.getBoolean("applied"), binary.encode());
            JsonObject got = ws.call(op(6, "get").put("key", "Y2FzOmE=").put("encoding", "base64")).getJsonObject("result");
            assertEquals("/w==", got.getString("value"), got.encode());
        }
    }

    @Test
    void cas_delete_removesTheKeyOnlyWhenTheConditionHolds() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, "")) {
            ws.call(op(1, "put").put("key", "cas:d").put("value", "x"));
            long version = ws.call(op(2, "get").put("key", "cas:d")).getJsonObject("result").getLong("version");
            JsonObject stale = ws.call(op(3, "cas").put("key", "cas:d").put("delete", true).put("ifVersion", version + 1))
                    .getJsonObject("result");
            assertEquals(new JsonObject().put("applied", false).put("version", version), stale);
            JsonObject deleted = ws.call(op(4, "cas").put("key", "cas:d").put("delete", true).put("ifVersion", version))
                    .getJsonObject("result");
            assertEquals(new JsonObject().put("applied", true).put("version", 0L), deleted);
            assertEquals(false, ws.call(op(5, "get").put("key", "cas:d")).getJsonObject("result").getBoolean("found"));
            JsonObject missing = ws.call(op(6, "cas").put("key", "cas:d").put("delete", true).put("ifValue", "x"))
                    .getJsonObject("result");
            assertEquals(new JsonObject().put("applied", false).put("version", 0L), missing);
        }
    }

    @Test
    void cas_badCombinationsAndLimits_areErrorsAndTheSocketKeepsServing() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, "")) {
            List<JsonObject> bad = List.of(
                    op(1, "cas").put("key", "cas:bad").put("value", "v"),
                    op(2, "cas").put("key", "cas:bad").put("value", "v").put("ifVersion", 1).put("ifAbsent", true),
                    op(3, "cas").put("key", "cas:bad").put("value", "v").put("ifValue", "a").put("ifVersion", 1),
                    op(4, "cas").put("key", "cas:bad").put("value", "v").put("delete", true).put("ifAbsent", true),
                    op(5, "cas").put("key", "cas:bad").put("ifAbsent", true),
                    op(6, "cas").put("key", "cas:bad").put("delete", false).put("ifAbsent", true),
                    op(7, "cas").put("key", "cas:bad").put("value", "v").put("ifAbsent", false),
                    op(8, "cas").put("key", "cas:bad").put("value", "v").put("ifVersion", -1),
                    op(9, "cas").put("key", "cas:bad").put("value", "v").put("ifVersion", "seven"),
                    op(10, "cas").put("value", "v").put("ifAbsent", true),
                    op(11, "cas").put("key", "cas:bad").put("value", 5).put("ifAbsent", true));
            for (JsonObject request : bad) {
                assertError(ws.call(request), request.getValue("id"), "INVALID_ARGUMENT");
            }
            assertError(ws.call(op(12, "cas").put("key", "").put("value", "v").put("ifAbsent", true)), 12, "KEY_EMPTY");
            assertError(ws.call(op(13, "cas").put("key", "cas:bad").put("value", "x".repeat(1025)).put("ifAbsent", true)),
                    13, "VALUE_TOO_LARGE");
            assertError(ws.call(op(14, "cas").put("key", "cas:bad").put("value", "v").put("ifValue", "x".repeat(1025))),
                    14, "VALUE_TOO_LARGE");
            assertEquals(false, ws.call(op(15, "get").put("key", "cas:bad")).getJsonObject("result").getBoolean("found"));
        }
    }

    @Test
    void watch_streamsPutsAndDeletesUnderItsPrefix_untilUnwatched() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, ""); WsTestClient writer = WsTestClient.connect(db, "")) {
            String first = ws.call(op("w-a", "watch").put("prefix", "watched:")).getJsonObject("result").getString("watch");
            String second = ws.call(op("w-b", "watch").put("prefix", "watched:")).getJsonObject("result").getString("watch");
            writer.call(op(1, "put").put("key", "other:1").put("value", "not seen"));
            writer.call(op(2, "put").put("key", "watched:1").put("value", "one"));
            writer.call(op(3, "delete").put("key", "watched:1"));
            // Each watch gets put then delete, in order; the two watches' streams may interleave.
            Map<String, List<JsonObject>> byWatch = new HashMap<>();
            for (int i = 0; i < 4; i++) {
                JsonObject e = ws.next();
                byWatch.computeIfAbsent(e.getString("watch"), k -> new ArrayList<>()).add(e);
            }
            for (String w : new String[] {first, second}) {
                JsonObject put = byWatch.get(w).get(0);
                assertEquals(w.equals(first) ? "w-a" : "w-b", put.getValue("id"));
                assertEquals("put", put.getString("event"));
                assertEquals("watched:1", put.getString("key"));
                assertEquals("one", put.getString("value"));
                JsonObject delete = byWatch.get(w).get(1);
                assertEquals("delete", delete.getString("event"));
                assertNull(delete.getValue("value"));
            }

            assertTrue(ws.call(op("u", "unwatch").put("watch", first)).getJsonObject("result").getBoolean("existed"));
            writer.call(op(4, "put").put("key", "watched:2").put("value", "two"));
            // Had the first watch survived, its event would arrive first: one write offers the watches in
            // registration order, and their drains run in that order on the session's context.
            JsonObject after = ws.next();
            assertEquals(second, after.getString("watch"));
            assertEquals("watched:2", after.getString("key"));
        }
    }

    @Test
    void watch_binaryKeys_comeAsBase64() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(db, ""); WsTestClient writer = WsTestClient.connect(db, "")) {
            ws.call(op(1, "watch").put("prefix", "/w==").put("encoding", "base64")); // prefix 0xFF
            writer.call(op(2, "put").put("key", "/wE=").put("value", "AA==").put("encoding", "base64"));
            JsonObject event = ws.next();
            assertEquals("base64", event.getString("encoding"));
            assertEquals("/wE=", event.getString("key"));
            assertEquals("AA==", event.getString("value"));
        }
    }

    @Test
    void handshake_foreignOrigin_is403_ownOriginAndNoOriginAreAccepted() throws Exception {
        String handshake = "GET /v1/ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: ";
        assertEquals("HTTP/1.1 403 Forbidden", db.rawStatusLine(handshake + "http://evil.example"));
        assertEquals("HTTP/1.1 101 Switching Protocols", db.rawStatusLine(handshake + "http://127.0.0.1:" + db.node.httpPort()));
        assertEquals("HTTP/1.1 101 Switching Protocols", db.rawStatusLine(handshake + "http://localhost:" + db.node.httpPort()));
        try (WsTestClient ws = WsTestClient.connect(db, "")) { // the JDK client sends no Origin
            assertEquals("pong", ws.call(op(1, "ping")).getString("result"));
        }
        assertEquals("HTTP/1.1 404 Not Found", db.rawStatusLine(handshake.replace("/v1/ws", "/v1/other")
                + "http://127.0.0.1:" + db.node.httpPort()));
    }

    @Test
    void foreignHostHeader_is403_onALoopbackNode() throws Exception {
        // DNS rebinding: a page served as evil.example, now resolving to 127.0.0.1, sends no Origin on
        // same-origin requests, but its own name as Host.
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", db.node.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /v1/kv/x HTTP/1.1\r\nHost: evil.example:" + db.node.httpPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.ISO_8859_1)).readLine();
            assertEquals("HTTP/1.1 403 Forbidden", status);
        }
        assertEquals(404, db.get("/v1/kv/x").statusCode(), "its own names are answered");
    }

    @Test
    void token_requiredOnHandshakeAndHttp_headerOrQuery() throws Exception {
        try (HttpTestNode secured = HttpTestNode.start(HttpTestNode.config()
                .withHttp(new HttpConfig(0, "s3cret", java.util.List.of())))) {
            String handshake = "GET /v1/ws%s HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13";
            assertEquals("HTTP/1.1 401 Unauthorized", secured.rawStatusLine(String.format(handshake, "")));
            assertEquals("HTTP/1.1 401 Unauthorized", secured.rawStatusLine(String.format(handshake, "?token=wrong")));
            for (String malformed : new String[] {"?token=%", "?token=%zz", "?token=%C3%28"}) {
                String status = secured.rawStatusLine(String.format(handshake, malformed)); // a hang would time out
                assertTrue(status.equals("HTTP/1.1 401 Unauthorized") || status.equals("HTTP/1.1 400 Bad Request"),
                        malformed + ": refused, not a hung handshake: " + status);
            }
            assertEquals("HTTP/1.1 101 Switching Protocols", secured.rawStatusLine(String.format(handshake, "?token=s3cret")));
            assertEquals("HTTP/1.1 101 Switching Protocols",
                    secured.rawStatusLine(String.format(handshake, "") + "\r\nAuthorization: Bearer s3cret"));
            try (WsTestClient ws = WsTestClient.connect(secured, "", "Authorization", "Bearer s3cret")) {
                assertEquals("pong", ws.call(op(1, "ping")).getString("result"));
            }
            HttpKvTest.assertError(secured.get("/v1/kv/x"), 401, "UNAUTHORIZED", 40);
            HttpKvTest.assertError(secured.get("/v1/kv/x?token=s3cret"), 401, "UNAUTHORIZED", 40);
            assertEquals(404, secured.get("/v1/kv/x", "Authorization", "Bearer s3cret").statusCode());
            assertEquals(401, secured.get("/metrics").statusCode());
            assertEquals(200, secured.get("/health/live").statusCode(), "health stays open for orchestrators");
            HttpKvTest.assertError(secured.get("/v1/kv/x", "Authorization", "Bearer s3cret", "Origin", "http://evil.example"),
                    403, "FORBIDDEN", 41);
        }
    }

    private static void assertError(JsonObject reply, Object id, String name) {
        assertEquals(id, reply.getValue("id"), reply.encode());
        assertFalse(reply.getBoolean("ok"), reply.encode());
        assertEquals(name, reply.getJsonObject("error").getString("name"), reply.encode());
        assertFalse(reply.getJsonObject("error").getString("message").isEmpty());
        assertTrue(reply.getJsonObject("error").getInteger("code") > 0);
    }

    static byte[] utf8(String s) {
        return s.getBytes(UTF_8);
    }
}
