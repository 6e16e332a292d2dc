package io.capmarket.topology.app;

/**
 * Thrown by a {@link ConfigKey}'s parser when a value breaks a rule other than the key's usual
 * one (for example a duration of zero), or to add a detail to it.
 */
final class ConfigRule extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String rule;
    private final String detail;

    ConfigRule(String rule, String detail) {
        super(rule);
        this.rule = rule;
        this.detail = detail;
    }

    String rule() {
        return rule;
    }

    String detail() {
        return detail;
    }
}
