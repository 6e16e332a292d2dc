/**
 * The broker topology: the Kafka Streams application that folds offers into the catalog,
 * matches requests to offers, tracks each request's lifecycle and keeps the scorecard.
 */
package io.capmarket.topology;
