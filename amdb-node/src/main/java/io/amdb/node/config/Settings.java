package io.amdb.node.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Looks settings up by name with the precedence users expect: command-line flag, then {@code AMDB_*}
 * environment variable, then config file, then the default. Names are the flag names without dashes
 * ({@code max-key-bytes}); the environment variable is {@code AMDB_MAX_KEY_BYTES}.
 */
public final class Settings {
    /** A value and where it came from, for error messages. */
    public record Value(String text, String source) {}

    private final Map<String, String> flags;
    private final Map<String, String> env;
    private final Properties file;
    private final String fileName;

    /**
     * @param known    every setting name; a config-file key outside it is an error (typos must not pass silently)
     * @param fileName the config file's path, for messages; null when there is none
     */
    public Settings(Set<String> known, Map<String, String> flags, Map<String, String> env, Properties file,
                    String fileName) throws ConfigException {
        this.flags = Map.copyOf(flags);
        this.env = Map.copyOf(env);
        this.file = file;
        this.fileName = fileName;
        Set<String> unknown = new TreeSet<>(file.stringPropertyNames());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new ConfigException("config file " + fileName + ": unknown setting(s) " + unknown
                    + "; known: " + new TreeSet<>(known));
        }
    }

    public static String envName(String setting) {
        return "AMDB_" + setting.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Returns the winning value of {@code name}, or {@code defaultValue} (source "default"). */
    public Value get(String name, String defaultValue) {
        String v = flags.get(name);
        if (v != null) {
            return new Value(v.trim(), "--" + name);
        }
        v = env.get(envName(name));
        if (v != null) {
            return new Value(v.trim(), envName(name));
        }
        v = file.getProperty(name);
        if (v != null) {
            return new Value(v.trim(), "config file " + fileName);
        }
        return new Value(defaultValue, "default");
    }

    public String string(String name, String defaultValue) {
        return get(name, defaultValue).text();
    }

    /** An integer setting within {@code [min, max]}. */
    public int integer(String name, int defaultValue, int min, int max) throws ConfigException {
        Value v = get(name, Integer.toString(defaultValue));
        try {
            int n = Integer.parseInt(v.text().replace("_", ""));
            if (n < min || n > max) {
                throw new ConfigException(name + " = " + v.text() + " (from " + v.source() + ") must be between "
                        + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " = '" + v.text() + "' (from " + v.source() + ") is not a whole number");
        }
    }

    /** Lists the sources of all given names, for a startup log line. */
    public String describe(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String name : names) {
            Value v = get(name, null);
            if (v.text() != null) {
                sb.append(sb.length() == 0 ? "" : ", ").append(name).append('=').append(v.text())
                        .append(" (").append(v.source()).append(')');
            }
        }
        return sb.toString();
    }
}
