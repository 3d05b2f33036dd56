package io.amdb.examples;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * The JDBC driver in a page: connect through DriverManager (no {@code Class.forName}: the driver registers
 * itself), insert 100,000 rows with one PreparedStatement batch, read one key, then a key range, which the
 * driver streams page by page. Run against a node: {@code ./amdb start}, then this class with optional
 * arguments {@code host port}. The SQL it accepts is in docs/SQL.md.
 */
public final class JdbcQuickstart {
    private static final int ROWS = 100_000;

    private JdbcQuickstart() {}

    public static void main(String[] args) throws SQLException {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7070;
        try (Connection db = DriverManager.getConnection("jdbc:amdb://" + host + ":" + port)) {
            long start = System.nanoTime();
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    insert.setString(1, String.format("order:%06d", i));
                    insert.setString(2, "{\"total\":" + i % 1000 + "}");
                    insert.addBatch(); // INSERT is an upsert: running this twice replaces the rows
                }
                int inserted = Arrays.stream(insert.executeBatch()).sum();
                System.out.printf("batch: %d rows inserted in %d ms%n", inserted, (System.nanoTime() - start) / 1_000_000);
            }

            try (PreparedStatement get = db.prepareStatement("SELECT v FROM kv WHERE k = ?")) {
                get.setString(1, "order:000042");
                try (ResultSet rs = get.executeQuery()) {
                    System.out.println("order:000042 = " + (rs.next() ? rs.getString("v") : "(missing)"));
                }
            }

            try (PreparedStatement range = db.prepareStatement("SELECT k, v FROM kv WHERE k >= ? AND k < ?")) {
                range.setString(1, "order:010000");
                range.setString(2, "order:020000");
                range.setFetchSize(2_500); // rows per SCAN page; the range is never held in memory whole
                int count = 0;
                String first = null;
                String last = null;
                try (ResultSet rs = range.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getString("k");
                        first = first == null ? last : first;
                        count++;
                    }
                }
                System.out.printf("range: %d rows from %s to %s, in key order%n", count, first, last);
            }
        }
    }
}
