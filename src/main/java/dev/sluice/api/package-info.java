/**
 * The HTTP API under {@code /api/v1}: controllers, the JSON shapes they answer with, and the advice
 * that turns every error into an RFC 9457 problem document naming the field and the rule.
 */
package dev.sluice.api;
