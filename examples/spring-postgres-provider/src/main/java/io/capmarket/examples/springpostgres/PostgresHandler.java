package io.capmarket.examples.springpostgres;

import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.FulfilmentContext;
import io.capmarket.spring.CapmarketHandler;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Fulfils {@code postgres-database} assignments: validates what the gateway cannot know (the sizes
 * this team has capacity for today), creates the database idempotently by requestId, and reports
 * outputs that reference the secret instead of containing it. A bean that implements
 * {@link AssignmentHandler} also hears updates (a resize in place: the offer declares {@code size}
 * updatable), deprovisions and cancellations.
 */
@Component
@CapmarketHandler("postgres-database")
public class PostgresHandler implements AssignmentHandler {

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
            context.fail(unknownSize(size), false); // the same for every offer: no retry
            return;
        }
        int replicas = parameters.get("replicas") instanceof Number n ? n.intValue() : 0;
        context.progress("creating a " + size + " database with " + replicas + " replicas");
        DatabaseProvisioner.Database db = provisioner.ensure(context.requestId(), (String) size, replicas);
        if (!context.cancelled()) {
            context.fulfil(Map.of("host", db.host(), "port", Integer.toString(db.port()), "passwordRef", db.passwordRef()));
        }
    }

    /** Resizes in place; the host, port and password reference stay, so the outputs are left as they are. */
    @Override
    public void onUpdate(Assignment assignment, FulfilmentContext context) throws Exception {
        Object size = assignment.parameterMap().get("size");
        if (!SIZES.contains(size)) {
            context.reject(unknownSize(size)); // the database keeps its size
            return;
        }
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

    private static String unknownSize(Object size) {
        return "size must be one of " + SIZES + ", but was " + size;
    }
}
