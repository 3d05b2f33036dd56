package io.amdb.shell;

import io.amdb.protocol.Member;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Probing one member for {@code \cluster}: its INFO, a status when it is down, and Ctrl-C stopping it. */
@Timeout(60)
class ClusterViewTest extends NodeTest {

    @Test
    void probe_liveMember_returnsItsInfo() throws ShellError {
        Map<String, String> info = ClusterView.probe(new Member("n1", "127.0.0.1", node.port()));
        assertTrue(info.containsKey("version"), info.toString());
    }

    @Test
    void probe_memberDown_returnsItsStatusSoTheViewGoesOn() throws ShellError {
        Map<String, String> info = ClusterView.probe(new Member("n2", "127.0.0.1", 1));
        assertEquals(Map.of("status", "CONNECTION_LOST"), info);
    }

    @Test
    void probe_interrupted_throwsCancelled() {
        Thread.currentThread().interrupt(); // what Ctrl-C's Session.cancel() does to the running thread
        try {
            ShellError e = assertThrows(ShellError.class,
                    () -> ClusterView.probe(new Member("n3", "127.0.0.1", node.port())));
            assertEquals(ShellError.CANCELLED, e.name());
        } finally {
            Thread.interrupted();
        }
    }
}
