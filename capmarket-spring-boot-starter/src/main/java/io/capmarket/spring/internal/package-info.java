/** The starter's plumbing; not an API. */
package io.capmarket.spring.internal;
