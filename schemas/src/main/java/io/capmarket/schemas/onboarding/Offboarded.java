package io.capmarket.schemas.onboarding;

import io.capmarket.schemas.access.Principal;
import java.util.List;

/**
 * What one offboarding did.
 *
 * @param principal whom it was for
 * @param approvalRevoked whether an approval was revoked (producers only)
 * @param aclsDeleted how many ACLs were deleted
 * @param credentialDeleted whether a SCRAM credential was deleted (false when there was none, or the cluster does not authenticate)
 * @param topicsDeleted the topics deleted (only when asked)
 */
public record Offboarded(Principal principal, boolean approvalRevoked, int aclsDeleted, boolean credentialDeleted,
        List<String> topicsDeleted) {

    public Offboarded {
        topicsDeleted = List.copyOf(topicsDeleted);
    }
}
