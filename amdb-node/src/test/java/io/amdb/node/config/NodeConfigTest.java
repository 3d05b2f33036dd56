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
