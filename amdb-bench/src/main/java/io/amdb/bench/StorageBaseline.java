package io.amdb.bench;

import io.amdb.node.storage.SkipList;
import java.util.Arrays;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The in-process baseline: AmDb's single-threaded {@link SkipList} against the JDK's
 * {@link ConcurrentSkipListMap} (unsigned byte order), one thread, the same keys in the same order.
 * One warm-up round each, then {@link #ROUNDS} alternating measured rounds; the median is reported.
 */
final class StorageBaseline {
    static final int ROUNDS = 3;

    /** Ops/s of one structure. */
    record Rates(double put, double get) {}

    /** Both structures' rates. */
    record Result(Rates skipList, Rates jdk) {
        String summary() {
            return String.format("BASELINE skiplist put_ops/s=%d get_ops/s=%d%n"
                            + "BASELINE ConcurrentSkipListMap put_ops/s=%d get_ops/s=%d%n"
                            + "BASELINE ratio skiplist/ConcurrentSkipListMap put=%.2f get=%.2f",
                    Math.round(skipList.put), Math.round(skipList.get), Math.round(jdk.put), Math.round(jdk.get),
                    skipList.put / jdk.put, skipList.get / jdk.get);
        }
    }

    private interface Store {
        void put(byte[] k, byte[] v);

        byte[] get(byte[] k);
    }

    static Result run(Workload w) {
        measure(w, skipList());
        measure(w, jdk());
        Rates[] ours = new Rates[ROUNDS];
        Rates[] theirs = new Rates[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            ours[r] = measure(w, skipList());
            theirs[r] = measure(w, jdk());
        }
        return new Result(median(ours), median(theirs));
    }

    private static Store skipList() {
        SkipList list = new SkipList(42);
        return new Store() {
            public void put(byte[] k, byte[] v) {
                list.put(k, v);
            }

            public byte[] get(byte[] k) {
                return list.get(k);
            }
        };
    }

    private static Store jdk() {
        ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
        return new Store() {
            public void put(byte[] k, byte[] v) {
                map.put(k, v);
            }

            public byte[] get(byte[] k) {
                return map.get(k);
            }
        };
    }

    private static Rates measure(Workload w, Store store) {
        int ops = w.ops();
        long t0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            store.put(w.key(i), w.value);
        }
        long t1 = System.nanoTime();
        long found = 0;
        for (int i = 0; i < ops; i++) {
            if (store.get(w.key(i)) != null) {
                found++;
            }
        }
        long t2 = System.nanoTime();
        if (found != ops) {
            throw new IllegalStateException("baseline lost keys: found " + found + " of " + ops);
        }
        return new Rates(ops / ((t1 - t0) / 1e9), ops / ((t2 - t1) / 1e9));
    }

    private static Rates median(Rates[] rounds) {
        double[] puts = Arrays.stream(rounds).mapToDouble(Rates::put).sorted().toArray();
        double[] gets = Arrays.stream(rounds).mapToDouble(Rates::get).sorted().toArray();
        return new Rates(puts[puts.length / 2], gets[gets.length / 2]);
    }
}
