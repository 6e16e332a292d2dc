package io.capmarket.gateway.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One page of a list: {@code {"items": [...], "next": cursor-or-null}}.
 *
 * @param items the items of this page
 * @param next the cursor of the next page, or null on the last one
 * @param <T> the item type
 */
public record Page<T>(List<T> items, String next) {

    /**
     * Merges the partial, id-ordered answers of several stores into one page: the first
     * {@code limit} by id, with a cursor when any answer holds more.
     */
    public static Page<RequestView> merge(List<List<RequestView>> parts, int limit) {
        return merge(parts, limit, ListQuery.Order.ID);
    }

    /**
     * Merges the partial answers of several stores into one page: the first {@code limit} in
     * {@code order}, with a cursor (the last item's key) when any answer holds more.
     */
    public static Page<RequestView> merge(List<List<RequestView>> parts, int limit, ListQuery.Order order) {
        List<RequestView> all = new ArrayList<>();
        parts.forEach(all::addAll);
        all.sort(order.comparator());
        if (all.size() <= limit) {
            return new Page<>(all, null);
        }
        List<RequestView> items = List.copyOf(all.subList(0, limit));
        return new Page<>(items, Cursors.encode(order.key(items.get(limit - 1))));
    }
}
