/**
 * A Java client of the capmarket consumer gateway for bots and scripts: {@link io.capmarket.client.CapmarketClient}.
 * Depends on {@code java.net.http} and Jackson only.
 */
package io.capmarket.client;
