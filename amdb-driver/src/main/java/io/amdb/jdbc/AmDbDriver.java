package io.amdb.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The AmDb {@code java.sql.Driver}. URL: {@code jdbc:amdb://host1[:port][,host2[:port]…][?key=value&…]}
 * (docs/SQL.md, "Connecting").
 *
 * <p>Registered twice over, as JDBC 4 expects: {@code META-INF/services/java.sql.Driver} lets DriverManager
 * find it without {@code Class.forName}, and the static initializer registers an instance for code that
 * still loads it by name. The class holds no other state, because DriverManager loads and queries every
 * driver on the class path.
 *
 * <p>Hosts are tried in URL order; the first that accepts a connection and answers INFO is used for the
 * connection's whole life (failover happens at connect time only). Connection properties and their
 * precedence are in {@link DriverProperty}; {@code user} and {@code password} are accepted and ignored,
 * as AmDb has no authentication yet.
 */
public final class AmDbDriver implements Driver {
    private static final Logger LOG = Logger.getLogger("io.amdb.jdbc");

    static {
        try {
            DriverManager.registerDriver(new AmDbDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Returns null for a URL that is not AmDb's (DriverManager offers every URL to every driver), else an
     * open connection. Throws 08001 for a malformed AmDb URL, a bad property, or when no host can be reached.
     */
    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (url == null) {
            throw new SQLException("url is null", SqlErrors.CANNOT_CONNECT);
        }
        if (!JdbcUrl.accepts(url)) {
            return null;
        }
        return AmDbConnection.open(ConnectionSettings.from(url, info));
    }

    /** True when the URL has AmDb's prefix; checks nothing else and does no I/O. */
    @Override
    public boolean acceptsURL(String url) throws SQLException {
        if (url == null) {
            throw new SQLException("url is null", SqlErrors.CANNOT_CONNECT);
        }
        return JdbcUrl.accepts(url);
    }

    /**
     * Every supported property with its effective value (Properties over URL over default), description
     * and default. Returns an empty array for a URL that is not AmDb's.
     */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return new DriverPropertyInfo[0];
        }
        var params = JdbcUrl.parse(url).params();
        DriverProperty[] all = DriverProperty.values();
        DriverPropertyInfo[] result = new DriverPropertyInfo[all.length];
        for (int i = 0; i < all.length; i++) {
            result[i] = all[i].info(params, info);
        }
        return result;
    }

    @Override
    public int getMajorVersion() {
        return DriverVersion.MAJOR;
    }

    @Override
    public int getMinorVersion() {
        return DriverVersion.MINOR;
    }

    /** False: full JDBC compliance means SQL-92 Entry Level, which a key-value store does not offer. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    /** The JUL logger of package {@code io.amdb.jdbc}. */
    @Override
    public Logger getParentLogger() {
        return LOG;
    }
}
