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
 * {@link AssignmentHandler} also hears cancellations.
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
            context.fail("size must be one of " + SIZES + ", but was " + size, false); // the same for every offer: no retry
            return;
        }
        int replicas = parameters.get("replicas") instanceof Number n ? n.intValue() : 0;
        context.progress("creating a " + size + " database with " + replicas + " replicas");
        DatabaseProvisioner.Database db = provisioner.ensure(context.requestId(), (String) size, replicas);
        if (!context.cancelled()) {
            context.fulfil(Map.of("host", db.host(), "port", Integer.toString(db.port()), "passwordRef", db.passwordRef()));
        }
    }

    @Override
    public void onCancel(Assignment assignment, FulfilmentContext context) {
        provisioner.remove(assignment.requestId());
    }
}
