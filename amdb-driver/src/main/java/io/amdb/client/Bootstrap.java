package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@link AmDbClient#connect(List, ClientOptions)} does before it returns: tries the seeds in order
 * until one connects and answers TABLE, adopts that table, then waits until the connections to every member
 * are up or have failed. A member that cannot be reached does not fail the connect: requests for its keys
 * fail with CONNECTION_LOST, the rest work.
 *
 * <p>Every wait is bounded: the I/O thread fails connects after the connect timeout, and the waits for them
 * here add a second of slack on top. A seed must answer TABLE within the connect timeout too (or the request
 * timeout, if shorter), so that a seed that accepts connections but hangs does not hold up the next one.
 */
final class Bootstrap {
    private static final long SLACK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private Bootstrap() {}

    /** @throws AmDbException CONNECTION_LOST naming every seed and why it failed, when none answered */
    static void run(List<Seed> seeds, Router router, IoLoop loop, ClientOptions options) {
        long connectNanos = options.connectTimeout().toNanos() + SLACK_NANOS;
        long tableNanos = options.connectTimeout().toNanos(); // answering TABLE is part of connecting
        List<String> causes = new ArrayList<>();
        for (Seed seed : seeds) {
            Peer peer = router.openSeed(seed);
            try {
                await(peer.ready(), connectNanos);
                router.adopt(await(fetchTable(peer, loop), tableNanos));
                for (Peer member : router.memberPeers()) {
                    try {
                        await(member.ready(), connectNanos);
                    } catch (AmDbException unreachable) {
                        // its keys fail with CONNECTION_LOST; the other members serve theirs
                    }
                }
                return;
            } catch (AmDbException e) {
                String prefix = "cannot connect to " + seed + ": ";
                String cause = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length())
                        : e.getMessage();
                causes.add(cause);
                router.dropSeed(peer, "seed " + seed + " did not answer: " + cause);
            }
        }
        throw new AmDbException(ErrorCode.CONNECTION_LOST, failureMessage(seeds, causes));
    }

    private static CompletableFuture<PartitionTable> fetchTable(Peer peer, IoLoop loop) {
        Call call = new Call(new Request.Table(), System.nanoTime(), 0L); // epoch 0: not routed
        loop.submit(peer.anyConnection(), call);
        return call.future.thenApply(r -> ((Response.Table) r).table());
    }

    /** One seed: "cannot connect to h:p: why"; several: "cannot connect to any of [a, b]: a: why; b: why". */
    private static String failureMessage(List<Seed> seeds, List<String> causes) {
        if (seeds.size() == 1) {
            return "cannot connect to " + seeds.get(0) + ": " + causes.get(0);
        }
        StringBuilder s = new StringBuilder("cannot connect to any of ").append(seeds).append(": ");
        for (int i = 0; i < seeds.size(); i++) {
            s.append(i == 0 ? "" : "; ").append(seeds.get(i)).append(": ").append(causes.get(i));
        }
        return s.toString();
    }

    private static <T> T await(CompletableFuture<T> future, long nanos) {
        try {
            return future.get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof AmDbException a ? a
                    : new AmDbException(ErrorCode.CONNECTION_LOST, IoLoop.describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new AmDbException(ErrorCode.TIMEOUT, "no answer within "
                    + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AmDbException(ErrorCode.CONNECTION_LOST, "interrupted while connecting");
        }
    }
}
