package dev.sluice.project;

import jakarta.servlet.DispatcherType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * The one security chain: every request but health needs a key, with the scope {@link AccessRules}
 * names. Stateless (no session, no cookie, so no CSRF to guard against), no login form, no basic
 * auth; the answers to a missing key or scope are problem documents ({@link AuthProblems}).
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

    @Bean
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
