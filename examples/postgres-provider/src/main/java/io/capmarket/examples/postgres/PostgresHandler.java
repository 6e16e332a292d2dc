package io.capmarket.examples.postgres;

import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.FulfilmentContext;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fulfils {@code postgres-database} assignments. The SDK has already accepted the assignment
 * (auto-accept) when this runs; the handler validates what the gateway cannot know (the sizes
 * this team has capacity for today), creates the database idempotently by requestId, and reports
 * outputs that reference the secret instead of containing it. Once fulfilled, a database is
 * resized in place (the offer declares {@code size} updatable) and deprovisioned on request.
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
        Optional<String> unknown = unknownSize(size);
        if (unknown.isPresent()) {
            // not worth retrying elsewhere: every offer of this capability has the same sizes
            context.fail(unknown.get(), false);
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

    /** Resizes in place; the host, port and password reference stay, so the outputs are left as they are. */
    @Override
    public void onUpdate(Assignment assignment, FulfilmentContext context) throws Exception {
        Object size = assignment.parameterMap().get("size");
        Optional<String> unknown = unknownSize(size);
        if (unknown.isPresent()) {
            context.reject(unknown.get()); // the database keeps its size
            return;
        }
        context.progress("resizing from " + assignment.previousParameterMap().get("size") + " to " + size);
        provisioner.resize(context.requestId(), (String) size);
        context.fulfil(Map.of());
    }

    /** Removes the database; one already gone (a repeated deprovision) is done just the same. */
    @Override
    public void onDeprovision(Assignment assignment, FulfilmentContext context) {
        provisioner.remove(context.requestId());
        context.fulfil(Map.of());
    }

    @Override
    public void onCancel(Assignment assignment, FulfilmentContext context) {
        if (!assignment.isOperation()) {
            provisioner.remove(assignment.requestId()); // a cancelled resize leaves the database in place
        }
    }

    private static Optional<String> unknownSize(Object size) {
        return SIZES.contains(size) ? Optional.empty() : Optional.of("size must be one of " + SIZES + ", but was " + size);
    }
}
