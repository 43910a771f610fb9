/**
 * Protocol doors: Sluice served in its clients' own protocols, the OpenAI API at {@code /v1}
 * ({@code door.openai}) and the Tinker futures API at {@code /tinker} ({@code door.tinker}). Each
 * door is thin; what both need (the default priority, waiting for a job) lives here.
 */
package dev.sluice.door;
