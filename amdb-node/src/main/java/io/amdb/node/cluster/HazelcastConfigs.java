package io.amdb.node.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import java.util.List;

/**
 * Builds the Hazelcast configuration AmDb nodes discover each other with, in code (no XML): TCP-IP join
 * on an explicit member list, multicast and auto-detection off, phone-home off, bound to one interface.
 * Hazelcast only finds members and notices deaths; which node owns which partition is AmDb's partition
 * table, never a Hazelcast map.
 *
 * <p>Why each property (measured on this project's machines, see shared notes): the default XML turns
 * multicast on, which leaves loopback; {@code socket.bind.any=false} keeps the listener on the chosen
 * interface; {@code wait.seconds.before.join=0} makes a join take ~1 s instead of ~6 s; a 1 s heartbeat
 * with a 5 s limit notices a frozen JVM in seconds; looking for a split cluster to merge with every 5 s (not
 * after 300 s, then every 120 s) lets a member that was paused or cut off longer than that limit come back in
 * seconds (the table log, not Hazelcast, decides what it then owns); AmDb owns shutdown order, so Hazelcast's
 * own hook is off.
 */
public final class HazelcastConfigs {
    /** Default first Hazelcast port; further nodes on one host take the next free ones. */
    public static final int DEFAULT_PORT = 5701;
    /** How many ports the default member list covers (5701..5710): ten nodes on one host join with no flags. */
    public static final int DEFAULT_PORT_COUNT = 10;

    private HazelcastConfigs() {}

    /** The member list used when none is configured: every default port on {@code host}, one by one. */
    public static List<String> defaultMembers(String host) {
        return java.util.stream.IntStream.range(DEFAULT_PORT, DEFAULT_PORT + DEFAULT_PORT_COUNT)
                .mapToObj(p -> host + ":" + p).toList();
    }

    /**
     * @param clusterName only members with the same name join each other
     * @param host        the interface to bind and announce (127.0.0.1 by default)
     * @param port        the first port to try; the next free one up to {@code DEFAULT_PORT_COUNT} above is taken
     * @param members     {@code host:port} entries to contact (no ranges: Hazelcast rejects {@code a:1-2})
     */
    public static Config create(String clusterName, String host, int port, List<String> members) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(true).setPortCount(DEFAULT_PORT_COUNT);
        network.getInterfaces().setEnabled(true).addInterface(host);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        TcpIpConfig tcp = join.getTcpIpConfig().setEnabled(true);
        members.forEach(tcp::addMember);

        // The maps Vert.x's default-cluster.xml would have declared.
        config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
                .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
        config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
        config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
        return config;
    }
}
