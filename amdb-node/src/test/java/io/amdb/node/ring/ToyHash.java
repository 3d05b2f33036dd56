package io.amdb.node.ring;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A token hash a reader can evaluate by hand: the ring is a 16-slot clock, node id {@code "d"} (a decimal
 * number) puts token 0 at slot {@code d mod 16} and token i at slot {@code d + 8i mod 16}, and slot s is
 * the 64-bit position {@code s << 60}. With P = 16 partition p sits exactly at slot p.
 */
final class ToyHash {
    private ToyHash() {}

    static long hash(byte[] tokenKey) {
        int idLength = tokenKey.length - 4;
        long id = Long.parseLong(new String(Arrays.copyOf(tokenKey, idLength), StandardCharsets.UTF_8));
        int i = ((tokenKey[idLength] & 0xFF) << 24) | ((tokenKey[idLength + 1] & 0xFF) << 16)
                | ((tokenKey[idLength + 2] & 0xFF) << 8) | (tokenKey[idLength + 3] & 0xFF);
        return ((id + 8L * i) & 15) << 60;
    }

    static PlacementPolicy policy(int vnodes) {
        return new PlacementPolicy(vnodes, 0.0, ToyHash::hash);
    }
}
