package io.amdb.protocol;

import java.util.List;

/** A decoded request body; one record per opcode (see {@code docs/PROTOCOL.md}, "Opcodes"). */
public sealed interface Request {
    Opcode opcode();

    record Ping() implements Request {
        public Opcode opcode() {
            return Opcode.PING;
        }
    }

    record Get(byte[] key) implements Request {
        public Opcode opcode() {
            return Opcode.GET;
        }
    }

    record Put(byte[] key, byte[] value) implements Request {
        public Opcode opcode() {
            return Opcode.PUT;
        }
    }

    record Delete(byte[] key) implements Request {
        public Opcode opcode() {
            return Opcode.DELETE;
        }
    }

    record MGet(List<byte[]> keys) implements Request {
        public Opcode opcode() {
            return Opcode.MGET;
        }
    }

    /** One BATCH item: a put when {@code value} is non-null, else a delete. */
    record BatchItem(byte[] key, byte[] value) {
        public static BatchItem put(byte[] key, byte[] value) {
            return new BatchItem(key, value);
        }

        public static BatchItem delete(byte[] key) {
            return new BatchItem(key, null);
        }

        public boolean isPut() {
            return value != null;
        }
    }

    record Batch(List<BatchItem> items) implements Request {
        public Opcode opcode() {
            return Opcode.BATCH;
        }
    }

    /**
     * An ordered range read: {@code start} inclusive, {@code end} exclusive; empty arrays mean unbounded
     * (null is taken as empty, as on the wire). {@code limit} is at least 1 ({@link Integer#MAX_VALUE} = as
     * many as the node allows).
     */
    record Scan(byte[] start, byte[] end, int limit) implements Request {
        public Scan {
            if (limit < 1) {
                throw new IllegalArgumentException("scan limit must be at least 1: " + limit);
            }
            start = start == null ? new byte[0] : start;
            end = end == null ? new byte[0] : end;
        }

        public Opcode opcode() {
            return Opcode.SCAN;
        }
    }

    record Info() implements Request {
        public Opcode opcode() {
            return Opcode.INFO;
        }
    }

    /** The node's current partition table: who owns which partition at which epoch. */
    record Table() implements Request {
        public Opcode opcode() {
            return Opcode.TABLE;
        }
    }

    /** The key's value with its version: the partition sequence number of the write that stored it. */
    record GetVersion(byte[] key) implements Request {
        public Opcode opcode() {
            return Opcode.GET_VERSION;
        }
    }

    /**
     * A compare-and-set: when the key's current state meets {@code expect}, writes {@code value} (null: deletes the
     * key); otherwise changes nothing. Put-if-absent is {@code Cas(key, Condition.absent(), value)}.
     */
    record Cas(byte[] key, Condition expect, byte[] value) implements Request {
        public Cas {
            java.util.Objects.requireNonNull(expect, "expect");
        }

        public Opcode opcode() {
            return Opcode.CAS;
        }
    }

    /**
     * What a {@link Cas} expects of the key: its version ({@code value} null), or its value ({@code value}
     * non-null, compared byte for byte). Version 0 means "absent": a key that has no value has version 0, and every
     * stored value has a version of at least 1.
     */
    record Condition(long version, byte[] value) {
        public Condition {
            if (value == null && version < 0) {
                throw new IllegalArgumentException("a version is never negative: " + version);
            }
        }

        /** The key has no value. */
        public static Condition absent() {
            return new Condition(0, null);
        }

        /** The key's value was stored by the write of {@code version} (0: the key has no value). */
        public static Condition version(long version) {
            return new Condition(version, null);
        }

        /** The key's value equals {@code value}. */
        public static Condition value(byte[] value) {
            return new Condition(0, java.util.Objects.requireNonNull(value, "value"));
        }

        public boolean byValue() {
            return value != null;
        }

        /** Whether a key whose value is {@code current} (null: none) stored at {@code currentVersion} meets it. */
        public boolean holdsFor(byte[] current, long currentVersion) {
            return byValue() ? current != null && java.util.Arrays.equals(current, value)
                    : currentVersion == version;
        }

        @Override
        public String toString() {
            return byValue() ? "value of " + value.length + " bytes" : version == 0 ? "absent" : "version " + version;
        }
    }
}
