package io.amdb.shell;

import java.util.Iterator;
import java.util.List;

/**
 * What one statement produced, before any formatting. Printers ({@link Format}) decide how each kind looks;
 * commands never print themselves.
 */
sealed interface Result {

    /** A confirmation for people ("OK", "Timing is on."): shown in table format only, never data. */
    record Note(String text) implements Result {}

    /** Text that is the answer itself (help, history, the current format): shown verbatim in every format. */
    record Text(String text) implements Result {}

    /** One value (GET, PING); {@code value} is null when the key has none. */
    record Value(byte[] value) implements Result {}

    /** A number of things affected (DEL, SQL INSERT/DELETE); {@code what} names them for people. */
    record Count(long count, String what) implements Result {}

    /**
     * A table of byte-string cells, streamed: {@code rows} may fetch pages lazily, so printers read it once,
     * in order, and must not hold it whole. A null cell is "no value". {@code title} names the table for
     * people (null for none).
     */
    record Rows(String title, List<String> columns, Iterator<byte[][]> rows) implements Result {
        static Rows of(String title, List<String> columns, List<byte[][]> rows) {
            return new Rows(title, columns, rows.iterator());
        }
    }

    Note OK = new Note("OK");
}
