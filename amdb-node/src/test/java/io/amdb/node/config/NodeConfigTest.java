package io.amdb.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.Limits;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
    private static Properties file(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static NodeConfig resolve(Map<String, String> flags, Map<String, String> env, Properties file)
            throws ConfigException {
        return NodeConfig.from(new Settings(NodeConfig.KNOWN, flags, env, file, "test.properties"));
    }

    @Test
    void from_storageSettings_defaultsAsyncAndChecksModeRecoverAndRecordSize() throws Exception {
        NodeConfig c = resolve(Map.of(), Map.of(), new Properties());
        assertEquals(io.amdb.node.persist.Durability.ASYNC, c.storage().durability());
        assertEquals(java.nio.file.Path.of("amdb-data", "node-7070"), c.storage().dataDirFor(7070));
        NodeConfig sync = resolve(Map.of("durability", "sync", "data-dir", "/d", "fsync-interval-ms", "5",
                "recover", "truncate"), Map.of(), new Properties());
        assertEquals(io.amdb.node.persist.Durability.SYNC, sync.storage().durability());
        assertEquals(java.nio.file.Path.of("/d"), sync.storage().dataDirFor(7070));
        assertEquals(5, sync.storage().fsyncIntervalMs());
        org.junit.jupiter.api.Assertions.assertTrue(sync.storage().recoverTruncate());
        String m = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> resolve(Map.of("durability", "always"), Map.of(), new Properties())).getMessage();
        org.junit.jupiter.api.Assertions.assertTrue(m.contains("none, async or sync"), m);
        m = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> resolve(Map.of("max-value-bytes", "100000000", "max-frame-bytes", "200000000"), Map.of(),
                        new Properties())).getMessage();
        org.junit.jupiter.api.Assertions.assertTrue(m.contains("do not fit in one log record"), m);
        resolve(Map.of("max-value-bytes", "100000000", "max-frame-bytes", "200000000", "durability", "none"), Map.of(),
                new Properties()); // memory only: fine
    }

    @Test
    void from_nothingConfigured_usesDefaults() throws Exception {
        NodeConfig c = resolve(Map.of(), Map.of(), file());
        assertEquals("127.0.0.1", c.host());
        assertEquals(7070, c.port());
        assertEquals(8080, c.httpPort());
        assertEquals(1024, c.partitions());
        assertEquals(NodeConfig.defaultShards(), c.shards());
        assertEquals(Limits.DEFAULTS, c.limits());
        assertEquals(10_000, c.maxConnections());
        assertTrue(c.nodeId().startsWith("node-"));
    }

    @Test
    void from_replicationBacklog_defaultSplitAmongShards_zeroRefused() throws Exception {
        NodeConfig c = resolve(Map.of("shards", "4"), Map.of(), file());
        assertEquals(ReplicationConfig.DEFAULT_BACKLOG_MB, c.replication().backlogMb());
        assertEquals(ReplicationConfig.DEFAULT_BACKLOG_MB * 1_000_000L / 4, c.replication().backlogBytesPerShard(4));
        NodeConfig big = resolve(Map.of("replication-backlog-mb", "1000", "shards", "3"), Map.of(), file());
        assertEquals(333_333_333L, big.replication().backlogBytesPerShard(3));
        String m = assertThrows(ConfigException.class,
                () -> resolve(Map.of("replication-backlog-mb", "0"), Map.of(), file())).getMessage();
        assertTrue(m.contains("replication-backlog-mb"), m);
    }

    @Test
    void from_sameSettingEverywhere_flagBeatsEnvBeatsFileBeatsDefault() throws Exception {
        Properties f = file("port", "1111", "shards", "3", "partitions", "64", "max-key-bytes", "100");
        Map<String, String> env = Map.of("AMDB_PORT", "2222", "AMDB_SHARDS", "5");
        Map<String, String> flags = Map.of("port", "3333");
        NodeConfig c = resolve(flags, env, f);
        assertEquals(3333, c.port());
        assertEquals(5, c.shards());
        assertEquals(64, c.partitions());
        assertEquals(100, c.limits().maxKeyBytes());
    }

    @Test
    void from_httpSettings_portTokenAndOrigins() throws Exception {
        NodeConfig c = resolve(Map.of("http-port", "9090", "http-allowed-origins", "http://a:1, https://b.example"),
                Map.of("AMDB_AUTH_TOKEN", "t0k"), file());
        assertEquals(new HttpConfig(9090, "t0k", java.util.List.of("http://a:1", "https://b.example")), c.http());
        assertEquals("HttpConfig[port=9090, authToken=***, allowedOrigins=[http://a:1, https://b.example]]",
                c.http().toString(), "the token is never printed");
        assertEquals(null, resolve(Map.of(), Map.of(), file()).http().authToken());
    }

    @Test
    void from_protocolPortZero_movesTheDefaultHttpPortToZeroToo_unlessGiven() throws Exception {
        assertEquals(0, resolve(Map.of("port", "0"), Map.of(), file()).httpPort());
        assertEquals(8081, resolve(Map.of("port", "0", "http-port", "8081"), Map.of(), file()).httpPort());
        assertEquals(0, NodeConfig.defaults().withPort(0).httpPort());
        assertEquals(8080, NodeConfig.defaults().withPort(7171).httpPort());
    }

    @Test
    void from_httpPortMinusOne_disablesHttp() throws Exception {
        NodeConfig c = resolve(Map.of("http-port", "-1"), Map.of(), file());
        assertEquals(false, c.http().enabled());
        assertEquals(-1, c.withPort(0).httpPort(), "withPort(0) leaves disabled HTTP disabled");
    }

    @Test
    void from_badOrigin_errorNamesSettingAndSource() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> resolve(Map.of(), Map.of(), file("http-allowed-origins", "evil.example/path")));
        assertTrue(e.getMessage().contains("http-allowed-origins") && e.getMessage().contains("test.properties"),
                e.getMessage());
    }

    @Test
    void from_badNumberInEnv_errorNamesSettingAndSource() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> resolve(Map.of(), Map.of("AMDB_PORT", "seventy"), file()));
        assertTrue(e.getMessage().contains("port") && e.getMessage().contains("AMDB_PORT"), e.getMessage());
    }

    @Test
    void from_portOutOfRange_error() {
        ConfigException e = assertThrows(ConfigException.class, () -> resolve(Map.of("port", "70000"), Map.of(), file()));
        assertTrue(e.getMessage().contains("--port"), e.getMessage());
    }

    @Test
    void from_partitionsNotPowerOfTwo_error() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> resolve(Map.of(), Map.of(), file("partitions", "1000")));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
    }

    @Test
    void from_unknownKeyInFile_errorListsIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> resolve(Map.of(), Map.of(), file("prot", "1")));
        assertTrue(e.getMessage().contains("prot"), e.getMessage());
    }

    @Test
    void from_frameTooSmallForLargestValue_errorNamesIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> resolve(Map.of("max-frame-bytes", "1000000"), Map.of(), file()));
        assertTrue(e.getMessage().contains("maxFrameBytes"), e.getMessage());
    }

    @Test
    void from_badNodeId_error() {
        assertThrows(ConfigException.class, () -> resolve(Map.of("node-id", "a b"), Map.of(), file()));
    }

    @Test
    void from_underscoresInNumbers_accepted() throws Exception {
        assertEquals(100_000, resolve(Map.of("max-batch-items", "100_000"), Map.of(), file()).limits().maxBatchItems());
    }
}
