package io.amdb.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;

/**
 * The calls of one connection that hold a request id: sent, or about to be. I/O thread only.
 *
 * <p>Ids come from a per-connection counter. Id 0 is never used, because the node answers a framing
 * error it cannot attribute with id 0; after 2^32 ids the counter wraps and skips ids still pending.
 */
final class PendingCalls {
    private final HashMap<Integer, Call> byId = new HashMap<>();
    private int nextId = 1;

    /** Assigns the call a free id, records it, and returns the id. */
    int register(Call call) {
        int id;
        do {
            id = nextId++;
        } while (id == 0 || byId.putIfAbsent(id, call) != null);
        call.id = id;
        return id;
    }

    Call get(int id) {
        return byId.get(id);
    }

    Call remove(int id) {
        return byId.remove(id);
    }

    int size() {
        return byId.size();
    }

    /**
     * Removes and returns the calls started {@code timeoutNanos} or more before {@code now}. The caller
     * completes them after this returns, so callbacks that send new requests cannot disturb the iteration.
     */
    List<Call> removeExpired(long now, long timeoutNanos) {
        List<Call> expired = null;
        for (Iterator<Call> it = byId.values().iterator(); it.hasNext(); ) {
            Call call = it.next();
            if (now - call.startNanos >= timeoutNanos) {
                it.remove();
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(call);
            }
        }
        return expired == null ? List.of() : expired;
    }

    /** Removes and returns every call (to fail them); same completion rule as {@link #removeExpired}. */
    List<Call> removeAll() {
        List<Call> all = new ArrayList<>(byId.values());
        byId.clear();
        return all;
    }
}
