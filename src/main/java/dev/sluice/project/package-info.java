/**
 * Who may do what: projects (with their turn weight, limits and callback secret), the API keys
 * that belong to them (random, shown once, stored as SHA-256, scoped submit/read/admin), the
 * Spring Security chain that checks a key on every request but health, and the audit log of who
 * changed what. Above {@code job}: it hands the job package an {@code Owner} and a
 * {@code Visibility}, and the api package a {@link dev.sluice.project.Caller}.
 */
package dev.sluice.project;
