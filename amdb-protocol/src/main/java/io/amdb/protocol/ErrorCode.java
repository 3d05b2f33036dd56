package io.amdb.protocol;

/**
 * The one catalogue of AmDb errors: a stable numeric wire code and a name per failure.
 *
 * <p>The node sends the code in responses, the driver maps it to an SQLState, the HTTP API to a status, the
 * shell prints {@code ERROR <NAME>: message}. Codes never change meaning; new ones are appended.
 */
public enum ErrorCode {
    /** Success. */
    OK(0, false),

    /** The frame does not parse: bad magic, reserved flag bits, a field past the end, bytes left over. */
    MALFORMED_FRAME(1, true),
    /** The magic is right but the protocol version is not one this node speaks. */
    UNSUPPORTED_VERSION(2, true),
    /** The length field is above max-frame-bytes or below the header size. */
    FRAME_TOO_LARGE(3, true),

    /** A well-formed frame with an opcode this node does not know. */
    UNKNOWN_OPCODE(10, false),
    /** A key of length zero; keys are 1 byte or longer. */
    KEY_EMPTY(11, false),
    /** A key longer than max-key-bytes. */
    KEY_TOO_LARGE(12, false),
    /** A value longer than max-value-bytes. */
    VALUE_TOO_LARGE(13, false),
    /** A BATCH or MGET with more than max-batch-items items. */
    BATCH_TOO_LARGE(14, false),
    /** A well-formed request with a meaningless argument, such as a SCAN limit of zero. */
    INVALID_ARGUMENT(15, false),
    /** The reply would be larger than max-frame-bytes (an MGET of many large values); ask for fewer keys. */
    RESPONSE_TOO_LARGE(16, false),
    /**
     * A conditional write whose condition did not hold: nothing was written. HTTP only (412): the binary protocol
     * and the WebSocket API answer CAS with a result instead (applied or not), and JDBC with an update count of 0.
     */
    CONDITION_FAILED(17, false),

    /** The node already holds max-connections client connections; the new one is closed. */
    TOO_MANY_CONNECTIONS(20, true),
    /** The node is stopping and takes no new requests. */
    SHUTTING_DOWN(21, true),

    /**
     * The node does not own the key's partition at its table epoch (the response header carries that
     * epoch): the client refreshes its table with TABLE and retries. The one {@link #retryable()} code.
     */
    WRONG_OWNER(30, false, true),
    /**
     * The partition's owner died before its data could move and no replica exists: reads and writes on it
     * fail, never silently empty, until an operator reassigns the partition.
     */
    PARTITION_LOST(31, false),
    /**
     * The node's disk is full: the write was refused before it was applied (nothing changed). Reads keep
     * working; writes are accepted again once space is freed. Retryable later.
     */
    STORAGE_FULL(32, false),
    /**
     * The node that received the request cannot reach the key's owner: the owner is not a live member as this
     * node sees the cluster (a network split, or an owner that died before the table says so). Sent by a node on
     * the forwarding path, for a piece it did not send: nothing was applied. Retry later, or at the owner.
     */
    OWNER_UNREACHABLE(33, false),
    /**
     * The key's partition has fewer in-sync copies than {@code --min-in-sync} asks (a backup fell out of the in-sync
     * set and is being copied again): the write was refused before it was applied. Reads still work; retry later.
     */
    NOT_ENOUGH_REPLICAS(34, false),

    /** HTTP and WebSocket only: the call or handshake lacks the node's auth token (HTTP 401). */
    UNAUTHORIZED(40, true),
    /** HTTP and WebSocket only: the browser Origin is not in the node's allowlist (HTTP 403). */
    FORBIDDEN(41, true),
    /**
     * WebSocket only: a watcher did not read its events fast enough, its bounded buffer filled, and the node
     * closed the connection (events are never dropped silently).
     */
    SLOW_CONSUMER(42, true),

    /** A bug on the node; the message says what failed. */
    INTERNAL_ERROR(50, false),

    /** Client side only: the connection closed before the response arrived. Never sent on the wire. */
    CONNECTION_LOST(60, true),
    /**
     * No response in time: the client's request timeout, or, sent by a node on the forwarding path, an owner
     * that did not answer a piece before its deadline (docs/PEERS.md). The outcome is unknown.
     */
    TIMEOUT(61, false);

    private static final ErrorCode[] BY_CODE = new ErrorCode[64];

    static {
        for (ErrorCode e : values()) {
            BY_CODE[e.code] = e;
        }
    }

    private final int code;
    private final boolean closesConnection;
    private final boolean retryable;

    ErrorCode(int code, boolean closesConnection) {
        this(code, closesConnection, false);
    }

    ErrorCode(int code, boolean closesConnection, boolean retryable) {
        this.code = code;
        this.closesConnection = closesConnection;
        this.retryable = retryable;
    }

    public int code() {
        return code;
    }

    /** True when the node closes the connection after answering with this code. */
    public boolean closesConnection() {
        return closesConnection;
    }

    /**
     * True when the same request may succeed if sent again at once with a newer partition table: the only
     * test routers (the driver, a node forwarding pieces) use to decide an automatic retry. Other failures
     * are the caller's to handle (STORAGE_FULL, for one, needs an operator first).
     */
    public boolean retryable() {
        return retryable;
    }

    /** Returns the error with this wire code, or null when the code is unknown to this version. */
    public static ErrorCode ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
