package dev.sluice.door.openai;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Every problem document answered under {@code /v1} also carries OpenAI's error object, {@code
 * "error": {"message", "type", "param", "code"}}, which the official SDKs read into the exception
 * they raise, and is sent as {@code application/json}, the type those clients parse; the RFC 9457
 * fields stay as they are.
 */
@ControllerAdvice
class OpenAiErrorShape implements ResponseBodyAdvice<Object> {

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(
            Object body,
            MethodParameter returnType,
            MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType,
            ServerHttpRequest request,
            ServerHttpResponse response) {
        if (body instanceof ProblemDetail p
                && request instanceof ServletServerHttpRequest servlet
                && underDoor(servlet.getServletRequest())
                && (p.getProperties() == null || !p.getProperties().containsKey("error"))) {
            p.setProperty("error", error(p));
        }
        if (body instanceof ProblemDetail
                && request instanceof ServletServerHttpRequest servlet
                && underDoor(servlet.getServletRequest())) {
            // The official clients read an error body only as application/json (the npm SDK shows
            // application/problem+json as "(no body)"); the document is the same.
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        }
        return body;
    }

    private static boolean underDoor(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path != null && path.startsWith("/v1/");
    }

    /** OpenAI's error object of a problem: its detail, its kind, and the first field it names. */
    static Map<String, Object> error(ProblemDetail p) {
        Map<String, Object> error = new LinkedHashMap<>();
        StringBuilder message = new StringBuilder(p.getDetail() == null ? p.getTitle() : p.getDetail());
        String param = null;
        if (p.getProperties() != null && p.getProperties().get("errors") instanceof List<?> errors) {
            for (Object e : errors) {
                if (e instanceof Map<?, ?> m) {
                    message.append("; ");
                    if (m.get("line") != null) {
                        message.append("line ").append(m.get("line")).append(": ");
                    }
                    message.append(m.get("field")).append(' ').append(m.get("rule"));
                    if (param == null && m.get("field") != null) {
                        param = String.valueOf(m.get("field"));
                    }
                }
                if (message.length() > 2000) {
                    message.append(" …");
                    break;
                }
            }
        }
        error.put("message", message.toString());
        error.put(
                "type",
                p.getStatus() == 429
                        ? "rate_limit_error"
                        : p.getStatus() >= 500 ? "server_error" : "invalid_request_error");
        error.put("param", param);
        String type = p.getType() == null ? null : p.getType().toString();
        error.put("code", type == null ? null : type.substring(type.lastIndexOf('/') + 1));
        return error;
    }
}
