package dev.mnistfcn.config;

import dev.mnistfcn.UserError;

/** A config file or override the user has to fix; its message is the whole explanation. */
public class ConfigException extends UserError {
    public ConfigException(String message) {
        super(message);
    }
}
