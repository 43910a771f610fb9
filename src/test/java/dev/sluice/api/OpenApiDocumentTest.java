package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.QuietSluiceTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document is complete: every operation of every Sluice API controller is in it (a new
 * endpoint without its entry fails here), with the key schemes and the problem document.
 */
@QuietSluiceTest
class OpenApiDocumentTest {

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private JsonNode document() {
        Api.Answer a = new Api(port).get("/v3/api-docs");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        try {
            // For a reviewer (and for clients to generate from): the document as served.
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "openapi.json"), a.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return a.json();
    }

    @Test
    void everyControllerOperationIsInTheDocument() {
        JsonNode paths = document().get("paths");
        List<String> operations = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            // The API's controllers; the dashboard's pages (@Controller) are for browsers, not clients.
            if (!method.getBeanType().getPackageName().startsWith("dev.sluice")
                    || !method.getBeanType()
                            .isAnnotationPresent(org.springframework.web.bind.annotation.RestController.class)) {
                return;
            }
            for (String path : info.getPathPatternsCondition().getPatternValues()) {
                for (var verb : info.getMethodsCondition().getMethods()) {
                    String op = verb.name() + " " + path;
                    operations.add(op);
                    JsonNode item = paths.get(path);
                    if (item == null || item.get(verb.name().toLowerCase(Locale.ROOT)) == null) {
                        missing.add(op);
                    }
                }
            }
        });
        assertThat(operations)
                .as("the controllers' operations, as found")
                .contains(
                        "GET /api/v1/jobs",
                        "POST /api/v1/batches/{id}/cancel",
                        "POST /v1/chat/completions",
                        "POST /tinker/api/v1/asample");
        assertThat(missing).as("operations missing from /v3/api-docs").isEmpty();
    }

    @Test
    void itIsOpenApi31WithTheKeySchemesAndTheProblemDocument() {
        JsonNode doc = document();

        assertThat(doc.get("openapi").asString()).startsWith("3.1");
        JsonNode schemes = doc.get("components").get("securitySchemes");
        assertThat(schemes.get("bearer").get("scheme").asString()).isEqualTo("bearer");
        assertThat(schemes.get("apiKey").get("name").asString()).isEqualTo("X-Api-Key");
        assertThat(doc.get("components")
                        .get("schemas")
                        .get("Problem")
                        .get("properties")
                        .has("errors"))
                .isTrue();
        JsonNode listJobs = doc.get("paths").get("/api/v1/jobs").get("get");
        assertThat(listJobs.get("parameters").values())
                .extracting(p -> p.get("name").asString())
                .contains("state", "priority", "upstream", "model", "batch_id", "custom_id", "before");
        assertThat(listJobs.get("responses").get("400").get("content").has("application/problem+json"))
                .isTrue();
        JsonNode enqueue = doc.get("paths").get("/api/v1/jobs").get("post");
        assertThat(enqueue.get("requestBody")
                        .get("content")
                        .get("application/json")
                        .has("examples"))
                .as("the job body, with an example")
                .isTrue();
    }

    @Test
    void theDocumentAndSwaggerUiNeedAKey() {
        assertThat(new Api(port).as(null).get("/v3/api-docs").status()).isEqualTo(401);
        Api.Answer ui = new Api(port).get("/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");
    }
}
