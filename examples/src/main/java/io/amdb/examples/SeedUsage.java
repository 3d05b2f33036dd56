package io.amdb.examples;

import io.amdb.node.AmDbCluster;
import io.amdb.node.BatchResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seed's example, in Java: a 4-node cluster in this JVM (real Vert.x nodes, real Hazelcast on
 * loopback), a million items written in one batch, then one read.
 *
 * <pre>{@code
 * try (AmDbCluster cluster = AmDbCluster.start(4)) {
 *     BatchResult r = cluster.batchPut(items);   // key_i -> value_i
 *     r.success();                               // true when every item was written
 *     cluster.get("key_123");                    // "value_123"
 * }
 * }</pre>
 *
 * Run: {@code java -cp examples/target/classes:amdb-node/target/amdb-node.jar io.amdb.examples.SeedUsage [items]}.
 */
public final class SeedUsage {
    private SeedUsage() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        try (AmDbCluster cluster = AmDbCluster.start(4)) {
            Map<String, String> items = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                items.put("key_" + i, "value_" + i);
            }
            long start = System.nanoTime();
            BatchResult result = cluster.batchPut(items);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("batchPut: %s, success=%b, %.0f items/s%n", result, result.success(), n / seconds);
            System.out.println("get(\"key_123\") = " + cluster.get("key_123"));
        }
    }
}
