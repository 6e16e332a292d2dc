package io.capmarket.gateway.internal;

import io.capmarket.gateway.ConflictException;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.NotFoundException;
import io.capmarket.gateway.RejectedRequestException;
import io.capmarket.gateway.RetryLaterException;
import io.capmarket.schemas.CapabilityVersionView;
import io.capmarket.schemas.RequestCommand;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.SubmitRequest;
import io.opentelemetry.api.trace.Span;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Accepts submits on the instance that owns their request id. Submits of one id (one team's
 * Idempotency-Key) are decided one after the other ({@link KeyedSequence}), against the store and
 * the requests accepted but not stored yet ({@link AcceptedRequests}): the first is written, a
 * later one with the same body gets the same request ({@code 200}), one with another body a
 * {@code 409}; every instance forwards its submits to the owner, so this holds across instances.
 * A new request is checked against its team's quota ({@link Quotas#check}: {@code 429}) after the
 * catalog and the parameter schema, and answered {@code 202} as soon as Kafka has acknowledged it.
 */
public final class Acceptor {

    /** The answer: {@code 200} (the request existed), {@code 202} (accepted now), and the request. */
    public record Answer(int status, RequestView view) {
    }

    private final Catalog catalog;
    private final ParameterSchemas schemas;
    private final Quotas quotas;
    private final RequestReads reads;
    private final AcceptedRequests accepted;
    private final RequestWatchers watchers;
    private final Publisher publisher;
    private final Clock clock;
    private final Refusals refusals;
    private final KeyedSequence sequence = new KeyedSequence();
    /** When a retry of a submit Kafka has not settled yet should come again. */
    static final Duration WRITING_RETRY = Duration.ofSeconds(2);

    /**
     * @param quotas refuses a submit its team's quota already does not allow
     * @param refusals counts the submits refused for a capability or version the catalog does not have
     */
    public Acceptor(Catalog catalog, ParameterSchemas schemas, Quotas quotas, RequestReads reads, AcceptedRequests accepted,
            RequestWatchers watchers, Publisher publisher, Clock clock, Refusals refusals) {
        this.catalog = catalog;
        this.schemas = schemas;
        this.quotas = quotas;
        this.reads = reads;
        this.accepted = accepted;
        this.watchers = watchers;
        this.publisher = publisher;
        this.clock = clock;
        this.refusals = refusals;
    }

    /**
     * Decides a submit of request {@code id}, which lives in {@code partition} of this instance.
     *
     * @param key the Idempotency-Key, or null (then {@code id} is random and new)
     */
    public CompletableFuture<Answer> accept(Principal principal, Submission submission, String key, String id, int partition, Span span) {
        if (key == null) {
            return Futures.guarded(() -> write(principal, submission, null, id, partition, span));
        }
        return sequence.run(id, () -> {
            // asked before the read: a write Kafka settles meanwhile is acknowledged, then stored, then no longer held, so a
            // request the read misses was not written, or is still being written
            boolean writing = accepted.writing(id);
            Optional<RequestStatus> existing = reads.current(id, partition).filter(status -> principal.sees(status.getConsumerTeam()));
            if (existing.isPresent()) {
                RequestView view = RequestViews.view(existing.get());
                rejectIfOtherRequest(key, submission, view);
                return CompletableFuture.completedFuture(new Answer(200, view));
            }
            if (writing) {
                throw new RetryLaterException("the first submit with the Idempotency-Key '" + key + "' was not acknowledged by Kafka "
                        + "in time and may still be written; retry with the same key: it then gets that request, or is written",
                        WRITING_RETRY);
            }
            return write(principal, submission, key, id, partition, span);
        });
    }

    /** How many submits with an Idempotency-Key are being decided or waiting their turn (at most {@value KeyedSequence#MAX_TASKS}). */
    public int deciding() {
        return sequence.tasks();
    }

    private CompletableFuture<Answer> write(Principal principal, Submission submission, String key, String id, int partition,
            Span span) {
        CapabilityVersionView version = offered(submission);
        List<FieldError> violations = schemas.validate(version.getParameterSchema(), submission.parameters());
        if (!violations.isEmpty()) {
            throw new RejectedRequestException("the parameters do not satisfy the parameter schema of "
                    + submission.capability() + " version " + submission.version(), violations);
        }
        // only a new request counts against the quota: a retry of one already written was answered above
        quotas.check(principal.team(), submission.capability());
        RequestCommand command = submission.command(id, principal, key, clock.instant());
        RequestStatus status = RequestViews.submitted((SubmitRequest) command.getCommand());
        accepted.reserve(status, partition);
        // held until Kafka settles it, which may come after the caller was told 503: a retry with the
        // same key meanwhile is told to retry again (see accept), rather than written a second time
        return publisher.send(id, submission.capability(), command, span, (acked, error) -> {
            if (error == null) {
                accepted.acknowledged(id);
                watchers.publish(status);
            } else {
                accepted.release(id);
            }
        }).thenApply(acked -> new Answer(202, RequestViews.view(status, submission.parameters())));
    }

    /** The version the submit asks for; a refusal for want of the capability or the version is counted as demand nobody offers. */
    private CapabilityVersionView offered(Submission submission) {
        try {
            return catalog.version(submission.capability(), submission.version());
        } catch (NotFoundException e) {
            refusals.refused(submission.capability(), null, Refusals.Reason.UNKNOWN_CAPABILITY);
            throw e;
        } catch (RejectedRequestException e) {
            refusals.refused(submission.capability(), submission.version(), Refusals.Reason.UNKNOWN_VERSION);
            throw e;
        }
    }

    /**
     * A 409 when the request already written under the caller's Idempotency-Key is another one than
     * this body asks for: two submissions with one key are one request, the first written.
     */
    private static void rejectIfOtherRequest(String key, Submission submission, RequestView existing) {
        List<FieldError> differences = submission.differences(existing);
        if (!differences.isEmpty()) {
            throw new ConflictException("the Idempotency-Key '" + key + "' was used for a different request ("
                    + existing.id() + "); use a new key for a new request", differences);
        }
    }

}
