package io.amdb.shell;

import java.io.PrintWriter;
import java.util.function.UnaryOperator;

/**
 * RAW and CSV: one line per value, count or row; confirmations ({@link Result.Note}) print nothing, so
 * stdout is data only.
 * <ul>
 *   <li>RAW: a value on its own line (an empty line when there is none), cells separated by a tab, no
 *       header. Cells are shown by {@link Display#text}, so a tab or newline inside a value is escaped and
 *       lines stay lines.</li>
 *   <li>CSV (RFC 4180): a header line of column names, then rows; a field holding a comma, quote, CR or LF
 *       is quoted with doubled quotes; an absent value is an empty field.</li>
 * </ul>
 */
final class DelimitedPrinter implements Format.Printer {
    private final PrintWriter out;
    private final String separator;
    private final boolean header;
    private final UnaryOperator<String> field;

    private DelimitedPrinter(PrintWriter out, String separator, boolean header, UnaryOperator<String> field) {
        this.out = out;
        this.separator = separator;
        this.header = header;
        this.field = field;
    }

    static DelimitedPrinter raw(PrintWriter out) {
        return new DelimitedPrinter(out, "\t", false, UnaryOperator.identity());
    }

    static DelimitedPrinter csv(PrintWriter out) {
        return new DelimitedPrinter(out, ",", true, DelimitedPrinter::csvField);
    }

    @Override
    public void print(Result result) throws ShellError {
        if (result instanceof Result.Text t) {
            out.println(t.text());
        } else if (result instanceof Result.Value v) {
            out.println(v.value() == null ? "" : field.apply(Display.text(v.value())));
        } else if (result instanceof Result.Count c) {
            out.println(c.count());
        } else if (result instanceof Result.Rows rows) {
            if (header) {
                out.println(String.join(separator, rows.columns().stream().map(field).toList()));
            }
            while (rows.rows().hasNext()) {
                Format.Printer.checkCancelled();
                out.println(Display.joinRow(rows.rows().next(), separator, field));
            }
        }
    }

    static String csvField(String s) {
        boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        return quote ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
