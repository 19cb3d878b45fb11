package dev.karuku.engine.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.engine.hub.HubException.Reason;

import java.util.Locale;

/// Turns a Hub error answer into a [HubException], reading `X-Error-Code` first, then `X-Error-Message`, then
/// the body (`{"error": …}` in its several shapes, or plain text) — the order huggingface_hub uses.
final class HubErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HubErrors() {}

    /// Consumes (a bounded part of) the body and closes the response.
    static HubException from(HubResponse r, boolean tokenSent, String what) {
        String code = r.header("X-Error-Code");
        String message = r.header("X-Error-Message");
        if (message == null || message.isBlank()) message = bodyMessage(r.readSome(4096));
        r.close();
        Reason reason = reason(r.status(), code, message, tokenSent);
        String detail = what == null ? "" : what;
        return new HubException(reason, r.status(), detail);
    }

    static Reason reason(int status, String code, String message, boolean tokenSent) {
        String c = code == null ? "" : code.strip();
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (c.equalsIgnoreCase("GatedRepo")) {
            return status == 403 && tokenSent ? Reason.GATED_NOT_APPROVED : Reason.GATED_NEEDS_TOKEN;
        }
        if (c.equalsIgnoreCase("RepoNotFound")) return Reason.REPO_NOT_FOUND;
        if (c.equalsIgnoreCase("RevisionNotFound")) return Reason.REVISION_NOT_FOUND;
        if (c.equalsIgnoreCase("EntryNotFound")) return Reason.ENTRY_NOT_FOUND;
        if (c.equalsIgnoreCase("DisabledRepo") || m.contains("disabled")) return Reason.DISABLED;
        if (status == 401) return m.contains("invalid credentials") ? Reason.INVALID_TOKEN : Reason.REPO_NOT_FOUND;
        if (status == 403) return Reason.FORBIDDEN;
        if (status == 404) return Reason.REPO_NOT_FOUND;
        if (status == 429) return Reason.RATE_LIMITED;
        if (status >= 500 || status == 408) return Reason.SERVER_ERROR;
        return Reason.BAD_RESPONSE;
    }

    /// `json.error` (string or list), `json.message`, `json.errors[0].message`, else the text itself.
    static String bodyMessage(String body) {
        if (body == null || body.isBlank()) return "";
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) return body.strip();
            JsonNode e = n.path("error");
            if (e.isTextual()) return e.asText();
            if (e.isArray() && !e.isEmpty()) return e.get(0).asText();
            if (n.path("message").isTextual()) return n.path("message").asText();
            JsonNode errors = n.path("errors");
            if (errors.isArray() && !errors.isEmpty()) return errors.get(0).path("message").asText("");
            return "";
        } catch (Exception notJson) {
            return body.strip();
        }
    }
}
