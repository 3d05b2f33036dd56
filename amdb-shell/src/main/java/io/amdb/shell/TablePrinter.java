package io.amdb.shell;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * TABLE, for people: rows in a box with a header and a row count, a value as text ({@code (nil)} when
 * absent), a count as {@code WHAT n}, confirmations as they are. Rows are boxed in blocks of
 * {@value #BLOCK} so a long SCAN streams instead of being held whole (each block sizes its own columns).
 */
final class TablePrinter implements Format.Printer {
    static final int BLOCK = 500;
    private static final String NIL = "(nil)";

    private final PrintWriter out;
    private final Ansi ansi;

    TablePrinter(PrintWriter out, Ansi ansi) {
        this.out = out;
        this.ansi = ansi;
    }

    @Override
    public void print(Result result) throws ShellError {
        if (result instanceof Result.Note n) {
            out.println(n.text());
        } else if (result instanceof Result.Text t) {
            out.println(t.text());
        } else if (result instanceof Result.Value v) {
            out.println(v.value() == null ? ansi.dim(NIL) : Display.text(v.value()));
        } else if (result instanceof Result.Count c) {
            out.println(c.what() + " " + c.count());
        } else if (result instanceof Result.Rows rows) {
            printRows(rows);
        }
    }

    private void printRows(Result.Rows rows) throws ShellError {
        if (rows.title() != null) {
            out.println(ansi.bold(rows.title()));
        }
        long count = 0;
        List<String[]> block = new ArrayList<>();
        do {
            block.clear();
            while (block.size() < BLOCK && rows.rows().hasNext()) {
                Format.Printer.checkCancelled();
                block.add(cells(rows.rows().next()));
            }
            count += block.size();
            printBlock(rows.columns(), block);
            out.flush();
        } while (rows.rows().hasNext());
        out.println("(" + count + (count == 1 ? " row)" : " rows)"));
    }

    private static String[] cells(byte[][] row) {
        String[] cells = new String[row.length];
        for (int i = 0; i < row.length; i++) {
            cells[i] = row[i] == null ? NIL : Display.text(row[i]);
        }
        return cells;
    }

    private void printBlock(List<String> columns, List<String[]> block) {
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = width(columns.get(i));
            for (String[] row : block) {
                widths[i] = Math.max(widths[i], width(row[i]));
            }
        }
        String rule = rule(widths);
        out.println(rule);
        out.println(line(columns.toArray(String[]::new), widths, true));
        out.println(rule);
        for (String[] row : block) {
            out.println(line(row, widths, false));
        }
        out.println(rule);
    }

    private static String rule(int[] widths) {
        StringBuilder s = new StringBuilder("+");
        for (int w : widths) {
            s.append("-".repeat(w + 2)).append('+');
        }
        return s.toString();
    }

    private String line(String[] cells, int[] widths, boolean header) {
        StringBuilder s = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            String padded = cells[i] + " ".repeat(widths[i] - width(cells[i]));
            s.append(' ').append(header ? ansi.bold(padded) : padded).append(" |");
        }
        return s.toString();
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
