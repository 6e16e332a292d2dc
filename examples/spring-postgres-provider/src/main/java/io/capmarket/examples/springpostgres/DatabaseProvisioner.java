package io.capmarket.examples.springpostgres;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The db team's own infrastructure code, idempotent by request: asking twice for the same
 * requestId returns the same database, and removing what is gone does nothing. This one keeps them in memory, so the example runs anywhere.
 */
@Component
public class DatabaseProvisioner {

    /** A provisioned database; the password stays in the secret store, only its reference travels. */
    public record Database(String host, int port, String passwordRef) {
    }

    private final Map<String, Database> databases = new ConcurrentHashMap<>();

    /** Creates the database for a request, or returns the one already created for it. */
    public Database ensure(String requestId, String size, int replicas) throws Exception {
        return databases.computeIfAbsent(requestId, id -> new Database(id + ".pg.internal", 5432, "vault:kv/postgres/" + id));
    }

    /** Gives the request's database another size in place; nothing when it has that size already (this one has no size). */
    public void resize(String requestId, String size) throws Exception {
        // a database in memory has no size to change
    }

    /** Removes whatever was created for a request (cancellation, deprovision); nothing if nothing was. */
    public void remove(String requestId) {
        databases.remove(requestId);
    }
}
