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
}
