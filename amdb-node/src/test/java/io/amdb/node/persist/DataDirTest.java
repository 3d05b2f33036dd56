package io.amdb.node.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirTest {
    @TempDir
    Path root;

    private static final DataDir.Identity ID = new DataDir.Identity("node-a", "amdb", 1024, 2);

    @Test
    void open_twice_secondIsRefusedWhileTheFirstHoldsTheLock() throws Exception {
        try (DataDir first = DataDir.open(root, ID, false)) {
            DataDir.RefusedException e = assertThrows(DataDir.RefusedException.class, () -> DataDir.open(root, ID, false));
            assertTrue(e.getMessage().contains("in use by another AmDb process"), e.getMessage());
        }
        try (DataDir again = DataDir.open(root, ID, false)) {
            assertFalse(again.created(), "the identity was written by the first open");
        }
    }

    @Test
    void open_existingDirectory_adoptsTheRecordedNodeIdWhenNoneWasChosen() throws Exception {
        DataDir.open(root, ID, false).close();
        try (DataDir d = DataDir.open(root, new DataDir.Identity("node-random", "amdb", 1024, 2), true)) {
            assertEquals("node-a", d.identity().nodeId());
        }
    }

    @Test
    void open_mismatchingIdentity_isRefusedNamingBothValuesAndTheOption() throws Exception {
        DataDir.open(root, ID, false).close();
        String m = assertThrows(DataDir.RefusedException.class,
                () -> DataDir.open(root, new DataDir.Identity("node-b", "amdb", 1024, 2), false)).getMessage();
        assertTrue(m.contains("'node-a'") && m.contains("'node-b'") && m.contains("--node-id"), m);
        m = assertThrows(DataDir.RefusedException.class,
                () -> DataDir.open(root, new DataDir.Identity("node-a", "amdb", 512, 2), true)).getMessage();
        assertTrue(m.contains("partitions") && m.contains("1024") && m.contains("512"), m);
        m = assertThrows(DataDir.RefusedException.class,
                () -> DataDir.open(root, new DataDir.Identity("node-a", "amdb", 1024, 4), true)).getMessage();
        assertTrue(m.contains("--shards 2"), m);
        m = assertThrows(DataDir.RefusedException.class,
                () -> DataDir.open(root, new DataDir.Identity("node-a", null, 1024, 2), true)).getMessage();
        assertTrue(m.contains("cluster-name"), m);
    }

    @Test
    void table_savedAtomically_readsBack() throws Exception {
        try (DataDir d = DataDir.open(root, ID, false)) {
            assertNull(d.readTable());
            d.writeTable(new byte[] {1, 2, 3});
            d.writeTable(new byte[] {4, 5});
            assertArrayEquals(new byte[] {4, 5}, d.readTable());
        }
    }
}
