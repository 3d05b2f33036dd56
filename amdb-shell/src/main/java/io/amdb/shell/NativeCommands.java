package io.amdb.shell;

import io.amdb.client.AmDbClient;
import io.amdb.protocol.Response;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;

/**
 * The native commands, run on the session's client: {@code PUT key value}, {@code GET key},
 * {@code DEL key [key…]}, {@code MGET key [key…]}, {@code SCAN start end [LIMIT n]}, {@code INFO},
 * {@code PING}. Arguments are {@link Words}, so keys and values are byte strings. Names ignore case.
 */
final class NativeCommands {
    /** Page size for SCAN: the node caps pages at max-scan-limit anyway. */
    private static final int SCAN_PAGE = 1000;
    private static final List<String> KEY_VALUE = List.of("key", "value");

    /** One command: the words after its name in, results out (through {@code shell.emit}). */
    interface Handler {
        void run(Shell shell, List<byte[]> args) throws ShellError;
    }

    static final CommandTable<Handler> TABLE = new CommandTable<Handler>()
            .add("PUT key value", "create or replace a key's value", (sh, a) -> {
                Session.await(client(sh).put(a.get(0), a.get(1)));
                sh.emit(Result.OK);
            })
            .add("GET key", "the key's value, (nil) when it has none",
                    (sh, a) -> sh.emit(new Result.Value(Session.await(client(sh).get(a.get(0))))))
            .add("DEL key [key…]", "remove keys; counts those that had a value", NativeCommands::del)
            .add("MGET key [key…]", "several values at once, one row per key", NativeCommands::mget)
            .add("SCAN start end [LIMIT n]", "keys in [start, end) in byte order; '' is unbounded", NativeCommands::scan)
            .add("INFO", "the node's INFO fields", NativeCommands::info)
            .add("PING", "check that the node answers", (sh, a) -> {
                Session.await(client(sh).ping());
                sh.emit(new Result.Value(utf8("PONG")));
            });

    private NativeCommands() {}

    /** Runs the command called {@code name}, or returns false when there is none. */
    static boolean run(Shell shell, String name, List<byte[]> args) throws ShellError {
        CommandTable.Entry<Handler> entry = TABLE.get(name);
        if (entry == null) {
            return false;
        }
        CommandTable.checkArity(entry, args.size());
        entry.handler().run(shell, args);
        return true;
    }

    private static AmDbClient client(Shell shell) {
        return shell.session().client();
    }

    /** All deletes in flight at once (the client routes each to its owner), then counted. */
    private static void del(Shell shell, List<byte[]> keys) throws ShellError {
        List<CompletableFuture<Boolean>> pending = keys.stream().map(k -> client(shell).delete(k)).toList();
        long deleted = 0;
        for (CompletableFuture<Boolean> existed : pending) {
            deleted += Session.await(existed) ? 1 : 0;
        }
        shell.emit(new Result.Count(deleted, "DEL"));
    }

    private static void mget(Shell shell, List<byte[]> keys) throws ShellError {
        List<byte[]> values = Session.await(client(shell).mget(keys));
        List<byte[][]> rows = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            rows.add(new byte[][] {keys.get(i), values.get(i)});
        }
        shell.emit(Result.Rows.of(null, KEY_VALUE, rows));
    }

    private static void scan(Shell shell, List<byte[]> args) throws ShellError {
        long limit = Long.MAX_VALUE;
        if (args.size() == 4) {
            String word = new String(args.get(2), StandardCharsets.UTF_8);
            String n = new String(args.get(3), StandardCharsets.UTF_8);
            if (!word.equalsIgnoreCase("LIMIT") || !n.matches("[0-9]{1,18}") || Long.parseLong(n) < 1) {
                throw ShellError.syntax("usage: " + TABLE.get("SCAN").usage() + " (n a positive number)");
            }
            limit = Long.parseLong(n);
        }
        int page = (int) Math.min(limit, SCAN_PAGE);
        Iterator<Response.Entry> entries = client(shell).scanAll(args.get(0), args.get(1), page);
        shell.emit(new Result.Rows(null, KEY_VALUE, limited(entries, limit)));
    }

    private static Iterator<byte[][]> limited(Iterator<Response.Entry> entries, long limit) {
        return new Iterator<>() {
            private long left = limit;

            @Override
            public boolean hasNext() {
                return left > 0 && entries.hasNext();
            }

            @Override
            public byte[][] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                left--;
                Response.Entry e = entries.next();
                return new byte[][] {e.key(), e.value()};
            }
        };
    }

    private static void info(Shell shell, List<byte[]> args) throws ShellError {
        List<byte[][]> rows = new ArrayList<>();
        for (Map.Entry<String, String> f : Session.await(client(shell).info()).entrySet()) {
            rows.add(new byte[][] {utf8(f.getKey()), utf8(f.getValue())});
        }
        shell.emit(Result.Rows.of(null, List.of("name", "value"), rows));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
