package io.amdb.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.node.AmDbNode;
import io.amdb.node.config.NodeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the JDBC example against a real node so it keeps working. */
class JdbcQuickstartTest {
    @Test
    void main_againstRunningNode_printsWhatItDid() throws Exception {
        AmDbNode node = AmDbNode.start(NodeConfig.defaults().withPort(0).withShards(2)).await(30, TimeUnit.SECONDS);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            JdbcQuickstart.main(new String[] {"127.0.0.1", Integer.toString(node.port())});
        } finally {
            System.setOut(original);
            node.stop().await(30, TimeUnit.SECONDS);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("batch: 100000 rows inserted in "), out);
        assertTrue(out.contains("order:000042 = {\"total\":42}"), out);
        assertTrue(out.contains("range: 10000 rows from order:010000 to order:019999, in key order"), out);
    }
}
