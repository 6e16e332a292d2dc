package io.capmarket.schemas.onboarding;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;

/** How onboarding waits for the cluster and names who acts: one place for both onboarding types. */
final class AdminCalls {

    private AdminCalls() {
    }

    /**
     * Waits for an admin call or an acknowledgement.
     *
     * @throws KafkaException naming {@code what}, when it failed, took longer than {@code timeout} or was interrupted
     */
    static <T> T await(Future<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException(what + " took longer than " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while " + what, e);
        }
    }

    /** Checks the audit trail's actor. */
    static void requireActor(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must name who acts (for the audit trail), but was '" + value + "'");
        }
    }
}
