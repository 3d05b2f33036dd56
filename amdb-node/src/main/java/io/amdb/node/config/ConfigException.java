package io.amdb.node.config;

/** A setting that cannot be used; the message names the setting, the bad value and where it came from. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
