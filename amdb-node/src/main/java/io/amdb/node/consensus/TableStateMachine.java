package io.amdb.node.consensus;

import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.PartitionTableCodec;
import io.amdb.protocol.ProtocolException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;

/**
 * The table log's state: the newest committed partition table. Every replica (voter or listener) applies the
 * same entries in log order ({@link TableLogRule} refuses a stale proposal), so every
 * replica holds the same table at the same log index, and a table exists only once committed.
 *
 * <p>Thread safety: Ratis applies entries on one thread per group; {@link #table()} may be read from any.
 * The snapshot is the encoded table, written to a temporary file and renamed, so a crash leaves the old one.
 */
final class TableStateMachine extends BaseStateMachine {
    private static final Logger LOG = Logger.getLogger(TableStateMachine.class.getName());

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final TableEvents events;
    private volatile PartitionTable table;

    TableStateMachine(TableEvents events) {
        this.events = events;
    }

    /** The newest committed table this replica applied, or null before the first. */
    PartitionTable table() {
        return table;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            load(storage.getLatestSnapshot());
        });
    }

    /** Ratis pauses the machine to install a snapshot sent by the leader, then calls {@link #reinitialize}. */
    @Override
    public synchronized void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    @Override
    public org.apache.ratis.statemachine.StateMachineStorage getStateMachineStorage() {
        return storage; // so Ratis replays the log from the snapshot on, not from the start
    }

    @Override
    public synchronized void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot());
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TableEntry.Outcome outcome = apply(entry.getStateMachineLogEntry().getLogData().toByteArray());
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(TableEntry.encode(outcome))));
    }

    private TableEntry.Outcome apply(byte[] data) {
        PartitionTable held = table;
        long epoch = held == null ? 0 : held.epoch();
        TableEntry.Proposal p;
        try {
            p = TableEntry.decode(data);
        } catch (ProtocolException e) {
            // Only a leader of another AmDb version could write this; every replica refuses it alike.
            LOG.warning("ignoring a malformed table log entry: " + e.getMessage());
            return new TableEntry.Outcome(false, epoch);
        }
        TableEntry.Outcome outcome = TableLogRule.apply(held, p);
        if (outcome.applied()) {
            table = p.table();
            events.applied(p.table());
        }
        return outcome;
    }

    @Override
    public long takeSnapshot() throws IOException {
        PartitionTable held = table;
        TermIndex last = getLastAppliedTermIndex();
        if (held == null || last == null) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        File tmp = new File(file.getPath() + ".tmp");
        Files.write(tmp.toPath(), PartitionTableCodec.encode(held));
        try (var channel = java.nio.channels.FileChannel.open(tmp.toPath(), java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), null), last));
        return last.getIndex();
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        try {
            PartitionTable loaded = PartitionTableCodec.decode(Files.readAllBytes(file.toPath()));
            table = loaded;
            updateLastAppliedTermIndex(snapshot.getTermIndex());
            events.applied(loaded);
        } catch (ProtocolException e) {
            throw new IOException("the table log's snapshot " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        events.leaderChanged(newLeaderId);
    }

    @Override
    public void notifyLeaderReady() {
        events.leaderReady();
    }

    @Override
    public void notifyServerShutdown(org.apache.ratis.proto.RaftProtos.RoleInfoProto roleInfo, boolean allServer) {
        if (!allServer) { // the node's own stop closes every replica at once
            events.replicaClosed();
        }
    }
}
