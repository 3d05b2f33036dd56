package io.amdb.node.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Parked requests resume exactly once, on their own context, on the first of: newer table, wake, timeout. */
class ParkingTest {
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Parks on a fresh context; the future completes with the context resume ran on, counting runs. */
    private static CompletableFuture<Context> park(Parking parking, long epochSeen, AtomicInteger runs) {
        CompletableFuture<Context> resumed = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> parking.park(epochSeen, () -> {
            runs.incrementAndGet();
            resumed.complete(Vertx.currentContext());
        }));
        return resumed;
    }

    @Test
    void tableInstalled_resumesOnceOnTheParkingContext() throws Exception {
        Parking parking = new Parking(vertx, 60_000);
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<Context> resumed = park(parking, parking.version(), runs);
        parking.tableInstalled();
        parking.tableInstalled();
        Context on = resumed.get(10, TimeUnit.SECONDS);
        assertNotNull(on);
        assertEquals(1, runs.get());
    }

    @Test
    void eventBetweenReadingTheVersionAndParking_isNotMissed() throws Exception {
        Parking parking = new Parking(vertx, 60_000);
        long seen = parking.version();
        parking.tableInstalled(); // before the park below registers
        AtomicInteger runs = new AtomicInteger();
        park(parking, seen, runs).get(10, TimeUnit.SECONDS);
        assertEquals(1, runs.get());
    }

    @Test
    void wakeAll_resumesEveryWaiter_andTimeoutResumesAWaiterNobodyWakes() throws Exception {
        Parking parking = new Parking(vertx, 60_000);
        AtomicInteger runs = new AtomicInteger();
        long seen = parking.version();
        CompletableFuture<Context> a = park(parking, seen, runs);
        CompletableFuture<Context> b = park(parking, seen, runs);
        parking.wakeAll();
        a.get(10, TimeUnit.SECONDS);
        b.get(10, TimeUnit.SECONDS);
        assertEquals(2, runs.get());

        Parking quick = new Parking(vertx, 20);
        AtomicInteger late = new AtomicInteger();
        park(quick, quick.version(), late).get(10, TimeUnit.SECONDS);
        assertEquals(1, late.get());
    }
}
