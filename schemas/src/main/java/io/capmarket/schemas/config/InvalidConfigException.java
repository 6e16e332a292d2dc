package io.capmarket.schemas.config;

import java.util.List;

/**
 * A service's configuration (the topology's, the gateway's) is invalid. Not retryable: every
 * problem names the key, the value and the rule; fix the file or the environment and start again.
 */
public class InvalidConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public InvalidConfigException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : "invalid configuration:" + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One message per problem found, in key order. */
    public List<String> problems() {
        return problems;
    }
}
