package io.amdb.shell;

import io.amdb.node.AmDbNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the test classes that run against one real in-process node, started before the class's tests and
 * stopped after them. Tests keep apart by using their own key prefixes.
 */
abstract class NodeTest {
    static AmDbNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestShell.startNode();
    }

    @AfterAll
    static void stopNode() throws Exception {
        TestShell.stop(node);
    }
}
