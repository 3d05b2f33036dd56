package io.amdb.client;

import io.amdb.protocol.Limits;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClientOptionsTest {
    @Test
    void defaults_noChanges_matchDocumentedValues() {
        ClientOptions o = ClientOptions.builder().build();
        assertEquals(ClientOptions.DEFAULTS, o);
        assertEquals(2, o.connectionsPerNode());
        assertEquals(4096, o.maxInFlight());
        assertEquals(Duration.ofSeconds(30), o.requestTimeout());
        assertEquals(Duration.ofSeconds(5), o.connectTimeout());
        assertEquals(Limits.DEFAULTS.maxFrameBytes(), o.maxFrameBytes());
    }

    @Test
    void builder_everyField_setsThatField() {
        ClientOptions o = ClientOptions.builder().connectionsPerNode(3).maxInFlight(7)
                .requestTimeout(Duration.ofMillis(250)).connectTimeout(Duration.ofMillis(300)).maxFrameBytes(4096)
                .build();
        assertEquals(new ClientOptions(3, 7, Duration.ofMillis(250), Duration.ofMillis(300), 4096), o);
        assertEquals(o, o.toBuilder().build());
    }

    @Test
    void build_invalidValue_throwsIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder().connectionsPerNode(0).build());
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder().maxInFlight(0).build());
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder().requestTimeout(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class,
                () -> ClientOptions.builder().connectTimeout(Duration.ofSeconds(-1)).build());
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder().maxFrameBytes(15).build());
        assertThrows(NullPointerException.class, () -> ClientOptions.builder().requestTimeout(null).build());
    }
}
