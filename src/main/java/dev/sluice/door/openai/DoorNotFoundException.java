package dev.sluice.door.openai;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** 404 for a file or batch id the caller cannot see: the same words whether it exists or not. */
final class DoorNotFoundException extends ErrorResponseException {

    DoorNotFoundException(String what, String id) {
        super(HttpStatus.NOT_FOUND, body(what, id), null);
    }

    private static ProblemDetail body(String what, String id) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(
                HttpStatus.NOT_FOUND, "no " + what + " " + cut(id) + " that this key can see");
        p.setType(URI.create("https://sluice.dev/problems/not-found"));
        p.setTitle("Not found");
        p.setProperty("errors", List.of(Map.of("field", "id", "rule", "must name an existing " + what)));
        return p;
    }

    static String cut(String id) {
        return id.length() <= 64 ? id : id.substring(0, 64) + "…";
    }
}
