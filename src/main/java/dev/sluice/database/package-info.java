/**
 * Finding Sluice's database at start-up: create it when the server is there but the database is
 * not, and stop with one message that says what to do when no server answers.
 */
package dev.sluice.database;
