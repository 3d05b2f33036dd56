package io.amdb.shell;

import java.io.PrintWriter;

/**
 * RAW: data only, for scripts. A value on its own line (an empty line when there is none), a count as a
 * number, rows as cells separated by a tab; confirmations ({@link Result.Note}) print nothing. Cells are
 * shown by {@link Display#text}, so a tab or newline inside a value is escaped and lines stay lines.
 */
final class RawPrinter implements Format.Printer {
    private final PrintWriter out;

    RawPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void print(Result result) throws ShellError {
        if (result instanceof Result.Text t) {
            out.println(t.text());
        } else if (result instanceof Result.Value v) {
            out.println(v.value() == null ? "" : Display.text(v.value()));
        } else if (result instanceof Result.Count c) {
            out.println(c.count());
        } else if (result instanceof Result.Rows rows) {
            while (rows.rows().hasNext()) {
                Format.Printer.checkCancelled();
                out.println(Display.joinRow(rows.rows().next(), "\t", cell -> cell));
            }
        }
    }
}
