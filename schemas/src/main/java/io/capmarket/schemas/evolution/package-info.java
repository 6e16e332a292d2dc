/**
 * Schema evolution: checks current event schemas against the released snapshot kept in the
 * repository, so that a consumer upgraded first can always read what producers wrote before.
 */
package io.capmarket.schemas.evolution;
