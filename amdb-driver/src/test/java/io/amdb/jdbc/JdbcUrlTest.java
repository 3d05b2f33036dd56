package io.amdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcUrlTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "jdbc:amdb://db1                          | db1:7070",
        "jdbc:amdb://db1:7000                     | db1:7000",
        "jdbc:amdb://db1:7000,db2,db3:7002        | db1:7000 db2:7070 db3:7002",
        "jdbc:amdb://127.0.0.1:1/                 | 127.0.0.1:1",
        "jdbc:amdb://[::1]:7071                   | [::1]:7071",
        "jdbc:amdb://[::1]                        | [::1]:7070",
        "jdbc:amdb://[fe80::1%eth0]:9,db2         | [fe80::1%eth0]:9 db2:7070",
        "jdbc:amdb://node-1.example_x:65535?a=b   | node-1.example_x:65535",
    })
    void parse_validUrl_hostsInOrder(String url, String expected) throws SQLException {
        List<String> hosts = JdbcUrl.parse(url).hosts().stream().map(JdbcUrl.HostPort::toString).toList();
        assertEquals(List.of(expected.split(" ")), hosts);
    }

    @Test
    void parse_ipv6_hostWithoutBrackets() throws SQLException {
        assertEquals(new JdbcUrl.HostPort("::1", 7071), JdbcUrl.parse("jdbc:amdb://[::1]:7071").hosts().get(0));
    }

    @Test
    void parse_queryWithAmpersandsAndSemicolons_allParamsLowerCasedKeys() throws SQLException {
        JdbcUrl url = JdbcUrl.parse("jdbc:amdb://h?fetchSize=5;Connections=3&user=a%20b&&password=p%26q%3D+");
        assertEquals(Map.of("fetchsize", "5", "connections", "3", "user", "a b", "password", "p&q=+"), url.params());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "jdbc:amdb://",
        "jdbc:amdb://?a=b",
        "jdbc:amdb://h1,,h2",
        "jdbc:amdb://::1",
        "jdbc:amdb://fe80::1:7070",
        "jdbc:amdb://[::1",
        "jdbc:amdb://[::1]x",
        "jdbc:amdb://[db1]:7070",
        "jdbc:amdb://h:0",
        "jdbc:amdb://h:65536",
        "jdbc:amdb://h:abc",
        "jdbc:amdb://h:+70",
        "jdbc:amdb://h:",
        "jdbc:amdb://h/namespace",
        "jdbc:amdb://h?novalue",
        "jdbc:amdb://h?=x",
        "jdbc:amdb://h?a=1&A=2",
        "jdbc:amdb://h?a=%zz",
        "jdbc:amdb://h st",
    })
    void parse_badUrl_throws08001(String url) {
        SQLException e = assertThrows(SQLException.class, () -> JdbcUrl.parse(url));
        assertEquals("08001", e.getSQLState());
        assertTrue(e.getMessage().startsWith("invalid AmDb URL: "), e.getMessage());
    }

    @Test
    void parse_badParameter_messageDoesNotEchoValue() {
        SQLException e = assertThrows(SQLException.class, () -> JdbcUrl.parse("jdbc:amdb://h?password=s3cret%"));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void accepts_prefixOnly_noSyntaxCheck() {
        assertTrue(JdbcUrl.accepts("jdbc:amdb://"));
        assertTrue(JdbcUrl.accepts("jdbc:amdb://not a url"));
        assertFalse(JdbcUrl.accepts("jdbc:postgresql://localhost/db"));
        assertFalse(JdbcUrl.accepts("jdbc:amdb:/h"));
        assertFalse(JdbcUrl.accepts(null));
    }
}
