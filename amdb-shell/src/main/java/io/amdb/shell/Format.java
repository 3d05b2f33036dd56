package io.amdb.shell;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The output formats and their printers. TABLE is for people (boxed rows, confirmations, colour when
 * enabled); RAW is for scripts (data only: one value per line, cells separated by a tab, nothing
 * decorative); CSV is RFC 4180 with a header line; JSON is one JSON document per result, on one line.
 */
enum Format {
    TABLE, RAW, JSON, CSV;

    /** Prints results in this format to {@code out}; {@code ansi} colours only the table format. */
    Printer printer(PrintWriter out, Ansi ansi) {
        return switch (this) {
            case TABLE -> new TablePrinter(out, ansi);
            case RAW -> DelimitedPrinter.raw(out);
            case JSON -> new JsonPrinter(out);
            case CSV -> DelimitedPrinter.csv(out);
        };
    }

    /** The format named {@code name} (any case), or null. */
    static Format parse(String name) {
        for (Format f : values()) {
            if (f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Writes results; one instance per format and output, used by one thread. */
    interface Printer {
        /**
         * Prints one result, reading a {@link Result.Rows} to its end. Throws CANCELLED when the thread is
         * interrupted (Ctrl-C) between rows; a failure of the row source propagates as it is.
         */
        void print(Result result) throws ShellError;

        /** Throws CANCELLED if Ctrl-C interrupted the printing thread; clears nothing. */
        static void checkCancelled() throws ShellError {
            if (Thread.currentThread().isInterrupted()) {
                throw Errors.cancelled();
            }
        }
    }
}
