package io.amdb.shell;

import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import java.util.List;
import java.util.Locale;

/**
 * Tab completion: command and meta-command names as the first word; then the choices of {@code \format},
 * {@code \timing} and {@code \help}. Keys are not completed (each completion would cost a SCAN).
 */
final class ShellCompleter implements Completer {
    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> choices = line.wordIndex() == 0 ? Help.names() : arguments(line.words().get(0));
        for (String choice : choices) {
            candidates.add(new Candidate(choice));
        }
    }

    private static List<String> arguments(String command) {
        return switch (command.toLowerCase(Locale.ROOT)) {
            case "\\format" -> List.of("table", "raw", "json", "csv");
            case "\\timing" -> List.of("on", "off");
            case "\\help" -> Help.names();
            default -> List.of();
        };
    }
}
