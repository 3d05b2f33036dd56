package io.amdb.shell;

import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.impl.DefaultParser;

/**
 * JLine's view of the input. When Enter is pressed ({@code ACCEPT_LINE}) an incomplete statement — SQL
 * without its {@code ;}, a trailing {@code \}, an unclosed quote, by {@link Splitter}'s rules — raises
 * {@link EOFError}, so JLine shows the continuation prompt and keeps reading. Otherwise it splits words as
 * JLine's DefaultParser does, for completion, but with no escape character: a backslash starts our
 * meta-commands ({@code \clu} is one word to complete).
 */
final class ShellParser extends DefaultParser {
    ShellParser() {
        escapeChars(null);
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
        if (context == ParseContext.ACCEPT_LINE && !Splitter.complete(line)) {
            throw new EOFError(-1, cursor, "statement continues", ";");
        }
        return super.parse(line, cursor, context);
    }
}
