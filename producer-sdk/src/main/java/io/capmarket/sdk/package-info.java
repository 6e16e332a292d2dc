/**
 * The producer SDK: the library a producer team embeds to publish capability offers, send
 * heartbeats and fulfil the assignments the marketplace routes to it.
 */
package io.capmarket.sdk;
