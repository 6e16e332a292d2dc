package io.capmarket.client;

import java.util.List;

/**
 * One page of a list. Ask for the next one with the same query and {@link #next()} as its cursor.
 *
 * @param items the items of this page, in the list's order
 * @param next the cursor of the next page, or null on the last page
 * @param <T> the item type
 */
public record Page<T>(List<T> items, String next) {

    /** A page; the items are copied. */
    public Page {
        items = List.copyOf(items);
    }

    /** Whether there is a page after this one. */
    public boolean hasNext() {
        return next != null;
    }
}
