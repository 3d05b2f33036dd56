package io.amdb.chaos.check;

import java.util.Arrays;

/**
 * The set of operations a search has linearized so far, as a bitset that also hands out compact immutable
 * snapshots for the search's memo.
 *
 * <p>Design note: the search indexes operations in invocation order and linearizes them roughly in that order,
 * so the set is a run of full words, then a short window of mixed words around the operations in flight, then
 * zeros. A snapshot keeps only the window (its first word's index and its words), a few words however long the
 * history, where Porcupine's memo keeps a full copy per entry. The window is the whole set only while an early
 * operation stays out of it (an UNKNOWN one the search keeps unapplied), so a snapshot is never larger than a
 * full copy.
 *
 * <p>Not thread-safe. Invariants: {@code words[0..fullWords)} are all ones and {@code words[fullWords]} is not;
 * every word after {@code highestWord} is zero.
 */
final class LinearizedSet {
    private final long[] words;
    private int fullWords;
    private int highestWord = -1;

    /** An empty set for operations {@code 0..size)}. */
    LinearizedSet(int size) {
        words = new long[(size + 63) / 64 + 1];
    }

    /** Adds {@code op}; requires it absent. */
    void add(int op) {
        int w = op >>> 6;
        assert (words[w] & (1L << op)) == 0 : op + " is already linearized";
        words[w] |= 1L << op;
        highestWord = Math.max(highestWord, w);
        while (words[fullWords] == -1L) {
            fullWords++;
        }
    }

    /** Removes {@code op}; requires it present. */
    void remove(int op) {
        int w = op >>> 6;
        assert (words[w] & (1L << op)) != 0 : op + " is not linearized";
        words[w] &= ~(1L << op);
        fullWords = Math.min(fullWords, w);
        while (highestWord >= 0 && words[highestWord] == 0) {
            highestWord--;
        }
    }

    /** Returns an immutable copy of the set, equal to another exactly when the sets are equal. */
    Snapshot snapshot() {
        int to = Math.max(fullWords, highestWord + 1);
        return new Snapshot(fullWords, Arrays.copyOfRange(words, fullWords, to));
    }

    /** A set as its full words' count and the words after them up to the last non-zero one. */
    record Snapshot(int fullWords, long[] window) {
        /** Returns whether every member of this set is in {@code other}. */
        boolean isSubsetOf(Snapshot other) {
            if (fullWords > other.fullWords) {
                return false;
            }
            for (int i = 0; i < window.length; i++) {
                if ((window[i] & ~other.word(fullWords + i)) != 0) {
                    return false;
                }
            }
            return true;
        }

        private long word(int index) {
            if (index < fullWords) {
                return -1L;
            }
            return index - fullWords < window.length ? window[index - fullWords] : 0L;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Snapshot that && fullWords == that.fullWords && Arrays.equals(window, that.window);
        }

        @Override
        public int hashCode() {
            return 31 * fullWords + Arrays.hashCode(window);
        }

        @Override
        public String toString() {
            return "Snapshot[fullWords=" + fullWords + ", window=" + Arrays.toString(window) + "]";
        }
    }
}
