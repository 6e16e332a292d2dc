package io.capmarket.schemas.registry;

import java.util.List;

/**
 * The registry's answer to a compatibility check.
 *
 * @param compatible whether the schema may be registered under the subject's rule
 * @param messages the registry's explanation when it gives one (with {@code verbose=true})
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {

    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}
