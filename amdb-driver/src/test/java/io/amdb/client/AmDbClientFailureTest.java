package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Opcode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.amdb.client.TestSupport.await;
import static io.amdb.client.TestSupport.awaitFailure;
import static io.amdb.client.TestSupport.bytes;
import static io.amdb.client.TestSupport.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Timeouts, lost connections, node errors that close the connection, close(), and connect failures. */
@Timeout(60)
class AmDbClientFailureTest {
    private FakeNode node;
    private AmDbClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private void start(FakeNode.Mode mode, ClientOptions options) throws Exception {
        node = new FakeNode(mode);
        client = TestSupport.connect(node, options);
    }

    @Test
    void silentNode_request_failsWithTimeout() throws Exception {
        start(FakeNode.Mode.SILENT, ClientOptions.builder().requestTimeout(Duration.ofMillis(200)).build());
        awaitFailure(client.get(bytes("k")), ErrorCode.TIMEOUT);
    }

    @Test
    void lateReply_afterTimeout_isIgnoredAndConnectionStaysUsable() throws Exception {
        start(FakeNode.Mode.HOLD, ClientOptions.builder().connectionsPerNode(1)
                .requestTimeout(Duration.ofSeconds(1)).build());
        node.store.put(bytes("k"), bytes("v"));
        node.holdUntil(2);
        awaitFailure(client.get(bytes("k")), ErrorCode.TIMEOUT);
        // The node now answers both: the late reply first, then this one.
        assertEquals("v", string(await(client.get(bytes("k")))));
    }

    @Test
    void compareAndSet_timedOut_isNotResentAndItsOutcomeIsLeftToTheCaller() throws Exception {
        start(FakeNode.Mode.HOLD, ClientOptions.builder().connectionsPerNode(1)
                .requestTimeout(Duration.ofSeconds(1)).build());
        node.holdUntil(2);
        awaitFailure(client.compareAndSet(bytes("k"), Request.Condition.absent(), bytes("v")), ErrorCode.TIMEOUT);
        await(client.ping()); // the node now answers both: the late CAS reply first, then the ping
        assertEquals(1, node.answered(Opcode.CAS), "sent once");
        assertEquals("v", string(node.store.get(bytes("k"))), "applied although the caller was told TIMEOUT");
    }

    @Test
    void compareAndSet_connectionLost_isNotResent() throws Exception {
        start(FakeNode.Mode.SILENT, ClientOptions.DEFAULTS);
        CompletableFuture<Response.Swapped> cas = client.compareAndSet(bytes("k"), Request.Condition.absent(), bytes("v"));
        assertTrue(node.awaitReceived(1));
        node.closeConnections();
        awaitFailure(cas, ErrorCode.CONNECTION_LOST);
        assertEquals(1, node.answered(Opcode.CAS), "sent once");
        assertEquals("v", string(node.store.get(bytes("k"))), "the outcome is unknown to the caller, not undone");
    }

