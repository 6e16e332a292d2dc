package io.capmarket.schemas.onboarding;

import io.capmarket.schemas.ProducerApproval;
import io.capmarket.schemas.access.ClientSettings;
import io.capmarket.schemas.access.Principal;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.acl.AclBinding;

/**
 * What one onboarding did, and what to hand the principal.
 *
 * @param principal whom it was for
 * @param approval the producer's approval as published; empty for a team or a platform principal
 * @param topics the topics it created or found as expected
 * @param acls the ACLs it created; empty on a cluster that does not authenticate
 * @param credentialIssued whether a SCRAM credential was set (a new password, replacing any earlier one)
 * @param clientSettings the principal's client settings, with its password when one was issued
 */
public record Onboarded(Principal principal, Optional<ProducerApproval> approval, List<String> topics, List<AclBinding> acls,
        boolean credentialIssued, ClientSettings clientSettings) {

    public Onboarded {
        topics = List.copyOf(topics);
        acls = List.copyOf(acls);
    }
}
