package io.amdb.node.persist;

import java.util.Locale;

/** When a write is acknowledged, and so what a crash can cost (the table in {@code docs/STORAGE.md}). */
public enum Durability {
    /** Memory only: a restart loses everything. */
    NONE,
    /** Acknowledged once handed to the OS; fsynced at least every fsync interval. */
    ASYNC,
    /** Acknowledged once an fsync covers it (group commit). */
    SYNC;

    /** True when the node keeps a data directory. */
    public boolean persistent() {
        return this != NONE;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code text} (none, async, sync), or null when there is none of that name. */
    public static Durability parse(String text) {
        for (Durability d : values()) {
            if (d.label().equals(text)) {
                return d;
            }
        }
        return null;
    }
}
