package io.amdb.shell;

import java.io.PrintWriter;

/**
 * CSV (RFC 4180): rows under a header line of column names; a value or count as a one-field line;
 * confirmations print nothing. A field holding a comma, quote, CR or LF is quoted with doubled quotes; an
 * absent value is an empty field. Cells are shown by {@link Display#text}.
 */
final class CsvPrinter implements Format.Printer {
    private final PrintWriter out;

    CsvPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void print(Result result) throws ShellError {
        if (result instanceof Result.Text t) {
            out.println(t.text());
        } else if (result instanceof Result.Value v) {
            out.println(v.value() == null ? "" : field(Display.text(v.value())));
        } else if (result instanceof Result.Count c) {
            out.println(c.count());
        } else if (result instanceof Result.Rows rows) {
            out.println(String.join(",", rows.columns().stream().map(CsvPrinter::field).toList()));
            while (rows.rows().hasNext()) {
                Format.Printer.checkCancelled();
                out.println(Display.joinRow(rows.rows().next(), ",", CsvPrinter::field));
            }
        }
    }

    static String field(String s) {
        boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        return quote ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
