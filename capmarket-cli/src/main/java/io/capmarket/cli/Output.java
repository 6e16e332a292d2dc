package io.capmarket.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capmarket.client.Capability;
import io.capmarket.client.Page;
import io.capmarket.client.Request;
import io.capmarket.client.RequestDecisions;
import io.capmarket.client.RequestEvent;
import io.capmarket.client.RequestState;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints the gateway's answers: {@code json} as the gateway shaped them (a list as
 * {@code {"items": [...], "next": ...}}, a watch as one JSON object per line), {@code table} as
 * aligned columns for people.
 */
final class Output {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayOptions.Format format;
    private final PrintStream out;

    Output(GatewayOptions.Format format, PrintStream out) {
        this.format = format;
        this.out = out;
    }

    void request(Request request) {
        if (format == GatewayOptions.Format.json) {
            print(request.json(), true);
        } else {
            requests(List.of(request), null);
        }
    }

    void page(Page<Request> page) {
        if (format == GatewayOptions.Format.json) {
            json(page);
        } else {
            requests(page.items(), page.next());
        }
    }

    /** An approval inbox's page: in a table, who asks for what, the approvals it waits for and until when. */
    void approvals(Page<Request> page) {
        if (format == GatewayOptions.Format.json) {
            json(page);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("ID", "TEAM", "CAPABILITY", "VERSION", "AWAITING", "EXPIRES", "PARAMETERS"));
        page.items().forEach(r -> rows.add(List.of(r.id(), r.json().path("team").asText(""), r.capability(),
                Integer.toString(r.version()), awaiting(r), r.approvalExpiresAt() == null ? "" : r.approvalExpiresAt().toString(),
                r.json().path("parameters").isObject() ? r.json().path("parameters").toString() : "")));
        table(rows);
        more(page.next());
    }

    void event(RequestEvent event) {
        if (format == GatewayOptions.Format.json) {
            ObjectNode line = JSON.createObjectNode().put("event", event.name()).put("index", event.index()).put("state", event.state());
            line.set("request", event.request().json());
            print(line, false);
        } else {
            out.println(event.end() ? "end " + event.state() : event.index() + " " + event.state());
        }
    }

    /** A request's matching decisions: in a table, {@link DecisionReport#lines(RequestDecisions)}. */
    void decisions(RequestDecisions decisions) {
        if (format == GatewayOptions.Format.json) {
            print(decisions.json(), true);
        } else {
            DecisionReport.lines(decisions).forEach(out::println);
        }
    }

    void catalog(List<Capability> capabilities) {
        if (format == GatewayOptions.Format.json) {
            ObjectNode list = JSON.createObjectNode();
            ArrayNode items = list.putArray("items");
            capabilities.forEach(capability -> items.add(capability.json()));
            list.putNull("next");
            print(list, true);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("CAPABILITY", "VERSIONS", "OFFERS", "DESCRIPTION"));
        capabilities.forEach(c -> rows.add(List.of(c.name(),
                c.versions().stream().map(v -> Integer.toString(v.version())).collect(Collectors.joining(",")),
                Integer.toString(c.offers().size()), c.description() == null ? "" : c.description())));
        table(rows);
    }

    private void json(Page<Request> page) {
        ObjectNode list = JSON.createObjectNode();
        ArrayNode items = list.putArray("items");
        page.items().forEach(request -> items.add(request.json()));
        list.put("next", page.next());
        print(list, true);
    }

    private void requests(List<Request> requests, String next) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("ID", "CAPABILITY", "VERSION", "STATE", "DETAIL"));
        requests.forEach(r -> rows.add(List.of(r.id(), r.capability(), Integer.toString(r.version()), r.state(), detail(r))));
        table(rows);
        more(next);
    }

    private void more(String next) {
        if (next != null) {
            out.println("more: --cursor " + next);
        }
    }

    /** The reason, else while PENDING_APPROVAL the approvals awaited, else the outputs. */
    private static String detail(Request request) {
        if (request.reason() != null && !request.reason().isEmpty()) {
            return request.reason();
        }
        if (request.is(RequestState.PENDING_APPROVAL) && !request.openApprovals().isEmpty()) {
            return "awaiting approval, " + awaiting(request)
                    + (request.approvalExpiresAt() == null ? "" : ", until " + request.approvalExpiresAt());
        }
        return request.outputs().isEmpty() ? "" : request.outputs().toString();
    }

    /** The open approvals and who may give each: {@code platform by role:admin; producer dba-eu by team:dba-eu or role:approver}. */
    private static String awaiting(Request request) {
        return request.openApprovals().stream().map(a -> a.source() + " by " + String.join(" or ", a.approvers()))
                .collect(Collectors.joining("; "));
    }

    private void table(List<List<String>> rows) {
        columns(rows).forEach(out::println);
    }

    /** Rows as lines of aligned columns, two spaces apart; the last column is not padded. */
    static List<String> columns(List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        rows.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        List<String> lines = new ArrayList<>();
        rows.forEach(row -> {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + widths[i] + "s  ", row.get(i)));
            }
            lines.add(line.toString().stripTrailing());
        });
        return lines;
    }

    private void print(JsonNode json, boolean pretty) {
        try {
            out.println(pretty ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) : JSON.writeValueAsString(json));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
