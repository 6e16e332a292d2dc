/**
 * The consumer gateway: the self-service HTTP API and portal page through which consumer teams
 * and their bots browse the catalog and submit, follow and cancel requests, approvers decide the
 * approvals requests wait for, and the platform's admins set approval policies, contract handovers and teams' quotas.
 */
package io.capmarket.gateway;
