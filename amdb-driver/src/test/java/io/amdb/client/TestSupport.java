package io.amdb.client;

import io.amdb.protocol.ErrorCode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

/** Bounded waits and small helpers shared by the client tests. */
final class TestSupport {
    static final long WAIT_SECONDS = 10;

    private TestSupport() {}

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** A loopback port nothing listens on (free a moment ago; the OS hands out ports in turn, not at once). */
    static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Keys "key-0" … "key-(n-1)". */
    static List<byte[]> keys(int n) {
        List<byte[]> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(bytes("key-" + i));
        }
        return keys;
    }

    static AmDbClient connect(FakeNode node, ClientOptions options) {
        return AmDbClient.connect(node.host(), node.port(), options);
    }

    /** The future's value, failing the test if it does not complete normally within the bound. */
    static <T> T await(CompletableFuture<T> future) throws InterruptedException, TimeoutException {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return fail("expected success, got " + e.getCause(), e.getCause());
        }
    }

    /** The AmDbException the future fails with (within the bound), after checking its code. */
    static AmDbException awaitFailure(CompletableFuture<?> future, ErrorCode expected)
            throws InterruptedException, TimeoutException {
        try {
            Object value = future.get(WAIT_SECONDS, TimeUnit.SECONDS);
            return fail("expected " + expected + ", got value " + value);
        } catch (ExecutionException e) {
            AmDbException failure = assertInstanceOf(AmDbException.class, e.getCause());
            assertEquals(expected, failure.code(), () -> "unexpected failure " + failure);
            return failure;
        }
    }
}
