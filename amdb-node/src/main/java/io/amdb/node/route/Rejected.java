package io.amdb.node.route;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Request;

/** A request refused before touching any shard, with the error code and message its client gets. */
final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    final ErrorCode code;

    Rejected(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    static void check(ErrorCode code, String message) throws Rejected {
        if (code != ErrorCode.OK) {
            throw new Rejected(code, message);
        }
    }

    static void checkKey(Limits limits, byte[] key) throws Rejected {
        ErrorCode code = limits.checkKey(key);
        check(code, code == ErrorCode.KEY_EMPTY ? "keys must be at least 1 byte"
                : "key of " + key.length + " bytes exceeds the limit of " + limits.maxKeyBytes());
    }

    static void checkScanBounds(Limits limits, Request.Scan scan) throws Rejected {
        check(limits.checkScanBound(scan.start()), "scan start is longer than " + (limits.maxKeyBytes() + 1) + " bytes");
        check(limits.checkScanBound(scan.end()), "scan end is longer than " + (limits.maxKeyBytes() + 1) + " bytes");
    }

    static void checkCount(Limits limits, int n) throws Rejected {
        if (n > limits.maxBatchItems()) {
            throw new Rejected(ErrorCode.BATCH_TOO_LARGE, n + " items exceed the limit of " + limits.maxBatchItems());
        }
    }
}
