package io.amdb.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free loopback ports for tests that must name ports before binding them (Hazelcast members, a protocol port
 * advertised to a cluster). All n ports are held open together while they are chosen, so two calls within
 * one draw can never return the same port; a port probed and released one at a time could come back twice.
 */
public final class TestPorts {
    private TestPorts() {}

    public static int[] free(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
