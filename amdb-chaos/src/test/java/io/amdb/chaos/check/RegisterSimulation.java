package io.amdb.chaos.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Random histories of a linearizable store, for model tests. Processes run one operation at a time; each
 * operation gets an interval and a linearization point strictly inside it, and the operations take effect on a
 * map of registers in the order of those points, so every history is linearizable by construction.
 *
 * <p>Some operations fail (no effect, FAILED) or end UNKNOWN: an UNKNOWN write or CAS takes effect at its point
 * or not at all, at random. Each key ends with a final read invoked after every other operation completed.
 * Written values are unique ({@code v1}, {@code v2}, ...) and never absent. All randomness comes from the
 * {@link Random} passed in, so a seed replays a history.
 */
final class RegisterSimulation {
    private final Random random;
    private final int processes;
    private final List<String> keys;
    private final double unknownRate;
    private final double failedRate;
    private final Map<String, String> registers = new HashMap<>();
    private final Map<String, List<String>> written = new HashMap<>();
    private int nextValue = 1;

    /** A simulation of {@code processes} clients on {@code keys}; the rates are per operation, in [0, 1]. */
    RegisterSimulation(Random random, int processes, List<String> keys, double unknownRate, double failedRate) {
        this.random = random;
        this.processes = processes;
        this.keys = List.copyOf(keys);
        this.unknownRate = unknownRate;
        this.failedRate = failedRate;
    }

    /** Returns a history of {@code operations} operations plus one final read per key, in invocation order. */
    List<Op> run(int operations) {
        List<Slot> slots = schedule(operations);
        slots.sort((a, b) -> Long.compare(a.point, b.point));
        List<Op> history = new ArrayList<>();
        long end = 0;
        for (Slot slot : slots) {
            Op op = takeEffect(slot);
            history.add(op);
            end = Math.max(end, slot.complete);
        }
        for (String key : keys) {
            history.add(Op.read(0, key, registers.get(key), end + 1, end + 2));
        }
        history.sort((a, b) -> Long.compare(a.invokeNanos(), b.invokeNanos()));
        return history;
    }

    /** An operation's place in time: who runs it, when, and the instant it takes effect. */
    private record Slot(int process, long invoke, long point, long complete) {
    }

    /** Gives each operation to the process that is free first, so that all processes overlap throughout. */
    private List<Slot> schedule(int operations) {
        long[] freeAt = new long[processes];
        List<Slot> slots = new ArrayList<>(operations);
        for (int i = 0; i < operations; i++) {
            int p = 0;
            for (int q = 1; q < processes; q++) {
                p = freeAt[q] < freeAt[p] ? q : p;
            }
            long invoke = freeAt[p] + random.nextInt(20);
            long complete = invoke + 2 + random.nextInt(60);
            long point = invoke + 1 + random.nextInt((int) (complete - invoke - 1));
            slots.add(new Slot(p, invoke, point, complete));
            freeAt[p] = complete;
        }
        return slots;
    }

    private Op takeEffect(Slot slot) {
        String key = keys.get(random.nextInt(keys.size()));
        String current = registers.get(key);
        int dice = random.nextInt(100);
        Op.Kind kind = dice < 40 ? Op.Kind.READ : dice < 75 ? Op.Kind.WRITE : Op.Kind.CAS;
        String expected = kind == Op.Kind.CAS ? expectation(key, current) : null;
        String value = kind == Op.Kind.READ ? current : "v" + nextValue++;
        boolean swaps = kind == Op.Kind.WRITE || (kind == Op.Kind.CAS && Objects.equals(current, expected));
        Op.Outcome outcome = kind == Op.Kind.CAS && !swaps ? Op.Outcome.CONDITION_FAILED : Op.Outcome.OK;
        boolean applies = swaps;
        if (random.nextDouble() < failedRate) {
            outcome = Op.Outcome.FAILED;
            applies = false;
        } else if (random.nextDouble() < unknownRate) {
            outcome = Op.Outcome.UNKNOWN;
            applies = swaps && random.nextBoolean();
        }
        if (applies) {
            registers.put(key, value);
            written.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return new Op(slot.process, key, kind, expected, value, outcome, slot.invoke, slot.complete);
    }

    /** A CAS's expected value: usually the current one, else an older value or absent, so that both outcomes occur. */
    private String expectation(String key, String current) {
        List<String> older = written.getOrDefault(key, List.of());
        if (random.nextBoolean() || older.isEmpty()) {
            return random.nextInt(4) == 0 ? null : current;
        }
        return older.get(random.nextInt(older.size()));
    }

    /**
     * Returns {@code history} with one OK read changed to a value that real time proves overwritten, or null if
     * no read allows it. The new value u was written by an acknowledged write (or is the initial absence) that
     * completed before another acknowledged write w2 began, and w2 completed before the read began; since values
     * are unique and never absent, nothing else writes u, so the result is not linearizable.
     */
    static List<Op> withStaleRead(List<Op> history, Random random) {
        List<Op> reads = history.stream().filter(op -> op.kind() == Op.Kind.READ && op.outcome() == Op.Outcome.OK)
                .toList();
        for (int attempt = 0; attempt < 2 * reads.size(); attempt++) {
            Op read = reads.get(random.nextInt(reads.size()));
            List<String> overwritten = overwrittenBefore(history, read);
            overwritten.remove(read.value());
            if (!overwritten.isEmpty()) {
                List<Op> mutated = new ArrayList<>(history);
                String older = overwritten.get(random.nextInt(overwritten.size()));
                mutated.set(history.indexOf(read), Op.read(read.process(), read.key(), older, read.invokeNanos(),
                        read.completeNanos()));
                return mutated;
            }
        }
        return null;
    }

    /** Returns the values of {@code read}'s key certainly overwritten before it began, absence included. */
    private static List<String> overwrittenBefore(List<Op> history, Op read) {
        List<Op> acked = history.stream().filter(op -> op.acknowledgedWrite() && op.key().equals(read.key())).toList();
        long latestOverwrite = Long.MIN_VALUE; // the latest invocation of an acknowledged write done before the read
        for (Op w2 : acked) {
            if (w2.completeNanos() < read.invokeNanos()) {
                latestOverwrite = Math.max(latestOverwrite, w2.invokeNanos());
            }
        }
        List<String> overwritten = new ArrayList<>();
        if (latestOverwrite == Long.MIN_VALUE) {
            return overwritten;
        }
        overwritten.add(null);
        for (Op w : acked) {
            if (w.completeNanos() < latestOverwrite) {
                overwritten.add(w.value());
            }
        }
        return overwritten;
    }

    /** Lists {@code count} keys {@code k0, k1, ...}. */
    static List<String> keys(int count) {
        return IntStream.range(0, count).mapToObj(i -> "k" + i).toList();
    }
}
