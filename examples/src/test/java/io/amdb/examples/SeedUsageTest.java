package io.amdb.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the seed's example (smaller) on a real 4-node in-process cluster, so the README's snippet keeps working. */
class SeedUsageTest {
    @Test
    void main_fourNodes_writesEveryItemAndReadsKey123() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            SeedUsage.main(new String[] {"20000"});
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("BatchResult[20000/20000 written], success=true"), out);
        assertTrue(out.contains("get(\"key_123\") = value_123"), out);
    }
}
