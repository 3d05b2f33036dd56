package io.amdb.shell;

import io.amdb.client.AmDbClient;
import io.amdb.client.AmDbException;
import io.amdb.client.ClientOptions;
import io.amdb.protocol.Member;
import io.amdb.protocol.Migration;
import io.amdb.protocol.PartitionTable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code \cluster}: the partition table the client routes with (fetched fresh) and every member's INFO, as
 * three tables — the cluster (epoch, members, partitions, LOST partitions, migrations in flight and, when the
 * nodes report it, progress), one row per node, and the migrations in flight. INFO fields from
 * {@link #NODE_FIELDS} are shown when some node reports them and left out when none does, so the view works
 * with nodes that predate the migration counters.
 */
final class ClusterView {
    /** INFO fields shown per node, in this order, when present. */
    static final List<String> NODE_FIELDS = List.of("version", "keys", "memory_bytes", "partitions_owned",
            "partitions_lost", "migrations_outgoing", "migrations_done", "migration_keys_sent", "migration_bytes_sent",
            "migration_keys_per_s", "migration_bytes_per_s");
    /** Most migrations listed; the count says how many there are. */
    static final int MAX_MIGRATIONS_LISTED = 20;
    private static final ClientOptions PROBE = ClientOptions.builder().connectionsPerNode(1)
            .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(5)).build();

    private ClusterView() {}

    static void show(Shell shell, List<String> args) throws ShellError {
        AmDbClient client = shell.session().client();
        PartitionTable table = Session.await(client.refreshTable());
        Map<String, String> seedInfo = Session.await(client.info());
        Map<Member, Map<String, String>> infos = new LinkedHashMap<>();
        for (Member m : table.members()) {
            infos.put(m, m.nodeId().equals(seedInfo.get("node_id")) ? seedInfo : probe(m));
        }
        shell.emit(summary(table, infos));
        shell.emit(nodes(table, infos));
        if (!table.migrations().isEmpty()) {
            shell.emit(migrations(table.migrations()));
        }
    }

    /**
     * A member's INFO through a short-lived client seeded at it; on failure a "status" field saying why.
     * Throws CANCELLED when Ctrl-C interrupted it, so {@code \cluster} stops instead of probing the rest.
     */
    static Map<String, String> probe(Member m) throws ShellError {
        String status;
        try (AmDbClient c = AmDbClient.connect(m.host(), m.port(), PROBE)) {
            return Session.await(c.info());
        } catch (AmDbException e) {
            status = e.code().name(); // an interrupted connect says CONNECTION_LOST
        } catch (ShellError e) {
            status = e.name();
        }
        if (Thread.currentThread().isInterrupted() || status.equals(ShellError.CANCELLED)) {
            throw Errors.cancelled();
        }
        return Map.of("status", status);
    }

    private static Result.Rows summary(PartitionTable table, Map<Member, Map<String, String>> infos) {
        List<String> columns = new ArrayList<>(List.of("epoch", "nodes", "partitions", "lost", "migrating"));
        List<String> values = new ArrayList<>(List.of(Long.toString(table.epoch()), Integer.toString(infos.size()),
                Integer.toString(table.partitions()), Integer.toString(table.lostPartitions()),
                Integer.toString(table.migrations().size())));
        long done = 0;
        boolean reported = false;
        for (Map<String, String> info : infos.values()) {
            String d = info.get("migrations_done");
            if (d != null && d.matches("[0-9]{1,18}")) {
                done += Long.parseLong(d);
                reported = true;
            }
        }
        if (reported) {
            long total = done + table.migrations().size();
            columns.addAll(List.of("migrations_done", "progress"));
            values.addAll(List.of(Long.toString(done), total == 0 ? "-" : (100 * done / total) + "%"));
        }
        return Result.Rows.of("Cluster", columns, List.<byte[][]>of(cells(values)));
    }

    private static Result.Rows nodes(PartitionTable table, Map<Member, Map<String, String>> infos) {
        List<String> shown = NODE_FIELDS.stream()
                .filter(f -> infos.values().stream().anyMatch(i -> i.containsKey(f))).toList();
        List<String> columns = new ArrayList<>(List.of("node", "address", "status", "partitions"));
        columns.addAll(shown);
        List<byte[][]> rows = new ArrayList<>();
        for (Map.Entry<Member, Map<String, String>> e : infos.entrySet()) {
            Member m = e.getKey();
            Map<String, String> info = e.getValue();
            List<String> row = new ArrayList<>(List.of(m.nodeId(), m.host() + ":" + m.port(),
                    info.getOrDefault("status", "up"), Integer.toString(table.partitionsOf(m.nodeId()).length)));
            shown.forEach(f -> row.add(info.getOrDefault(f, "")));
            rows.add(cells(row));
        }
        return Result.Rows.of("Nodes", columns, rows);
    }

    private static Result.Rows migrations(List<Migration> all) {
        List<byte[][]> rows = new ArrayList<>();
        for (Migration m : all.subList(0, Math.min(all.size(), MAX_MIGRATIONS_LISTED))) {
            rows.add(cells(List.of(Integer.toString(m.partition()), m.fromNode(), m.toNode())));
        }
        String title = "Migrations in flight (" + all.size()
                + (all.size() > MAX_MIGRATIONS_LISTED ? ", first " + MAX_MIGRATIONS_LISTED + " listed)" : ")");
        return Result.Rows.of(title, List.of("partition", "from", "to"), rows);
    }

    private static byte[][] cells(List<String> values) {
        return values.stream().map(NativeCommands::utf8).toArray(byte[][]::new);
    }
}
