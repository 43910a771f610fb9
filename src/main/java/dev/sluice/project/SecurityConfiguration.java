package dev.sluice.project;

import jakarta.servlet.DispatcherType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import tools.jackson.databind.ObjectMapper;

/**
 * Two security chains. The API's: every request but health needs a key, with the scope
 * {@link AccessRules} names; stateless (no session, no cookie, so no CSRF to guard against), no
 * login form, no basic auth; the answers to a missing key or scope are problem documents
 * ({@link AuthProblems}). The dashboard's, for a browser: sign-in with a key at /login, then a
 * session cookie, CSRF on every form.
 */
@Configuration
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

    /**
     * The 401 and 403 answers, and the firewall's refusals as problem documents too (Spring
     * Security takes the one RequestRejectedHandler bean there is).
     */
    @Bean
    AuthProblems authProblems(ObjectMapper json) {
        return new AuthProblems(json);
    }

    /** The paths of the dashboard and of what a signed-in browser reads: OpenAPI and Swagger UI. */
    static final String[] BROWSER_PATHS = {
        "/",
        "/login",
        "/logout",
        "/ui/**",
        "/webjars/**",
        "/favicon.ico",
        "/swagger-ui",
        "/swagger-ui/**",
        "/v3/api-docs",
        "/v3/api-docs/**"
    };

    /**
     * The dashboard's chain, before the API's: a session (made at sign-in, {@link DashboardSessions})
     * or a key header lets a request in; every form carries a CSRF token; a page asked for without
     * either goes to /login, the OpenAPI document answers 401 as the API does. Actions need the
     * scope their API twin needs.
     */
    @Bean
    @Order(1)
    SecurityFilterChain dashboardFilterChain(HttpSecurity http, KeyCheck check, AuthProblems problems)
            throws Exception {
        var toLogin = new LoginUrlAuthenticationEntryPoint("/login");
        http.securityMatcher(BROWSER_PATHS)
                // No session management filter: sign-in makes a new session itself
                // (DashboardSessions), and as every request is checked afresh, the filter would take
                // each one for a new sign-in, changing the session's id and its CSRF token every time.
                .sessionManagement(s -> s.disable())
                // The caller is never stored in the session: SessionKeyFilter checks the key again each time.
                .securityContext(c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository()))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(r -> r.disable())
                .addFilterBefore(new ApiKeyFilter(check), AnonymousAuthenticationFilter.class)
                .addFilterAfter(new SessionKeyFilter(check), ApiKeyFilter.class)
                .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(
                                problems, PathPatternRequestMatcher.pathPattern("/v3/api-docs/**"))
                        .defaultAuthenticationEntryPointFor(
                                problems, PathPatternRequestMatcher.pathPattern("/v3/api-docs"))
                        .defaultAuthenticationEntryPointFor(toLogin, request -> true)
                        .accessDeniedHandler(problems))
                .authorizeHttpRequests(a -> {
                    a.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
                    a.requestMatchers("/login", "/webjars/**", "/ui/assets/**", "/favicon.ico")
                            .permitAll();
                    a.requestMatchers("/ui/keys", "/ui/keys/**", "/ui/upstreams", "/ui/upstreams/**")
                            .hasAuthority(Scope.ADMIN.authority());
                    a.requestMatchers(HttpMethod.POST, "/ui/batches/**", "/ui/jobs/**")
                            .hasAnyAuthority(Scope.SUBMIT.authority(), Scope.ADMIN.authority());
                    // Signing out needs no scope; every page shows jobs, which a key reads with
                    // read (a submit-only key, a producer's, cannot sign in at all).
                    a.requestMatchers(HttpMethod.POST, "/logout").authenticated();
                    a.anyRequest().hasAnyAuthority(Scope.READ.authority(), Scope.ADMIN.authority());
                });
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain securityFilterChain(HttpSecurity http, KeyCheck check, AuthProblems problems) throws Exception {
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(r -> r.disable())
                .addFilterBefore(new ApiKeyFilter(check), AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .authorizeHttpRequests(a -> {
                    // Error pages and the second half of a streamed answer belong to a request
                    // that was already let in.
                    a.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
                            .permitAll();
                    for (AccessRules.Rule rule : AccessRules.RULES) {
                        if (rule.scopes().isEmpty()) {
                            a.requestMatchers(rule.matcher()).permitAll();
                        } else {
                            a.requestMatchers(rule.matcher())
                                    .hasAnyAuthority(rule.scopes().stream()
                                            .map(Scope::authority)
                                            .toArray(String[]::new));
                        }
                    }
                    a.anyRequest().authenticated();
                });
        return http.build();
    }

    /**
     * No observation per security filter per request: it cost a tenth of the HTTP ceiling
     * (measured, bench/RESULTS.md, issue 13), and the request metrics already time each request.
     */
    @Bean
    SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /** No users and no passwords: keys are checked by {@link ApiKeyFilter}. (Stops Boot making a user.) */
    @Bean
    UserDetailsService noUsers() {
        return new InMemoryUserDetailsManager();
    }
}
