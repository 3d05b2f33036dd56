package io.amdb.shell;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The JSON printer on its own: rows that fail or are cancelled midway still end their line as valid JSON. */
class JsonPrinterTest {
    private final StringWriter out = new StringWriter();
    private final JsonPrinter printer = new JsonPrinter(new PrintWriter(out, true));

    /** Rows {@code key}, {@code value}: ("a", "1"), then the row source fails. */
    private static Result.Rows oneRowThenFailure() {
        Iterator<byte[][]> rows = new Iterator<>() {
            private int served;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public byte[][] next() {
                if (served++ == 0) {
                    return new byte[][] {NativeCommands.utf8("a"), NativeCommands.utf8("1")};
                }
                throw new Errors.Unchecked(new ShellError("CONNECTION_LOST", "node gone", true));
            }
        };
        return new Result.Rows(null, List.of("key", "value"), rows);
    }

    @Test
    void print_rowsFailMidway_closesTheArrayAfterTheRowsPrinted() throws ShellError {
        assertThrows(Errors.Unchecked.class, () -> printer.print(oneRowThenFailure()));
        printer.print(new Result.Value(NativeCommands.utf8("next")));
        assertEquals("[{\"key\":\"a\",\"value\":\"1\"}]\n\"next\"\n", out.toString());
    }

    @Test
    void print_cancelledBeforeTheFirstRow_printsAnEmptyArrayOnItsLine() {
        Thread.currentThread().interrupt(); // what Ctrl-C's Session.cancel() does to the printing thread
        try {
            ShellError e = assertThrows(ShellError.class, () -> printer.print(oneRowThenFailure()));
            assertEquals(ShellError.CANCELLED, e.name());
            assertEquals("[]\n", out.toString());
        } finally {
            Thread.interrupted();
        }
    }
}
