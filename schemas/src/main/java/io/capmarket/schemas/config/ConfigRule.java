package io.capmarket.schemas.config;

/**
 * Thrown by a {@link ConfigKey}'s parser when a value breaks a rule other than the key's usual
 * one (a duration of zero, say), or to add a detail to it.
 */
public final class ConfigRule extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String rule;
    private final String detail;

    /**
     * @param rule what the value must be, completing "KEY must be ..."
     * @param detail what is wrong with this value, or null
     */
    public ConfigRule(String rule, String detail) {
        super(rule);
        this.rule = rule;
        this.detail = detail;
    }

    /** What the value must be. */
    public String rule() {
        return rule;
    }

    /** What is wrong with the value, or null. */
    public String detail() {
        return detail;
    }
}
