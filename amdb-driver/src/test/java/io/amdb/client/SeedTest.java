package io.amdb.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedTest {
    @Test
    void parse_hostAndPort_returnsBoth() {
        assertEquals(new Seed("db1.example", 7071), Seed.parse("db1.example:7071"));
        assertEquals(new Seed("10.0.0.1", 1), Seed.parse(" 10.0.0.1:1 "));
    }

    @Test
    void parse_bracketedIpv6_stripsBrackets() {
        assertEquals(new Seed("::1", 7070), Seed.parse("[::1]:7070"));
        assertEquals(new Seed("fe80::1%eth0", 9), Seed.parse("[fe80::1%eth0]:9"));
    }

    @Test
    void parse_noPort_usesDefaultPort() {
        assertEquals(new Seed("db1", Seed.DEFAULT_PORT), Seed.parse("db1"));
        assertEquals(new Seed("::1", Seed.DEFAULT_PORT), Seed.parse("[::1]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":7070", "::1", "::1:7070", "[::1", "[::1]7070", "[]:7070", "h:", "h:x", "h:0",
            "h:65536", "h:-1"})
    void parse_malformed_throwsIllegalArgumentNamingTheSeed(String seed) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Seed.parse(seed));
        assertTrue(e.getMessage().startsWith("bad seed '" + seed + "': "), e.getMessage());
    }

    @Test
    void toString_ipv6Host_isBracketedAndParsesBack() {
        Seed seed = new Seed("::1", 7070);
        assertEquals("[::1]:7070", seed.toString());
        assertEquals(seed, Seed.parse(seed.toString()));
        assertEquals("h:1", new Seed("h", 1).toString());
    }

    @Test
    void parseAll_emptyList_throwsIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> Seed.parseAll(List.of()));
        assertThrows(NullPointerException.class, () -> Seed.parseAll(null));
    }
}
