package io.amdb.jdbc;

import io.amdb.node.AmDbNode;
import io.amdb.node.config.NodeConfig;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * A real in-process AmDb node on a free loopback port, for one test class: {@link #start()} in
 * {@code @BeforeAll}, {@link #close()} in {@code @AfterAll}. Tests keep apart by using their own key prefixes.
 */
final class TestNode implements AutoCloseable {
    private final AmDbNode node;

    private TestNode(AmDbNode node) {
        this.node = node;
    }

    static TestNode start() throws Exception {
        return new TestNode(AmDbNode.start(NodeConfig.defaults().withPort(0).withShards(2)).await(30, TimeUnit.SECONDS));
    }

    int port() {
        return node.port();
    }

    String url() {
        return "jdbc:amdb://127.0.0.1:" + node.port();
    }

    /** A connection through DriverManager, with no Class.forName: the driver is found by ServiceLoader. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    Connection connect(String query) throws SQLException {
        return DriverManager.getConnection(url() + "?" + query);
    }

    @Override
    public void close() throws Exception {
        node.stop().await(30, TimeUnit.SECONDS);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
