package io.amdb.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.amdb.client.TestSupport.await;
import static io.amdb.client.TestSupport.bytes;
import static io.amdb.client.TestSupport.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many requests in flight at once, replies out of order, and requests sent from callbacks. */
@Timeout(60)
class AmDbClientPipeliningTest {
    private static final int THREADS = 4;

    private FakeNode node;
    private AmDbClient client;
    private ExecutorService executor;

    @AfterEach
    void stop() throws Exception {
        if (executor != null) {
            executor.shutdownNow();
        }
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void pipelinedRequests_10000FromSeveralThreadsWithReorderedReplies_allCompleteWithRightValues() throws Exception {
        node = new FakeNode(FakeNode.Mode.REVERSE_BURSTS);
        client = TestSupport.connect(node, ClientOptions.builder().maxInFlight(16_384).build());
        runPutThenGet(10_000);
    }

    @Test
    void pipelinedRequests_farMoreThanMaxInFlight_allCompleteWithRightValues() throws Exception {
        node = new FakeNode(FakeNode.Mode.REVERSE_BURSTS);
        client = TestSupport.connect(node, ClientOptions.builder().maxInFlight(64).build());
        runPutThenGet(10_000);
    }

    @Test
    void heldReplies_answeredInReverseOrder_areMatchedById() throws Exception {
        node = new FakeNode(FakeNode.Mode.HOLD);
        node.holdUntil(101); // the 100 gets and a final ping, sent after every callback is attached
        client = TestSupport.connect(node, ClientOptions.builder().connectionsPerNode(1).build());
        for (int i = 0; i < 100; i++) {
            node.store.put(bytes("k" + i), bytes("v" + i));
        }
        List<Integer> completionOrder = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<byte[]>> gets = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int index = i;
            gets.add(client.get(bytes("k" + i)).whenComplete((v, e) -> completionOrder.add(index)));
        }
        CompletableFuture<Void> ping = client.ping();
        for (int i = 0; i < 100; i++) {
            assertEquals("v" + i, string(await(gets.get(i))));
        }
        await(ping);
        assertEquals(99, completionOrder.get(0), "the node answered the last get first");
        assertEquals(0, completionOrder.get(99));
    }

    @Test
    void callbackOnIoThread_chainedRequest1000Times_allCompleteOnIoThread() throws Exception {
        node = new FakeNode(FakeNode.Mode.NORMAL);
        client = TestSupport.connect(node, ClientOptions.DEFAULTS);
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger onIoThread = new AtomicInteger();
        chain(0, 1000, done, onIoThread);
        await(done);
        assertEquals("999", string(await(client.get(bytes("chain")))));
        // A link runs on the caller's thread when its reply beat the whenComplete (the main thread can be
        // descheduled between put() and whenComplete on a busy machine), so only "some" is deterministic;
        // once a link runs on the I/O thread, every later link is sent from there.
        assertTrue(onIoThread.get() >= 1, "no callback ran on the I/O thread");
    }

    @Test
    void putsOnSameKey_pipelinedOverSeveralConnections_applyInOrder() throws Exception {
        node = new FakeNode(FakeNode.Mode.REVERSE_BURSTS);
        client = TestSupport.connect(node, ClientOptions.builder().connectionsPerNode(4).build());
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            puts.add(client.put(bytes("same"), bytes(Integer.toString(i))));
        }
        CompletableFuture<byte[]> last = client.get(bytes("same"));
        for (CompletableFuture<Void> put : puts) {
            await(put);
        }
        assertEquals("999", string(await(last)));
    }

    private void chain(int i, int total, CompletableFuture<Void> done, AtomicInteger onIoThread) {
        client.put(bytes("chain"), bytes(Integer.toString(i))).whenComplete((v, e) -> {
            if (Thread.currentThread().getName().equals("amdb-client-io")) {
                onIoThread.incrementAndGet();
            }
            if (e != null) {
                done.completeExceptionally(e);
            } else if (i + 1 == total) {
                done.complete(null);
            } else {
                chain(i + 1, total, done, onIoThread);
            }
        });
    }

    /** THREADS threads put {@code total} distinct keys without waiting, then read them all back. */
    private void runPutThenGet(int total) throws Exception {
        executor = Executors.newFixedThreadPool(THREADS);
        int perThread = total / THREADS;
        List<Future<List<CompletableFuture<Void>>>> puts = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            puts.add(executor.submit(() -> {
                List<CompletableFuture<Void>> fs = new ArrayList<>(perThread);
                for (int i = 0; i < perThread; i++) {
                    fs.add(client.put(bytes("key-" + thread + "-" + i), bytes("value-" + thread + "-" + i)));
                }
                return fs;
            }));
        }
        for (Future<List<CompletableFuture<Void>>> f : puts) {
            for (CompletableFuture<Void> put : f.get(TestSupport.WAIT_SECONDS, TimeUnit.SECONDS)) {
                await(put);
            }
        }
        List<Future<List<CompletableFuture<byte[]>>>> gets = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            gets.add(executor.submit(() -> {
                List<CompletableFuture<byte[]>> fs = new ArrayList<>(perThread);
                for (int i = 0; i < perThread; i++) {
                    fs.add(client.get(bytes("key-" + thread + "-" + i)));
                }
                return fs;
            }));
        }
        for (int t = 0; t < THREADS; t++) {
            List<CompletableFuture<byte[]>> fs = gets.get(t).get(TestSupport.WAIT_SECONDS, TimeUnit.SECONDS);
            for (int i = 0; i < perThread; i++) {
                assertEquals("value-" + t + "-" + i, string(await(fs.get(i))));
            }
        }
    }
}
