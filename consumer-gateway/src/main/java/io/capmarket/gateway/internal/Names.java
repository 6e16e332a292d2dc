package io.capmarket.gateway.internal;

import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.schemas.onboarding.ProducerNames;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The team and capability names the gateway takes in paths and query parameters, held to the rules
 * of what they name: a team as bearer tokens and identity providers name it, a capability in
 * kebab-case as the catalog names it. One that breaks its rule is a 400 naming the parameter.
 */
final class Names {

    /** Where a name was given, for the message. */
    enum Place {
        PATH("path"), QUERY("query");

        private final String label;

        Place(String label) {
            this.label = label;
        }
    }

    static final String TEAM_RULE = "1 to 100 characters of a-z, A-Z, 0-9, '.', '_', '@', '-'";
    static final String CAPABILITY_RULE = "a kebab-case capability name of at most 100 characters";
    private static final Pattern TEAM = Pattern.compile("[a-zA-Z0-9._@-]{1,100}");

    private Names() {
    }

    /**
     * A team name.
     *
     * @param parameter the parameter's name, as the route spells it
     * @throws MalformedRequestException naming the parameter, the value and the rule
     */
    static String team(String parameter, String value, Place place) {
        if (value == null || !TEAM.matcher(value).matches()) {
            throw invalid(parameter, value, place, TEAM_RULE);
        }
        return value;
    }

    /**
     * A capability name.
     *
     * @param parameter the parameter's name, as the route spells it
     * @throws MalformedRequestException naming the parameter, the value and the rule
     */
    static String capability(String parameter, String value, Place place) {
        if (value == null || value.length() > 100 || !ProducerNames.isKebabCase(value)) {
            throw invalid(parameter, value, place, CAPABILITY_RULE);
        }
        return value;
    }

    private static MalformedRequestException invalid(String parameter, String value, Place place, String rule) {
        return new MalformedRequestException("the " + place.label + " parameter " + parameter + " is invalid",
                List.of(new FieldError(parameter, value, rule)));
    }
}
