package io.amdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AmDbDriverTest {
    private static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start();
    }

    @AfterAll
    static void stopNode() throws Exception {
        node.close();
    }

    /** A loopback port nothing listens on (it was free a moment ago and is closed again). */
    private static int deadPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void getConnection_noClassForName_driverFoundByServiceLoader() throws SQLException {
        try (Connection c = DriverManager.getConnection(node.url(), "someone", "ignored")) {
            assertTrue(c.isValid(5));
            assertInstanceOf(AmDbDriver.class, DriverManager.getDriver(node.url()));
        }
    }

    @Test
    void connect_foreignUrl_returnsNull() throws SQLException {
        assertNull(new AmDbDriver().connect("jdbc:postgresql://localhost:5432/db", new Properties()));
        assertNull(new AmDbDriver().connect("jdbc:amdbx://127.0.0.1", null));
    }

    @Test
    void acceptsURL_amdbPrefix_trueWithoutIo() throws SQLException {
        AmDbDriver driver = new AmDbDriver();
        assertTrue(driver.acceptsURL("jdbc:amdb://host.invalid:1"));
        assertFalse(driver.acceptsURL("jdbc:h2:mem:x"));
        assertThrows(SQLException.class, () -> driver.acceptsURL(null));
    }

    @Test
    void connect_firstHostDown_failsOverToNext() throws Exception {
        String url = "jdbc:amdb://127.0.0.1:" + deadPort() + ",127.0.0.1:" + node.port();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("PUT drv:failover x"));
        }
    }

    @Test
    void connect_noHostReachable_08001ListingEveryHost() throws Exception {
        int a = deadPort();
        int b = deadPort();
        SQLNonTransientConnectionException e = assertThrows(SQLNonTransientConnectionException.class,
                () -> DriverManager.getConnection("jdbc:amdb://127.0.0.1:" + a + ",[::1]:" + b + "?connectTimeoutMs=2000"));
        assertEquals("08001", e.getSQLState());
        assertTrue(e.getMessage().startsWith("cannot connect to any of [127.0.0.1:" + a + ", [::1]:" + b + "]: "),
                e.getMessage());
        assertEquals("08006", e.getNextException().getSQLState(), "the client's CONNECTION_LOST, chained");
    }

    @Test
    void connect_malformedAmDbUrl_08001NotNull() {
        SQLException e = assertThrows(SQLException.class, () -> new AmDbDriver().connect("jdbc:amdb://", null));
        assertEquals("08001", e.getSQLState());
    }

    @Test
    void connect_unknownUrlParameter_08001NamingKnownOnes() {
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(node.url() + "?fetchsiz=3"));
        assertEquals("08001", e.getSQLState());
        assertTrue(e.getMessage().contains("unknown URL parameter 'fetchsiz'; known: connections, "), e.getMessage());
    }

    @Test
    void connect_badPropertyValue_08001NamingProperty() {
        Properties info = new Properties();
        info.setProperty("connections", "0");
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(node.url(), info));
        assertEquals("invalid connection property connections='0': expected an integer from 1 to 256", e.getMessage());
    }

    @Test
    void connect_sameKeyInPropertiesAndUrl_propertiesWin() throws SQLException {
        Properties info = new Properties();
        info.setProperty("FETCHSIZE", "20");
        try (Connection c = DriverManager.getConnection(node.url() + "?fetchSize=10&connections=1", info);
             Statement s = c.createStatement()) {
            assertEquals(20, s.getFetchSize());
        }
        try (Connection c = DriverManager.getConnection(node.url() + "?fetchSize=10"); Statement s = c.createStatement()) {
            assertEquals(10, s.getFetchSize());
        }
    }

    @Test
    void getPropertyInfo_everyProperty_mergedValueDescriptionDefault() throws SQLException {
        Properties info = new Properties();
        info.setProperty("fetchSize", "20");
        info.setProperty("user", "alice");
        DriverPropertyInfo[] props = new AmDbDriver().getPropertyInfo("jdbc:amdb://h?fetchSize=10&connections=3", info);
        Map<String, DriverPropertyInfo> byName = Arrays.stream(props).collect(Collectors.toMap(p -> p.name, p -> p));
        assertEquals(java.util.Set.of("connections", "requestTimeoutMs", "connectTimeoutMs", "maxInFlight", "fetchSize",
                "user", "password"), byName.keySet());
        assertEquals("20", byName.get("fetchSize").value);
        assertEquals("3", byName.get("connections").value);
        assertEquals("30000", byName.get("requestTimeoutMs").value);
        assertEquals("alice", byName.get("user").value);
        assertNull(byName.get("password").value);
        assertTrue(byName.get("fetchSize").description.endsWith("(default 1000)"), byName.get("fetchSize").description);
        assertTrue(byName.get("user").description.contains("ignored"));
        assertFalse(byName.get("user").required);
        assertEquals(0, new AmDbDriver().getPropertyInfo("jdbc:other://h", info).length);
    }

    @Test
    void versionsAndCompliance_fromArtifactAndHonest() {
        AmDbDriver driver = new AmDbDriver();
        assertTrue(DriverVersion.VERSION.matches("\\d+\\.\\d+.*"), DriverVersion.VERSION);
        assertEquals(DriverVersion.part(DriverVersion.VERSION, 0), driver.getMajorVersion());
        assertEquals(DriverVersion.part(DriverVersion.VERSION, 1), driver.getMinorVersion());
        assertFalse(driver.jdbcCompliant());
        assertEquals("io.amdb.jdbc", driver.getParentLogger().getName());
    }
}
