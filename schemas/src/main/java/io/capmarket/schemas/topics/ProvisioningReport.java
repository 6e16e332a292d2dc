package io.capmarket.schemas.topics;

import java.util.List;

/**
 * What provisioning found and did.
 *
 * @param created topics that were missing and have been created
 * @param existing topics that already existed (matching or not)
 * @param mismatches differences between existing topics and their specs; nothing was changed for them
 */
public record ProvisioningReport(List<String> created, List<String> existing, List<Mismatch> mismatches) {

    public ProvisioningReport {
        created = List.copyOf(created);
        existing = List.copyOf(existing);
        mismatches = List.copyOf(mismatches);
    }

    /** True when every topic now exists as its spec says. */
    public boolean ok() {
        return mismatches.isEmpty();
    }
}
