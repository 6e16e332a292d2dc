package io.capmarket.examples.postgres;

import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.FulfilmentContext;
import java.util.Map;
import java.util.Set;

/**
 * Fulfils {@code postgres-database} assignments. The SDK has already accepted the assignment
 * (auto-accept) when this runs; the handler validates what the gateway cannot know (the sizes
 * this team has capacity for today), creates the database idempotently by requestId, and reports
 * outputs that reference the secret instead of containing it.
 */
public final class PostgresHandler implements AssignmentHandler {

    private static final Set<String> SIZES = Set.of("small", "medium", "large");

    private final DatabaseProvisioner provisioner;

    public PostgresHandler(DatabaseProvisioner provisioner) {
        this.provisioner = provisioner;
    }

    @Override
    public void onAssignment(Assignment assignment, FulfilmentContext context) throws Exception {
        Map<String, Object> parameters = assignment.parameterMap();
        Object size = parameters.get("size");
        if (!SIZES.contains(size)) {
            // not worth retrying elsewhere: every offer of this capability has the same sizes
            context.fail("size must be one of " + SIZES + ", but was " + size, false);
            return;
        }
        int replicas = parameters.get("replicas") instanceof Number n ? n.intValue() : 0;
        context.progress("creating a " + size + " database with " + replicas + " replicas");
        DatabaseProvisioner.Database db = provisioner.ensure(context.requestId(), (String) size, replicas);
        if (context.cancelled()) {
            return; // onCancel cleans up; reporting now would be recorded as stale anyway
        }
        context.fulfil(Map.of("host", db.host(), "port", Integer.toString(db.port()), "passwordRef", db.passwordRef()));
    }

    @Override
    public void onCancel(Assignment assignment, FulfilmentContext context) {
        provisioner.remove(assignment.requestId());
    }
}
