package io.capmarket.sdk;

/**
 * A client setting is missing or wrong; the message names the setting, the value and the rule.
 * Fix the configuration: retrying is pointless.
 */
public final class InvalidConfigurationException extends CapmarketException {

    private static final long serialVersionUID = 1L;

    /** An exception naming the setting, the value and the rule. */
    public InvalidConfigurationException(String message) {
        super(message);
    }

    /** An exception naming the setting, the value and the rule, with the cause. */
    public InvalidConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
