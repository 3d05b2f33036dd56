package io.amdb.jdbc;

import io.amdb.client.ClientOptions;

import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Every connection property the driver understands, with its default and description; the source of
 * {@link AmDbDriver#getPropertyInfo} and docs/SQL.md ("Connection properties").
 *
 * <p><b>Precedence</b>: a property in the {@code Properties} argument of {@code connect} wins over the same
 * key in the URL query, which wins over the default. Keys match ignoring case. An unknown key in the URL is
 * an error (a typo there would otherwise be silently ignored); unknown keys in {@code Properties} are
 * ignored, because tools put their own entries there.
 */
enum DriverProperty {
    CONNECTIONS("connections", "2", 1, ClientOptions.MAX_CONNECTIONS_PER_NODE,
            "TCP connections the driver opens to each node for this java.sql.Connection"),
    REQUEST_TIMEOUT_MS("requestTimeoutMs", "30000", 1, Integer.MAX_VALUE,
            "Longest wait for one request's response, in milliseconds; then it fails with SQLState 57014"),
    CONNECT_TIMEOUT_MS("connectTimeoutMs", "5000", 1, Integer.MAX_VALUE,
            "Longest wait to connect to one host, in milliseconds, before trying the next"),
    MAX_IN_FLIGHT("maxInFlight", "4096", 1, Integer.MAX_VALUE,
            "Most requests outstanding on this connection; large batches wait for permits beyond it"),
    FETCH_SIZE("fetchSize", "1000", 1, Integer.MAX_VALUE,
            "Rows fetched per SCAN page for range queries (the node caps a page at max-scan-limit)"),
    USER("user", null, 0, 0, "Accepted and ignored: AmDb has no authentication yet"),
    PASSWORD("password", null, 0, 0, "Accepted and ignored: AmDb has no authentication yet");

    final String key;
    final String defaultValue;
    private final int min;
    private final int max;
    private final String description;

    DriverProperty(String key, String defaultValue, int min, int max, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.description = description;
    }

    /** The effective value: Properties, then URL, then the default (null for user/password when absent). */
    String value(Map<String, String> urlParams, Properties info) {
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                if (name.equalsIgnoreCase(key)) {
                    return info.getProperty(name);
                }
            }
        }
        String fromUrl = urlParams.get(key.toLowerCase(Locale.ROOT));
        return fromUrl != null ? fromUrl : defaultValue;
    }

    /** The value as an int within this property's range; throws 08001 naming the property otherwise. */
    int intValue(Map<String, String> urlParams, Properties info) throws SQLException {
        String text = value(urlParams, info);
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw SqlErrors.cannotConnect("invalid connection property " + key + "='" + text + "': expected an integer from "
                + min + " to " + max, null);
    }

    DriverPropertyInfo info(Map<String, String> urlParams, Properties info) {
        DriverPropertyInfo p = new DriverPropertyInfo(key, value(urlParams, info));
        p.description = description + (defaultValue == null ? "" : " (default " + defaultValue + ")");
        p.required = false;
        p.choices = null; // free-form values: integers in a range, or any string for user/password
        return p;
    }

    /** Throws 08001 for a URL parameter that is not a property, naming the known ones. */
    static void checkKnown(Map<String, String> urlParams) throws SQLException {
        for (String key : urlParams.keySet()) {
            boolean known = false;
            for (DriverProperty p : values()) {
                known |= p.key.equalsIgnoreCase(key);
            }
            if (!known) {
                StringBuilder names = new StringBuilder();
                for (DriverProperty p : values()) {
                    names.append(names.length() == 0 ? "" : ", ").append(p.key);
                }
                throw SqlErrors.cannotConnect("unknown URL parameter '" + key + "'; known: " + names, null);
            }
        }
    }
}
