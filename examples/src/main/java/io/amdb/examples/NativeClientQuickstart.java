package io.amdb.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.amdb.client.AmDbClient;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The native client in a page: put, get, a batch with a result per item, and a paged ordered scan.
 * Run against a node: {@code ./amdb start}, then this class with optional arguments {@code host port}.
 */
public final class NativeClientQuickstart {
    private NativeClientQuickstart() {}

    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7070;
        try (AmDbClient db = AmDbClient.connect(host, port)) {
            db.put("greeting".getBytes(UTF_8), "hello".getBytes(UTF_8)).join();
            System.out.println("greeting = " + new String(db.get("greeting".getBytes(UTF_8)).join(), UTF_8));

            List<Request.BatchItem> items = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                items.add(Request.BatchItem.put(String.format("user:%04d", i).getBytes(UTF_8),
                        ("name-" + i).getBytes(UTF_8)));
            }
            List<ErrorCode> statuses = db.batch(items).join();
            System.out.println("batch: " + statuses.stream().filter(s -> s == ErrorCode.OK).count() + " of "
                    + statuses.size() + " OK");

            byte[] start = "user:".getBytes(UTF_8);
            byte[] end = "user;".getBytes(UTF_8); // ';' follows ':' — the end of the "user:" prefix
            int seen = 0;
            int pages = 0;
            while (start != null) {
                Response.ScanPage page = db.scan(start, end, 300).join();
                seen += page.entries().size();
                pages++;
                start = page.next();
            }
            System.out.println("scan: " + seen + " users in " + pages + " pages, in key order");
        }
    }
}
