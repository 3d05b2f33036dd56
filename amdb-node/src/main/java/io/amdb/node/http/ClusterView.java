package io.amdb.node.http;

import io.amdb.protocol.Member;
import io.amdb.protocol.Migration;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/cluster} and the console's ring: the partition table as this node holds it, plus this node's
 * INFO and its migration progress. Other nodes' progress and ops/s are not gathered (docs/HTTP.md says so).
 */
final class ClusterView {
    /** INFO fields the cluster layer reports for migrations; shown when present. */
    static final List<String> MIGRATION_FIELDS = List.of("migrations_outgoing", "migrations_done",
            "migration_keys_sent", "migration_bytes_sent", "migration_keys_per_s", "migration_bytes_per_s",
            "partitions_owned", "partitions_lost");

    private ClusterView() {}

    /** Runs INFO on this node and builds the view; call on a Vert.x context. */
    static Future<JsonObject> build(HttpContext node, NodeSampler sampler) {
        return node.execute(new Request.Info()).map(r -> {
            JsonObject view = table(node.currentTable());
            view.put("self", node.config().nodeId());
            JsonObject progress = new JsonObject();
            if (r instanceof Response.Info info) {
                Map<String, String> fields = info.fields();
                view.put("info", new JsonObject(new LinkedHashMap<String, Object>(fields)));
                for (String name : MIGRATION_FIELDS) {
                    if (fields.containsKey(name)) {
                        progress.put(name, parse(fields.get(name)));
                    }
                }
            }
            view.put("migrationProgress", progress);
            view.put("opsPerSec", new JsonObject().put(node.config().nodeId(), sampler.opsPerSecond()));
            return view;
        });
    }

    /** The table alone: epoch, members with their partition counts, owner index per partition, migrations. */
    static JsonObject table(PartitionTable t) {
        JsonObject view = new JsonObject().put("epoch", t.epoch()).put("partitions", t.partitions());
        JsonArray members = new JsonArray();
        for (Member m : t.members()) {
            members.add(new JsonObject().put("id", m.nodeId()).put("host", m.host()).put("port", m.port())
                    .put("partitions", t.partitionsOf(m.nodeId()).length));
        }
        JsonArray owners = new JsonArray();
        JsonArray lost = new JsonArray();
        for (int p = 0; p < t.partitions(); p++) {
            owners.add(t.ownerIndex(p));
            if (t.isLost(p)) {
                lost.add(p);
            }
        }
        JsonArray migrations = new JsonArray();
        for (Migration m : t.migrations()) {
            migrations.add(new JsonObject().put("partition", m.partition()).put("from", m.fromNode()).put("to", m.toNode()));
        }
        return view.put("members", members).put("owners", owners).put("lostPartitions", lost)
                .put("lost", lost.size()).put("migrations", migrations);
    }

    private static Object parse(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return value;
        }
    }
}
