package io.capmarket.schemas.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RecordTracingTest {

    private final SdkTracerProvider tracing = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build();
    private final Span span = tracing.get("test").spanBuilder("submit").startSpan();

    @Test
    void aSpanCarriedInRecordHeadersIsTheParentReadFromThem() {
        RecordHeaders headers = new RecordHeaders();

        RecordTracing.inject(Context.root().with(span), headers);
        SpanContext read = Span.fromContext(RecordTracing.extract(headers)).getSpanContext();

        assertThat(read.getTraceId()).isEqualTo(span.getSpanContext().getTraceId());
        assertThat(read.getSpanId()).isEqualTo(span.getSpanContext().getSpanId());
        assertThat(read.isRemote()).isTrue();
        assertThat(new String(headers.lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .isEqualTo("00-" + span.getSpanContext().getTraceId() + "-" + span.getSpanContext().getSpanId() + "-"
                        + span.getSpanContext().getTraceFlags().asHex());
    }

    @Test
    void injectingReplacesTheTraceContextARecordHeldAndNothingIsInjectedWithoutASpan() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(StandardCharsets.UTF_8));

        RecordTracing.inject(Context.root(), headers);
        assertThat(headers.headers("traceparent")).hasSize(1);
        RecordTracing.inject(Context.root().with(span), headers);

        assertThat(headers.headers("traceparent")).hasSize(1);
        assertThat(Span.fromContext(RecordTracing.extract(headers)).getSpanContext().getSpanId())
                .isEqualTo(span.getSpanContext().getSpanId());
    }

    @Test
    void aTraceParentStringAndHttpHeadersGiveTheSameParent() {
        String traceParent = RecordTracing.traceParent(Context.root().with(span)).orElseThrow();
        Map<String, String> http = Map.of("traceparent", traceParent);

        assertThat(Span.fromContext(RecordTracing.fromTraceParent(traceParent)).getSpanContext().getSpanId())
                .isEqualTo(span.getSpanContext().getSpanId());
        assertThat(Span.fromContext(RecordTracing.extract(http::get)).getSpanContext().getTraceId())
                .isEqualTo(span.getSpanContext().getTraceId());
    }

    @Test
    void absentOrMalformedTraceContextIsTheRoot() {
        RecordHeaders garbage = new RecordHeaders();
        garbage.add("traceparent", "not-a-trace".getBytes(StandardCharsets.UTF_8));

        assertThat(Span.fromContext(RecordTracing.extract(new RecordHeaders())).getSpanContext().isValid()).isFalse();
        assertThat(Span.fromContext(RecordTracing.extract(garbage)).getSpanContext().isValid()).isFalse();
        assertThat(Span.fromContext(RecordTracing.fromTraceParent(null)).getSpanContext().isValid()).isFalse();
        assertThat(RecordTracing.traceParent(Context.root())).isEmpty();
    }

    @Test
    void noExporterConfiguredInstallsNothing() {
        assertThat(Telemetry.install("capmarket-test", Map.of(), name -> null)).isFalse();
        assertThat(Telemetry.install("capmarket-test", Map.of("OTEL_TRACES_EXPORTER", "none"), name -> null)).isFalse();
    }

    @Test
    void theLogContextNamesTheRequestAndItsTraceUntilClosed() {
        try (LogContext ignored = LogContext.of("r-1", span)) {
            assertThat(org.slf4j.MDC.get("requestId")).isEqualTo("r-1");
            assertThat(org.slf4j.MDC.get("trace.id")).isEqualTo(span.getSpanContext().getTraceId());
            assertThat(org.slf4j.MDC.get("span.id")).isEqualTo(span.getSpanContext().getSpanId());
        }
        assertThat(org.slf4j.MDC.get("requestId")).isNull();
        assertThat(org.slf4j.MDC.get("trace.id")).isNull();
        try (LogContext ignored = LogContext.of("r-2", Span.getInvalid())) {
            assertThat(org.slf4j.MDC.get("requestId")).isEqualTo("r-2");
            assertThat(org.slf4j.MDC.get("trace.id")).isNull();
        }
    }
}