    @Test
    void nodeClosesConnections_pendingRequests_failWithConnectionLostAndLaterCallsFailFast() throws Exception {
        start(FakeNode.Mode.SILENT, ClientOptions.DEFAULTS);
        List<CompletableFuture<byte[]>> pending = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pending.add(client.get(bytes("k" + i)));
        }
        assertTrue(node.awaitReceived(10));
        node.closeConnections();
        for (CompletableFuture<byte[]> f : pending) {
            awaitFailure(f, ErrorCode.CONNECTION_LOST);
        }
        CompletableFuture<Void> later = client.ping();
        assertTrue(later.isCompletedExceptionally(), "fails without waiting");
        awaitFailure(later, ErrorCode.CONNECTION_LOST);
    }

    @Test
    void errorFrameWithIdZero_pendingRequests_failWithNodeCode() throws Exception {
        start(FakeNode.Mode.SILENT, ClientOptions.builder().connectionsPerNode(1).build());
        List<CompletableFuture<Void>> pending = List.of(client.ping(), client.ping(), client.ping());
        assertTrue(node.awaitReceived(3));
        node.failConnectionsWithIdZero(ErrorCode.MALFORMED_FRAME, "bad magic");
        for (CompletableFuture<Void> f : pending) {
            AmDbException e = awaitFailure(f, ErrorCode.MALFORMED_FRAME);
            assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
        }
        awaitFailure(client.ping(), ErrorCode.CONNECTION_LOST);
    }

    @Test
    void close_withPendingRequests_failsThemAndIsIdempotent() throws Exception {
        start(FakeNode.Mode.SILENT, ClientOptions.DEFAULTS);
        List<CompletableFuture<Void>> pending = List.of(client.ping(), client.put(bytes("k"), bytes("v")));
        assertTrue(node.awaitReceived(2));
        client.close();
        client.close();
        for (CompletableFuture<Void> f : pending) {
            assertEquals("client closed", awaitFailure(f, ErrorCode.CONNECTION_LOST).getMessage());
        }
    }

    @Test
    void operation_afterClose_failsWithConnectionLost() throws Exception {
        start(FakeNode.Mode.NORMAL, ClientOptions.DEFAULTS);
        client.close();
        awaitFailure(client.get(bytes("k")), ErrorCode.CONNECTION_LOST);
    }

    @Test
    void close_fromCallbackOnIoThread_returnsAndFailsOtherPendingRequests() throws Exception {
        start(FakeNode.Mode.HOLD, ClientOptions.builder().connectionsPerNode(1).build());
        CompletableFuture<Void> first = client.ping();
        CompletableFuture<Void> closedInCallback = first.thenRun(client::close);
        CompletableFuture<Void> second = client.ping();
        assertTrue(node.awaitReceived(2));
        node.releaseOldest();
        await(closedInCallback);
        awaitFailure(second, ErrorCode.CONNECTION_LOST);
    }

    @Test
    void maxInFlight_fifthCallFromCallerThread_failsWithTimeout() throws Exception {
        start(FakeNode.Mode.SILENT, ClientOptions.builder().maxInFlight(4)
                .requestTimeout(Duration.ofMillis(200)).build());
        List<CompletableFuture<Void>> first = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            first.add(client.ping());
        }
        awaitFailure(client.ping(), ErrorCode.TIMEOUT);
        for (CompletableFuture<Void> f : first) {
            awaitFailure(f, ErrorCode.TIMEOUT);
        }
    }

    @Test
    void maxInFlight_callFromIoThreadWithoutPermit_failsFastWithTimeout() throws Exception {
        start(FakeNode.Mode.HOLD, ClientOptions.builder().maxInFlight(1).connectionsPerNode(1).build());
        CompletableFuture<CompletableFuture<Void>> fromCallback = new CompletableFuture<>();
        client.ping().whenComplete((v, e) -> {
            client.ping(); // takes the permit the completed ping released
            fromCallback.complete(client.ping());
        });
        assertTrue(node.awaitReceived(1));
        node.releaseOldest();
        CompletableFuture<Void> third = await(fromCallback);
        assertTrue(third.isCompletedExceptionally(), "failed at once, on the I/O thread");
        AmDbException e = awaitFailure(third, ErrorCode.TIMEOUT);
        assertTrue(e.getMessage().contains("in-flight limit reached"), e.getMessage());
    }

    @Test
    void maxInFlight_permitFreed_blockedCallerProceeds() throws Exception {
        start(FakeNode.Mode.HOLD, ClientOptions.builder().maxInFlight(1).connectionsPerNode(1).build());
        CompletableFuture<Void> first = client.ping();
        CompletableFuture<CompletableFuture<Void>> second = CompletableFuture.supplyAsync(client::ping);
        assertTrue(node.awaitReceived(1));
        node.releaseOldest();
        await(first);
        assertTrue(node.awaitReceived(1));
        node.releaseOldest();
        await(await(second));
    }

    @Test
    void connect_nothingListening_throwsConnectionLost() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        int closedPort = port;
        AmDbException e = assertThrows(AmDbException.class, () -> AmDbClient.connect("127.0.0.1", closedPort));
        assertEquals(ErrorCode.CONNECTION_LOST, e.code());
        assertTrue(e.getMessage().startsWith("cannot connect to 127.0.0.1:" + closedPort + ": "), e.getMessage());
    }
}
