package io.amdb.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The driver's version, taken from the artifact: Maven writes {@code ${project.version}} into
 * {@code version.properties} next to this class when it copies resources, so the jar cannot disagree
 * with its own coordinates.
 */
final class DriverVersion {
    static final String VERSION = load();
    static final int MAJOR = part(0);
    static final int MINOR = part(1);

    private DriverVersion() {}

    private static String load() {
        try (InputStream in = DriverVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "0.0.0-unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "0.0.0-unknown");
        } catch (IOException e) {
            return "0.0.0-unknown";
        }
    }

    /** The {@code index}th dot-separated number of VERSION ("0.1.0-SNAPSHOT" → 0, 1), 0 when absent. */
    static int part(String version, int index) {
        String[] parts = version.split("[.-]");
        if (index >= parts.length) {
            return 0;
        }
        try {
            return Integer.parseInt(parts[index]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int part(int index) {
        return part(VERSION, index);
    }
}
