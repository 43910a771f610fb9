package dev.sluice.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What springdoc cannot read off the controllers: the key schemes, the problem document every
 * error answers with, and the error answers each operation may give. Operations come from the
 * controllers themselves ({@code OpenApiDocumentTest} fails when one is missing).
 */
@Configuration
class OpenApiConfiguration {

    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";

    @Bean
    OpenAPI sluiceOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Sluice")
                        .version("v1")
                        .description("""
                                A durable, rate-limited priority queue for LLM inference requests. \
                                /api/v1 is Sluice's own API; /v1 speaks OpenAI's Files, Batches, Chat \
                                Completions and Models; /tinker speaks Tinker's futures. Every operation \
                                but health needs a key: `Authorization: Bearer sk-sluice-...` or \
                                `X-Api-Key: sk-sluice-...`, with the scope the operation names.""")
                        .license(new License().name("Apache-2.0")))
                .components(new Components()
                        .addSecuritySchemes(
                                "bearer",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("sk-sluice-<32 base62 characters>")
                                        .description("An API key as a bearer token; scopes: read, submit, admin."))
                        .addSecuritySchemes(
                                "apiKey",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.APIKEY)
                                        .in(SecurityScheme.In.HEADER)
                                        .name("X-Api-Key")
                                        .description("The same key in a header of its own.")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }

    /** RFC 9457, with Sluice's {@code errors}: each broken rule, naming its field (and line, in a batch). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema problemSchema() {
        Schema error = new ObjectSchema()
                .addProperty("field", new StringSchema().example("priority"))
                .addProperty("rule", new StringSchema().example("must be one of high, normal, low"))
                .addProperty("line", new IntegerSchema().description("the batch line, from 1"));
        return new ObjectSchema()
                .description("An RFC 9457 problem document; every error Sluice answers is one.")
                .addProperty("type", new StringSchema().example("https://sluice.dev/problems/invalid-request"))
                .addProperty("title", new StringSchema().example("Invalid request"))
                .addProperty("status", new IntegerSchema().example(400))
                .addProperty("detail", new StringSchema().example("1 rule is broken; nothing was stored"))
                .addProperty("instance", new StringSchema().example("/api/v1/jobs"))
                .addProperty("errors", new ArraySchema().items(error))
                .addProperty("error_count", new IntegerSchema());
    }

    /** Every operation may answer these; each as a problem document. */
    @Bean
    OpenApiCustomizer problemAnswers() {
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("400", "A parameter or the body breaks a rule; nothing was stored");
        answers.put("401", "No key, or a key that is unknown, revoked or expired");
        answers.put("403", "The key lacks the scope this operation needs");
        answers.put("404", "No such thing, or not this key's project's");
        answers.put("503", "Busy: try again after Retry-After seconds");
        return openApi -> {
            // Added here, not with the schemes: springdoc drops a schema no operation refers to
            // before the customizers add the references.
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            openApi.getPaths().forEach((path, item) -> {
                boolean open = path.startsWith("/actuator/health");
                for (Operation op : item.readOperations()) {
                    answers.forEach((status, description) -> {
                        if (open && !status.equals("503")) {
                            return;
                        }
                        if (op.getResponses().get(status) == null) {
                            op.getResponses().addApiResponse(status, problem(description, status));
                        }
                    });
                    if (open) {
                        op.setSecurity(List.of());
                    }
                }
            });
        };
    }

    private static ApiResponse problem(String description, String status) {
        Example example = new Example()
                .value(Map.of(
                        "type",
                        "https://sluice.dev/problems/" + (status.equals("400") ? "invalid-request" : "error"),
                        "title",
                        description,
                        "status",
                        Integer.parseInt(status),
                        "errors",
                        List.of(Map.of("field", "priority", "rule", "must be one of high, normal, low"))));
        return new ApiResponse()
                .description(description)
                .content(new Content()
                        .addMediaType(
                                PROBLEM_JSON,
                                new MediaType()
                                        .schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))
                                        .addExamples("problem", example)));
    }
}
