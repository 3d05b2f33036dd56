package io.amdb.client;

import static io.amdb.client.TestSupport.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.AmDbNode;
import io.amdb.node.config.NodeConfig;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** getVersioned, compareAndSet and putIfAbsent against a real node: the node's versions, and no lost update. */
@Timeout(120)
class AmDbClientConditionalWritesTest {
    private static AmDbNode node;
    private static AmDbClient client;

    @BeforeAll
    static void start() throws Exception {
        node = AmDbNode.start(NodeConfig.defaults().withPort(0).withShards(2)).await(30, TimeUnit.SECONDS);
        client = AmDbClient.connect("127.0.0.1", node.port());
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        node.stop().await(30, TimeUnit.SECONDS);
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void compareAndSet_versionsOfARealNode_applyOnceAndReadBack() throws Exception {
        assertTrue(await(client.putIfAbsent(b("cc:k"), b("v1"))));
        Response.Versioned read = await(client.getVersioned(b("cc:k")));
        Response.Swapped swapped = await(client.compareAndSet(b("cc:k"), Request.Condition.version(read.version()), b("v2")));
        assertTrue(swapped.applied());
        assertEquals(new Response.Swapped(false, swapped.version()),
                await(client.compareAndSet(b("cc:k"), Request.Condition.version(read.version()), b("v3"))));
        assertEquals(swapped.version(), await(client.getVersioned(b("cc:k"))).version());
        assertEquals(new Response.Swapped(true, 0),
                await(client.compareAndSet(b("cc:k"), Request.Condition.value(b("v2")), null)));
        assertNull(await(client.get(b("cc:k"))));
    }

    @Test
    void putIfAbsent_manyAtOnceOnOneKey_exactlyOneWins() throws Exception {
        List<CompletableFuture<Boolean>> racers = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            racers.add(client.putIfAbsent(b("cc:race"), b("racer " + i)));
        }
        int winners = 0;
        for (CompletableFuture<Boolean> r : racers) {
            winners += await(r) ? 1 : 0;
        }
        assertEquals(1, winners);
    }

    /**
     * Threads with a client each add 1 to one counter by getVersioned, then compareAndSet on that version,
     * until each has made {@code k} increments: a lost update would leave the counter below threads × k.
     */
    @Test
    void compareAndSet_readModifyWriteFromManyClients_noUpdateIsLost() throws Exception {
        int threads = 4;
        int k = 100;
        await(client.put(b("cc:counter"), b("0")));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> increment(b("cc:counter"), k)));
            }
            for (Future<Integer> f : done) {
                assertEquals(k, f.get(60, TimeUnit.SECONDS)); // a hang guard, not a timing assertion
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Integer.toString(threads * k), new String(await(client.get(b("cc:counter"))), UTF_8));
    }

    private static int increment(byte[] key, int times) throws Exception {
        try (AmDbClient own = AmDbClient.connect("127.0.0.1", node.port())) {
            int done = 0;
            while (done < times) {
                Response.Versioned read = await(own.getVersioned(key));
                byte[] next = b(Long.toString(Long.parseLong(new String(read.value(), UTF_8)) + 1));
                if (await(own.compareAndSet(key, Request.Condition.version(read.version()), next)).applied()) {
                    done++;
                }
            }
            return done;
        }
    }
}
