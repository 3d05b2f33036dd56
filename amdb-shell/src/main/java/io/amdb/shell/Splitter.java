package io.amdb.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cuts input lines into statements; the one rule set for the REPL, scripts, {@code -e} and {@code \source}.
 * <ul>
 *   <li>A {@code ;} outside quotes ends a statement, so one line may hold several ({@code PUT a 1; GET a}).</li>
 *   <li>A meta-command ({@code \...}) or native command ({@code GET k}) also ends at the end of its line;
 *       an SQL statement ({@code INSERT}, {@code SELECT}, {@code UPDATE}, {@code DELETE}) goes on until {@code ;} (or the end of
 *       the input), as in psql.</li>
 *   <li>A line ending in {@code \} continues on the next line (the two are joined with a blank), and so
 *       does an unclosed quote (the newline is part of the string).</li>
 *   <li>A statement starting with {@code --} or {@code #} is a comment up to the end of its line.</li>
 * </ul>
 * In a native or meta-command a quote ({@code '} or {@code "}) opens only at the start of a word (after a
 * blank), with {@code X'} as one opener — {@link Words}'s rule, so {@code it's} and {@code 5in="wide} are bare
 * words and cannot swallow the next lines. In SQL a quote opens wherever a word may start: not after a letter
 * or digit, but after punctuation ({@code ('a'}, {@code k='a'}). Inside {@code "} a backslash escapes the next
 * character, inside {@code '} a doubled quote is one quote. Not thread-safe.
 */
final class Splitter {
    private static final Set<String> SQL = Set.of("INSERT", "SELECT", "UPDATE", "DELETE");

    /** One statement and the 1-based input line it starts on. */
    record Statement(String text, int line) {}

    private final StringBuilder buffer = new StringBuilder();
    private int lineNo;
    private int startLine;

    /** Adds one line (without its terminator) and returns the statements it completes. */
    List<Statement> feed(String line) {
        lineNo++;
        if (buffer.length() == 0) {
            startLine = lineNo;
        } else {
            buffer.append('\n');
        }
        buffer.append(line);
        return drain(false);
    }

    /** At the end of the input: the statements still buffered, even without their {@code ;}. */
    List<Statement> finish() {
        return drain(true);
    }

    /** True when buffered text waits for more lines. */
    boolean pending() {
        return !buffer.toString().isBlank();
    }

    /** True when {@code text} (possibly several lines) holds only complete statements: what the REPL accepts. */
    static boolean complete(String text) {
        Splitter s = new Splitter();
        for (String line : text.split("\n", -1)) {
            s.feed(line);
        }
        return !s.pending();
    }

    private List<Statement> drain(boolean eof) {
        List<Statement> out = new ArrayList<>();
        while (true) {
            skipBlanksAndComments();
            if (buffer.length() == 0) {
                return out;
            }
            StringBuilder text = new StringBuilder();
            int resume = cut(text, eof);
            if (resume < 0) {
                return out;
            }
            int consumedLines = (int) buffer.substring(0, resume).chars().filter(c -> c == '\n').count();
            buffer.delete(0, resume);
            if (!text.toString().isBlank()) {
                out.add(new Statement(text.toString().strip(), startLine));
            }
            startLine += consumedLines;
        }
    }

    /**
     * Scans the buffer for the end of its first statement, copying the statement (continuations joined) into
     * {@code text}. Returns where the next statement starts, or -1 while the statement is incomplete.
     */
    private int cut(StringBuilder text, boolean eof) {
        boolean sql = SQL.contains(firstWord());
        char quote = 0;
        int n = buffer.length();
        for (int i = 0; i < n; i++) {
            char c = buffer.charAt(i);
            if (quote != 0) {
                text.append(c);
                if (c == '\\' && quote == '"' && i + 1 < n) {
                    text.append(buffer.charAt(++i));
                } else if (c == quote && !(quote == '\'' && i + 1 < n && buffer.charAt(i + 1) == '\'')) {
                    quote = 0;
                } else if (c == quote) {
                    text.append(buffer.charAt(++i)); // '' inside '...'
                }
            } else if (c == ';') {
                return i + 1;
            } else if (c == '\\' && (i + 1 == n || buffer.charAt(i + 1) == '\n')) {
                if (i + 1 == n) {
                    return eof ? n : -1; // continued on the next line
                }
                text.append(' ');
                i++;
            } else if (c == '\n' && !sql) {
                return i + 1;
            } else {
                if ((c == '\'' || c == '"') && opensQuote(i, sql)) {
                    quote = c;
                }
                text.append(c);
            }
        }
        return eof || (quote == 0 && !sql) ? n : -1;
    }

    /** True when the quote at {@code i} opens a string; {@code i} is inside the statement starting at 0. */
    private boolean opensQuote(int i, boolean sql) {
        if (startsWord(i, sql)) {
            return true;
        }
        char prev = buffer.charAt(i - 1);
        return buffer.charAt(i) == '\'' && (prev == 'X' || prev == 'x') && startsWord(i - 1, sql);
    }

    /** True when a word may start at {@code i}: after a blank, or in SQL after anything but a letter or digit. */
    private boolean startsWord(int i, boolean sql) {
        if (i == 0) {
            return true;
        }
        char prev = buffer.charAt(i - 1);
        return sql ? !Character.isLetterOrDigit(prev) : Character.isWhitespace(prev);
    }

    private String firstWord() {
        int end = 0;
        while (end < buffer.length() && Character.isLetter(buffer.charAt(end))) {
            end++;
        }
        return buffer.substring(0, end).toUpperCase(Locale.ROOT);
    }

    /** Drops leading blanks, empty lines and comment lines, keeping the start line in step. */
    private void skipBlanksAndComments() {
        while (buffer.length() > 0) {
            char c = buffer.charAt(0);
            if (c == '\n') {
                startLine++;
                buffer.deleteCharAt(0);
            } else if (Character.isWhitespace(c)) {
                buffer.deleteCharAt(0);
            } else if (c == '#' || (c == '-' && buffer.length() > 1 && buffer.charAt(1) == '-')) {
                int nl = buffer.indexOf("\n");
                buffer.delete(0, nl < 0 ? buffer.length() : nl);
            } else {
                return;
            }
        }
    }
}
