package io.amdb.protocol;

import java.util.List;
import java.util.Map;

/** A decoded response body; which record depends on the request's opcode. */
public sealed interface Response {

    /** Any opcode: the request failed with {@code code}. */
    record Error(ErrorCode code, String message) implements Response {}

    /** PING and PUT: success with nothing to say. */
    record Done() implements Response {}

    /** GET: the value, or null when the key has none. */
    record Value(byte[] value) implements Response {}

    /** DELETE: whether a value was removed. */
    record Deleted(boolean existed) implements Response {}

    /** MGET: one value per requested key, in request order; null where there was none. */
    record Values(List<byte[]> values) implements Response {}

    /** BATCH: one status per item, in request order. */
    record Statuses(List<ErrorCode> statuses) implements Response {}

    /** One key and its value. */
    record Entry(byte[] key, byte[] value) {}

    /** SCAN: entries in key order; {@code next} is the start of the following page, or null when done. */
    record ScanPage(List<Entry> entries, byte[] next) implements Response {}

    /** INFO: named fields, in the order the node lists them. */
    record Info(Map<String, String> fields) implements Response {}

    /** TABLE: the node's partition table. */
    record Table(PartitionTable table) implements Response {}

    /** GET_VERSION: the value (null when the key has none) and its version (0 when it has none). */
    record Versioned(byte[] value, long version) implements Response {}

    /**
     * CAS: whether the condition held and the write was applied; {@code version} is then the write's version (0 for a
     * delete), else the key's current version (0: it has no value), so the caller can read and try again.
     */
    record Swapped(boolean applied, long version) implements Response {}

    Done DONE = new Done();
}
