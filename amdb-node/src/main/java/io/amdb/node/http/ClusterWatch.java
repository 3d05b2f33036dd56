package io.amdb.node.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes watches cluster-wide: each node publishes the prefixes its WebSocket clients watch (on every change
 * and every {@link #PERIOD_MS}), keeps a {@link WatchForwarder} per other node that watches something, and
 * delivers the events other nodes forward to its own watches.
 *
 * <p>Interest that is not republished within {@link #EXPIRY_MS} (a node that died or left) is dropped. A
 * node learns of a new remote watch when its interest message arrives, milliseconds after the watch reply;
 * writes it applies before that are not forwarded (docs/WEBSOCKET.md says so).
 *
 * <p>State ({@code forwarders}) is touched only on this verticle's context.
 */
final class ClusterWatch extends VerticleBase {
    static final String INTEREST = "amdb.watch.interest";
    static final long PERIOD_MS = 2000;
    static final long EXPIRY_MS = 3 * PERIOD_MS;

    private final String self;
    private final WatchRegistry registry;
    private final long maxBytes;
    private final Map<String, WatchForwarder> forwarders = new HashMap<>();
    private EventBus bus;

    ClusterWatch(String self, WatchRegistry registry, long maxBytes) {
        this.self = self;
        this.registry = registry;
        this.maxBytes = maxBytes;
    }

    static String eventsAddress(String nodeId) {
        return "amdb.watch.events." + nodeId;
    }

    @Override
    public Future<?> start() {
        bus = vertx.eventBus();
        var interest = bus.<JsonObject>consumer(INTEREST, this::onInterest);
        var events = bus.<Buffer>consumer(eventsAddress(self), m -> WatchForwarder.receive(m.body(), registry));
        registry.onLocalChange(() -> context.runOnContext(v -> publish()));
        vertx.setPeriodic(PERIOD_MS, id -> {
            publish();
            expire();
        });
        return Future.all(interest.completion(), events.completion()).onSuccess(v -> publish());
    }

    @Override
    public Future<?> stop() {
        registry.onLocalChange(() -> { });
        registry.setRemotes(new WatchForwarder[0]);
        return Future.succeededFuture();
    }

    private void publish() {
        JsonArray prefixes = new JsonArray();
        for (byte[] p : registry.localPrefixes()) {
            prefixes.add(Base64.getEncoder().encodeToString(p));
        }
        bus.publish(INTEREST, new JsonObject().put("node", self).put("prefixes", prefixes));
    }

    private void onInterest(Message<JsonObject> message) {
        String node = message.body().getString("node");
        if (node == null || node.equals(self)) {
            return;
        }
        List<Object> encoded = message.body().getJsonArray("prefixes", new JsonArray()).getList();
        byte[][] prefixes = encoded.stream().map(p -> Base64.getDecoder().decode((String) p)).toArray(byte[][]::new);
        WatchForwarder f = forwarders.get(node);
        if (prefixes.length == 0) {
            forwarders.remove(node);
        } else if (f == null || f.dead()) {
            forwarders.put(node, new WatchForwarder(eventsAddress(node), prefixes, maxBytes, context, bus,
                    System.currentTimeMillis()));
        } else {
            f.update(prefixes, System.currentTimeMillis());
        }
        install();
    }

    private void expire() {
        long now = System.currentTimeMillis();
        if (forwarders.values().removeIf(f -> now - f.lastSeenMillis() > EXPIRY_MS)) {
            install();
        }
    }

    private void install() {
        registry.setRemotes(forwarders.values().toArray(new WatchForwarder[0]));
    }
}
