package io.amdb.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.config.NodeConfig;
import io.amdb.node.config.StorageConfig;
import io.amdb.node.persist.Durability;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An in-process durable node: writes survive a stop and a start on the same directory, and INFO shows the log. */
class DurableNodeTest {
    @TempDir
    Path dir;

    private NodeConfig config(Durability mode) {
        return TestNodes.config().withStorage(StorageConfig.durable(mode, dir));
    }

    @Test
    void restart_sameDirectory_everyWriteAndDeleteIsBack_inBothModes() throws Exception {
        for (Durability mode : List.of(Durability.ASYNC, Durability.SYNC)) {
            AmDbNode node = TestNodes.start(config(mode));
            List<Request.BatchItem> items = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                items.add(Request.BatchItem.put(("k" + i).getBytes(UTF_8), (mode + "-" + i).getBytes(UTF_8)));
            }
            run(node, new Request.Batch(items));
            run(node, new Request.Delete("k7".getBytes(UTF_8)));
            node.snapshot().await(30, TimeUnit.SECONDS); // half the keys from a snapshot, the rest from the log
            run(node, new Request.Put("k8".getBytes(UTF_8), "after-snapshot".getBytes(UTF_8)));
            TestNodes.stop(node);

            node = TestNodes.start(config(mode));
            try {
                assertNull(value(node, "k7"), mode + ": a delete survives");
                assertArrayEquals("after-snapshot".getBytes(UTF_8), value(node, "k8"), mode.toString());
                assertArrayEquals((mode + "-1999").getBytes(UTF_8), value(node, "k1999"), mode.toString());
                Map<String, String> info = info(node);
                assertEquals(mode.label(), info.get("durability"));
                assertEquals(dir.toAbsolutePath().toString(), info.get("data_dir"));
                assertEquals("1999", info.get("recovered_keys"), info.toString());
                assertTrue(Long.parseLong(info.get("log_bytes")) > 0, info.toString());
            } finally {
                TestNodes.stop(node);
            }
        }
    }

    @Test
    void info_memoryOnlyNode_saysDurabilityNone() throws Exception {
        AmDbNode node = TestNodes.start(TestNodes.config());
        try {
            assertEquals("none", info(node).get("durability"));
        } finally {
            TestNodes.stop(node);
        }
    }

    private static byte[] value(AmDbNode node, String key) throws Exception {
        return assertInstanceOf(Response.Value.class, run(node, new Request.Get(key.getBytes(UTF_8)))).value();
    }

    private static Map<String, String> info(AmDbNode node) throws Exception {
        return assertInstanceOf(Response.Info.class, run(node, new Request.Info())).fields();
    }

    private static Response run(AmDbNode node, Request request) throws Exception {
        return TestNodes.run(node, request);
    }
}
