/**
 * The OpenAI door at {@code /v1}: the Batch API (files, batches, their output and error files) and
 * the chat, completion and embedding calls, for the official OpenAI clients pointed at Sluice.
 * Thin: it parses, authorises and calls the same services as {@code /api/v1}; its batches are
 * Sluice batches and its requests Sluice jobs, and it answers errors in OpenAI's shape inside
 * RFC 9457 problem documents.
 */
package dev.sluice.door.openai;
