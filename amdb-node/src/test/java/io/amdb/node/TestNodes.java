package io.amdb.node;

import io.amdb.node.config.NodeConfig;
import java.util.concurrent.TimeUnit;

/** Starts and stops in-process nodes for tests, on loopback and a free port. */
final class TestNodes {
    private TestNodes() {}

    static NodeConfig config() {
        return NodeConfig.defaults().withPort(0).withShards(2);
    }

    static AmDbNode start(NodeConfig config) throws Exception {
        return AmDbNode.start(config).await(30, TimeUnit.SECONDS);
    }

    static void stop(AmDbNode node) throws Exception {
        if (node != null) {
            node.stop().await(30, TimeUnit.SECONDS);
        }
    }
}
