/**
 * The consumer gateway: the self-service HTTP API and portal page through which consumer teams
 * and their bots browse the catalog and submit, follow and cancel requests.
 */
package io.capmarket.gateway;
