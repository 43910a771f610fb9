/**
 * Completion callbacks: when a job with a {@code callback_url} finishes, a trigger writes an
 * outbox row in the same transaction; the {@link dev.sluice.callback.CallbackSender} delivers it,
 * signed with HMAC-SHA256, retried with backoff, every attempt recorded. Callbacks run on their
 * own loop, so a slow receiver never holds back claims or polls.
 */
package dev.sluice.callback;
