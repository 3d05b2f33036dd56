package io.amdb.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.amdb.node.AmDbNode;
import io.amdb.node.config.NodeConfig;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** scanAll against a real node: many pages, in key order, each entry once. */
class AmDbClientScanAllTest {
    private static AmDbNode node;
    private static AmDbClient client;

    @BeforeAll
    static void start() throws Exception {
        node = AmDbNode.start(NodeConfig.defaults().withPort(0).withShards(2)).await(30, TimeUnit.SECONDS);
        client = AmDbClient.connect("127.0.0.1", node.port());
        List<Request.BatchItem> items = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            items.add(Request.BatchItem.put(String.format("scan:%05d", i).getBytes(UTF_8), ("v" + i).getBytes(UTF_8)));
        }
        client.batch(items).get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        node.stop().await(30, TimeUnit.SECONDS);
    }

    @Test
    void scanAll_rangeLargerThanManyPages_everyEntryOnceInOrder() {
        Iterator<Response.Entry> it = client.scanAll("scan:".getBytes(UTF_8), "scan;".getBytes(UTF_8), 300);
        int i = 0;
        while (it.hasNext()) {
            Response.Entry e = it.next();
            assertArrayEquals(String.format("scan:%05d", i).getBytes(UTF_8), e.key(), "entry " + i);
            assertArrayEquals(("v" + i).getBytes(UTF_8), e.value());
            i++;
        }
        assertEquals(2500, i);
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void scanAll_boundedSubrange_stopsBeforeEnd() {
        Iterator<Response.Entry> it = client.scanAll("scan:00100".getBytes(UTF_8), "scan:00200".getBytes(UTF_8), 7);
        int n = 0;
        while (it.hasNext()) {
            it.next();
            n++;
        }
        assertEquals(100, n);
    }

    @Test
    void scanAll_emptyRange_hasNothing() {
        assertFalse(client.scanAll("zzz:".getBytes(UTF_8), "zzz;".getBytes(UTF_8), 10).hasNext());
    }

    @Test
    void scanAll_pageSizeZero_rejected() {
        assertThrows(IllegalArgumentException.class, () -> client.scanAll(new byte[0], new byte[0], 0));
    }
}
