package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-node entry points the HTTP and WebSocket front ends use: {@code execute} and the write observer. */
class NodeExecuteTest {
    private static AmDbNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNodes.start(TestNodes.config());
    }

    @AfterAll
    static void stopNode() throws Exception {
        TestNodes.stop(node);
    }

    private static Response run(Request request) throws Exception {
        return onContext(() -> node.execute(request));
    }

    private static <T> T onContext(Supplier<Future<T>> call) throws Exception {
        return TestNodes.onContext(node, call);
    }

    @Test
    void execute_putThenGet_returnsValue() throws Exception {
        assertEquals(Response.DONE, run(new Request.Put("exec:a".getBytes(UTF_8), "1".getBytes(UTF_8))));
        Response got = run(new Request.Get("exec:a".getBytes(UTF_8)));
        assertArrayEquals("1".getBytes(UTF_8), assertInstanceOf(Response.Value.class, got).value());
    }

    @Test
    void execute_emptyKey_isAnErrorValue() throws Exception {
        Response r = run(new Request.Get(new byte[0]));
        assertEquals(ErrorCode.KEY_EMPTY, assertInstanceOf(Response.Error.class, r).code());
    }

    @Test
    void observer_seesPutsAndRemovingDeletesOnly() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        node.observeWrites((p, k, v) -> seen.add(new String(k, UTF_8) + "=" + (v == null ? "<deleted>" : new String(v, UTF_8))));
        try {
            run(new Request.Put("obs:a".getBytes(UTF_8), "x".getBytes(UTF_8)));
            run(new Request.Delete("obs:a".getBytes(UTF_8)));
            run(new Request.Delete("obs:never".getBytes(UTF_8)));
        } finally {
            node.observeWrites(null);
        }
        run(new Request.Put("obs:b".getBytes(UTF_8), "y".getBytes(UTF_8)));
        assertEquals(List.of("obs:a=x", "obs:a=<deleted>"), seen);
    }
}
