package io.amdb.shell;

import java.io.PrintWriter;
import java.util.List;

/**
 * JSON: one document per result, on one line (JSON Lines), so a script can read a command's answer with
 * any JSON parser. A value is a string, or null when absent; bytes that are not valid UTF-8 become
 * {@code {"base64":"..."}} (the marker object); a count is {@code {"count":n}}; rows are an array of objects
 * keyed by column name, streamed as they arrive; text is a string; confirmations print nothing. When the
 * rows fail or are cancelled midway, the array is closed after the last row printed, so the line stays valid
 * JSON (and the next result starts a line of its own); the error on stderr says the array is incomplete.
 */
final class JsonPrinter implements Format.Printer {
    private final PrintWriter out;

    JsonPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void print(Result result) throws ShellError {
        if (result instanceof Result.Text t) {
            out.println(string(t.text()));
        } else if (result instanceof Result.Value v) {
            out.println(value(v.value()));
        } else if (result instanceof Result.Count c) {
            out.println("{\"count\":" + c.count() + "}");
        } else if (result instanceof Result.Rows rows) {
            printRows(rows);
        }
    }

    private void printRows(Result.Rows rows) throws ShellError {
        List<String> names = rows.columns().stream().map(JsonPrinter::string).toList();
        out.print('[');
        try {
            boolean first = true;
            while (rows.rows().hasNext()) {
                Format.Printer.checkCancelled();
                byte[][] row = rows.rows().next();
                StringBuilder o = new StringBuilder(first ? "{" : ",{");
                for (int i = 0; i < row.length; i++) {
                    o.append(i == 0 ? "" : ",").append(names.get(i)).append(':').append(value(row[i]));
                }
                out.print(o.append('}'));
                first = false;
            }
        } finally {
            out.println(']'); // rows print whole, so after a failure the line is still valid JSON
        }
    }

    /** A byte string as JSON: a string when it is UTF-8, else the base64 marker object; null when absent. */
    static String value(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        String utf8 = Display.utf8OrNull(bytes);
        return utf8 != null ? string(utf8) : "{\"base64\":\"" + Display.base64(bytes) + "\"}";
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
