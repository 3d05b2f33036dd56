package io.amdb.jdbc;

import io.amdb.client.ClientOptions;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Everything one {@link AmDbConnection} is opened with, validated: the hosts to try in order, the native
 * client's options, the default fetch size, and the user name (kept for DatabaseMetaData only).
 */
record ConnectionSettings(String url, List<JdbcUrl.HostPort> hosts, ClientOptions clientOptions, int fetchSize,
                          String user) {

    /** Merges URL and Properties per {@link DriverProperty}'s precedence; throws 08001 for a bad URL or value. */
    static ConnectionSettings from(String url, Properties info) throws SQLException {
        JdbcUrl parsed = JdbcUrl.parse(url);
        var params = parsed.params();
        DriverProperty.checkKnown(params);
        ClientOptions options = ClientOptions.builder()
                .connectionsPerNode(DriverProperty.CONNECTIONS.intValue(params, info))
                .requestTimeout(Duration.ofMillis(DriverProperty.REQUEST_TIMEOUT_MS.intValue(params, info)))
                .connectTimeout(Duration.ofMillis(DriverProperty.CONNECT_TIMEOUT_MS.intValue(params, info)))
                .maxInFlight(DriverProperty.MAX_IN_FLIGHT.intValue(params, info))
                .build();
        return new ConnectionSettings(url, parsed.hosts(), options, DriverProperty.FETCH_SIZE.intValue(params, info),
                DriverProperty.USER.value(params, info));
    }
}
