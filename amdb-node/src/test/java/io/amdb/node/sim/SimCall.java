package io.amdb.node.sim;

import java.util.function.Consumer;

/**
 * A request one simulated process made and waits for: completes once, with the answer or, after its timeout,
 * with {@code onTimeout} (Vert.x's request with a send timeout). Dropped if the caller crashed meanwhile.
 */
final class SimCall<T> {
    private final SimNode caller;
    private final int incarnation;
    private final Consumer<T> then;
    private boolean done;

    private SimCall(SimNode caller, Consumer<T> then) {
        this.caller = caller;
        this.incarnation = caller.incarnation();
        this.then = then;
    }

    static <T> SimCall<T> of(SimNode caller, long timeoutMs, T onTimeout, Consumer<T> then) {
        SimCall<T> call = new SimCall<>(caller, then);
        caller.later(timeoutMs, () -> call.complete(onTimeout));
        return call;
    }

    boolean done() {
        return done;
    }

    void complete(T answer) {
        if (!done && caller.alive() && caller.incarnation() == incarnation) {
            done = true;
            then.accept(answer);
        }
    }
}
