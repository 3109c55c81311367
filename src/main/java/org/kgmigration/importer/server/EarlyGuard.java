package org.kgmigration.importer.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.kgmigration.api.ApiError;
import org.kgmigration.importer.ApiException;

/**
 * The {@link ImportGuard} decision taken on the Vert.x router before any other handler, as soon as
 * the request line and headers have arrived. A refused request is answered at once with the API's
 * JSON error and {@code Connection: close}, and the connection is closed: its body is never read,
 * so a client that is not trusted cannot make the server receive, spool or store an upload. A client
 * that sent {@code Expect: 100-continue} does not even send the body.
 */
final class EarlyGuard implements Handler<RoutingContext> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ImportGuard guard;

    EarlyGuard(ImportGuard guard) {
        this.guard = guard;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        ApiException refusal = guard.check(ImportGuard.remoteAddress(req), req.getHeader("Authorization"),
                req.method() + " " + req.path());
        if (refusal == null) {
            ctx.next();
            return;
        }
        String body;
        try {
            body = JSON.writeValueAsString(new ApiError(refusal.status(), refusal.error(), refusal.getMessage()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ctx.response().setStatusCode(refusal.status())
                .putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close")
                .end(body)
                .onComplete(done -> req.connection().close());
    }
}
