package io.capmarket.gateway;

import java.util.List;

/**
 * The gateway's configuration is invalid. Not retryable: every problem names the key, the value
 * and the rule; fix the file or the environment and start again.
 */
public class InvalidConfigException extends GatewayException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public InvalidConfigException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : "invalid configuration:" + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", problems),
                List.of(), null);
        this.problems = List.copyOf(problems);
    }

    /** One message per problem found. */
    public List<String> problems() {
        return problems;
    }

    @Override
    public int status() {
        return 500;
    }

    @Override
    public String type() {
        return "invalid-config";
    }

    @Override
    public String title() {
        return "The gateway's configuration is invalid";
    }
}
