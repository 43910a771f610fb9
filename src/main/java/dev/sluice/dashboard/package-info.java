/**
 * The dashboard: pages Sluice renders itself (Thymeleaf), behind a sign-in with an API key
 * ({@code project.DashboardSessions}). Each page reads what the API reads, from indexes and
 * snapshots ({@code reporting.OverviewSeries}, {@code batch.BatchCatalog}), never a scan of the
 * jobs; charts are drawn in the browser by uPlot from the JSON each page carries. A read key sees
 * its project and no buttons; submit and admin keys get the actions their scopes allow, as forms
 * with a CSRF token.
 */
package dev.sluice.dashboard;
